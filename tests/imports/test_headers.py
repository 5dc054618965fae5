"""Header matching (peyvand/imports/fields.py): Persian and English column names find their fields."""

import pytest
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from peyvand.core.contactpoints import clean_emails, clean_phones
from peyvand.core.errors import ValidationFailed
from peyvand.core.phones import InvalidPhone, to_e164
from peyvand.imports.fields import CellError, fast_mobile, match_headers, read_emails, read_phones

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


# what people type in a phone cell: digits of three scripts, separators, prefixes
phone_like = st.one_of(
    st.text(alphabet=st.sampled_from(list("0123456789+ -().۰۱۲۹٠٩") + ["\u00a0"]), max_size=18),
    st.builds(
        lambda prefix, rest, sep: prefix + sep.join([rest[:3], rest[3:6], rest[6:]]),
        st.sampled_from(["0", "+98", "0098", "", "+98 ", "۰", "+۹۸"]),
        st.from_regex(r"9[0-9]{9}", fullmatch=True),
        st.sampled_from(["", " ", "-", ".", "  "]),
    ),
)


def _outcome(read, raw):
    try:
        return read(raw)
    except (CellError, ValidationFailed, InvalidPhone):
        return "refused"


@hypothesis_settings(max_examples=400, deadline=None)
@given(phone_like)
def test_a_phone_cell_reads_as_the_services_parser_reads_it(raw):
    if not raw.strip():
        return  # empty cells are skipped before any reader
    assert _outcome(lambda r: read_phones(r, None), raw) == _outcome(clean_phones, raw)


email_like = st.one_of(
    st.text(alphabet=st.sampled_from(list("abzAZ09._+-@ ,،!'\"") + ["۱", "é", "\n"]), max_size=30),
    st.from_regex(r"[A-Za-z0-9._+-]{1,12}@[A-Za-z0-9-]{1,10}(\.[A-Za-z0-9-]{1,6}){1,2}", fullmatch=True),
)


@hypothesis_settings(max_examples=400, deadline=None)
@given(email_like)
@example("  Ali.Karimi@Gmail.COM ")
@example("ali@mail.ir، reza@mail.ir")
def test_an_email_cell_reads_as_the_services_clean_it(raw):
    if not raw.strip():
        return
    assert _outcome(lambda r: read_emails(r, None), raw) == _outcome(clean_emails, raw)


def test_an_amount_header_may_name_its_unit_and_toman_is_read_as_ten_times_in_rial():
    from decimal import Decimal

    from peyvand.imports.fields import column_by_name, model_field, reader_of

    mapping = match_headers("deals", ["عنوان", "مبلغ (تومان)"])
    assert mapping == {"عنوان": "title", "مبلغ (تومان)": "amount"}
    assert match_headers("deals", ["title", "amount (rial)"])["amount (rial)"] == "amount"
    column, field = column_by_name("deals")["amount"], model_field("deals", "amount")
    assert reader_of(column, "مبلغ (تومان)")("۱۲٬۵۰۰٬۰۰۰", field) == Decimal("125000000")
    assert reader_of(column, "مبلغ")("125000000", field) == Decimal("125000000")
    with pytest.raises(CellError):
        reader_of(column, "amount (toman)")("12.55", field)
