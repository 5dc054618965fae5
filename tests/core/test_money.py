"""Money as typed and shown (peyvand/core/money.py): one display unit for Rial, Persian digits, separators."""

from decimal import Decimal

import pytest
from django.utils import translation

from peyvand.core import money


@pytest.fixture
def persian():
    with translation.override("fa"):
        yield


@pytest.mark.parametrize(
    "typed",
    [
        "۱۲٬۵۰۰٬۰۰۰",
        "12,500,000",
        "١٢٬٥٠٠٬٠٠٠",
        "12 500 000",
        "12\u00a0500\u00a0000",
        "12500000",
        "۱۲،۵۰۰،۰۰۰",
    ],
)
def test_toman_typed_in_any_digits_and_separators_is_stored_as_ten_times_in_rial(typed):
    assert money.from_input(typed, "IRR") == Decimal("125000000")


def test_a_tenth_of_a_toman_is_a_whole_rial_and_is_taken():
    assert money.from_input("۱۲٫۵", "IRR") == Decimal("125")
    assert money.from_input("12.5", "IRR") == Decimal("125")


def test_rial_display_takes_amounts_as_they_are(settings):
    settings.PEYVAND_MONEY_DISPLAY = "rial"
    assert money.from_input("125,000,000", "IRR") == Decimal("125000000")
    assert money.unit_label("IRR") == "Rial"


def test_other_currencies_are_typed_as_themselves_with_cents():
    assert money.from_input("1,250.75", "USD") == Decimal("1250.75")
    assert money.unit_label("USD") == "USD"


def test_an_empty_input_is_no_amount():
    assert money.from_input("", "IRR") is None
    assert money.from_input("  ", "IRR") is None
    assert money.from_input(None, "IRR") is None


@pytest.mark.parametrize(
    ("typed", "currency", "message"),
    [
        ("12.55", "IRR", "Deal value cannot hold a fraction of a Rial."),
        ("1.234", "USD", "Deal value takes at most two decimal places."),
        ("-5", "IRR", "Deal value cannot be negative."),
        ("twelve", "IRR", "Deal value: write a number, such as 12,500,000."),
        ("1.2.3", "IRR", "Deal value: write a number, such as 12,500,000."),
        ("1e5", "IRR", "Deal value: write a number, such as 12,500,000."),
        ("9" * 19, "IRR", "Deal value is too large."),
    ],
)
def test_refusals_name_the_field_and_say_what_to_write(typed, currency, message):
    with pytest.raises(money.MoneyInputError) as refused:
        money.from_input(typed, currency, field="deal value")
    assert refused.value.message == message


def test_a_refusal_in_persian_names_the_field_in_persian(persian):
    with pytest.raises(money.MoneyInputError) as refused:
        money.from_input("۱۲٫۵۵", "IRR", field="مبلغ")
    assert "مبلغ" in refused.value.message
    assert "ریال" in refused.value.message


def test_stored_rial_is_shown_in_toman_with_the_pages_digits(persian):
    assert money.format_money(Decimal("125000000"), "IRR") == "۱۲٬۵۰۰٬۰۰۰ تومان"
    assert money.input_value(Decimal("125000000.00"), "IRR") == "۱۲٬۵۰۰٬۰۰۰"
    assert money.to_display(Decimal("125000000"), "IRR") == Decimal("12500000")


def test_english_pages_group_with_commas():
    with translation.override("en"):
        assert money.format_money(Decimal("125000000"), "IRR") == "12,500,000 Toman"
        assert money.input_value(Decimal("125"), "IRR") == "12.5"
        assert money.input_value(Decimal("0"), "IRR") == "0"


@pytest.mark.parametrize(
    ("header", "unit", "name"),
    [
        ("مبلغ (تومان)", "toman", "مبلغ"),
        ("amount (toman)", "toman", "amount"),
        ("Amount - Rial", "rial", "Amount"),
        ("مبلغ (ریال)", "rial", "مبلغ"),
        ("مبلغ", None, "مبلغ"),
        ("مبلغ هدف", None, "مبلغ هدف"),
        ("toman", None, "toman"),
    ],
)
def test_a_spreadsheet_header_may_name_the_unit_after_the_column(header, unit, name):
    assert money.header_unit(header) == (unit, name)
    assert money.header_factor(header) == (10 if unit == "toman" else 1)
