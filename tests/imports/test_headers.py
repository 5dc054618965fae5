"""Header matching (peyvand/imports/fields.py): Persian and English column names find their fields."""

import pytest

from peyvand.core.phones import InvalidPhone, to_e164
from peyvand.imports.fields import fast_mobile, match_headers

# headers are matched against the fields and also the custom fields an administrator defined
pytestmark = pytest.mark.django_db


def test_persian_headers_with_arabic_letters_and_spacing_match_contact_fields():
    headers = ["نام", "فاميلي", "شماره  همراه", "ايميل", "شرکت", "تاریخ تولد", "ستون عجیب"]
    mapping = match_headers("contacts", headers)
    assert mapping == {
        "نام": "first_name",
        "فاميلي": "last_name",
        "شماره  همراه": "phones",
        "ايميل": "emails",
        "شرکت": "company",
        "تاریخ تولد": "birthday",
        "ستون عجیب": "",
    }


def test_english_headers_match_in_any_case_and_with_underscores():
    mapping = match_headers("contacts", ["First_Name", "SURNAME", "Mobile", "E-mail", "City"])
    assert mapping == {
        "First_Name": "first_name",
        "SURNAME": "last_name",
        "Mobile": "phones",
        "E-mail": "emails",
        "City": "city",
    }


def test_each_field_takes_one_column_and_a_second_phone_column_is_left_unmatched():
    mapping = match_headers("leads", ["phone", "mobile", "last name"])
    assert mapping == {"phone": "phone", "mobile": "", "last name": "last_name"}


def test_a_name_header_is_a_company_name_for_companies_and_a_deal_title_for_deals():
    assert match_headers("companies", ["نام", "صنعت"]) == {"نام": "name", "صنعت": "industry"}
    assert match_headers("deals", ["عنوان", "مبلغ", "مرحله"]) == {
        "عنوان": "title",
        "مبلغ": "amount",
        "مرحله": "stage",
    }


def test_the_field_labels_an_export_writes_are_matched_back():
    mapping = match_headers("deals", ["title", "amount", "expected close date", "pipeline", "stage"])
    assert all(mapping.values())


@pytest.mark.parametrize(
    "raw",
    ["09121234567", "+98 912 123 4567", "00989121234567", "9121234567", "۰۹۱۲-۱۲۳-۴۵۶۷", "0912 (123) 4567"],
)
def test_the_fast_mobile_reading_agrees_with_the_services_parser(raw):
    assert fast_mobile(raw) == to_e164(raw) == "+989121234567"


@pytest.mark.parametrize("raw", ["09871234567", "0212345678", "+1 415 555 0100", "0912123456"])
def test_numbers_that_are_not_plain_mobiles_are_left_to_the_services_parser(raw):
    assert fast_mobile(raw) is None
    try:
        expected = to_e164(raw)
    except InvalidPhone:
        expected = None
    assert expected is None or not expected.startswith("+989") or raw.startswith("0987")
