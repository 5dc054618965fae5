"""Phone numbers (peyvand/core/phones.py): every way an Iranian number is typed becomes one E.164 form."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peyvand.core.phones import InvalidPhone, display_phone, to_e164

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    "typed",
    [
        "09123456789",
        "+989123456789",
        "00989123456789",
        "9123456789",
        "۰۹۱۲۳۴۵۶۷۸۹",
        "٠٩١٢٣٤٥٦٧٨٩",
        "+۹۸۹۱۲۳۴۵۶۷۸۹",
        "0912 345 6789",
        "0912-345-6789",
        "+98 912 345 6789",
        "(0912) 345-6789",
        " 0912 345 6789 ",
        "912 345 6789",
    ],
)
def test_every_way_of_typing_one_mobile_number_gives_the_same_e164(typed):
    assert to_e164(typed) == "+989123456789"


@pytest.mark.parametrize("typed", ["021 8888 1234", "02188881234", "+98 21 8888 1234", "۰۲۱-۸۸۸۸-۱۲۳۴"])
def test_a_tehran_landline_is_understood_with_or_without_the_country_code(typed):
    assert to_e164(typed) == "+982188881234"


def test_a_foreign_number_keeps_its_own_country():
    assert to_e164("+1 650 253 0000") == "+16502530000"
    assert to_e164("0044 20 7946 0000") == "+442079460000"


def test_another_default_region_reads_national_numbers_as_that_country():
    assert to_e164("020 7946 0000", region="GB") == "+442079460000"


@pytest.mark.parametrize(
    "typed", ["", "   ", "abc", "123", "0912345", "۰۹۱۲", "+98912345678901", "0912 345 678 901 234"]
)
def test_what_is_not_a_phone_number_raises_invalid_phone(typed):
    with pytest.raises(InvalidPhone):
        to_e164(typed)


def test_invalid_phone_is_a_value_error_so_callers_may_catch_either():
    assert issubclass(InvalidPhone, ValueError)


@given(st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_all_forms_of_any_0912_number_agree(rest):
    national = f"0912{rest}"
    forms = [
        national,
        f"+98912{rest}",
        f"0098912{rest}",
        f"912{rest}",
        national.translate(PERSIAN),
        national.translate(ARABIC_INDIC),
        f"0912 {rest[:3]} {rest[3:]}",
        f"0912-{rest[:3]}-{rest[3:]}",
    ]

    assert {to_e164(f) for f in forms} == {f"+98912{rest}"}


@given(st.text(max_size=30))
def test_to_e164_either_returns_e164_or_raises_invalid_phone(value):
    try:
        number = to_e164(value)
    except InvalidPhone:
        return
    assert number.startswith("+") and number[1:].isdigit()
    assert to_e164(number) == number


def test_display_phone_shows_iranian_numbers_in_national_form_and_others_internationally():
    assert display_phone("+989123456789") == "0912 345 6789"
    assert display_phone("+16502530000") == "+1 650-253-0000"
