"""Amounts in words, as the total of a Persian or English invoice is written out."""

from decimal import Decimal

import pytest

from peyvand.billing.words import amount_in_words, number_in_words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "صفر"),
        (1000, "هزار"),
        (1_000_000_000, "یک میلیارد"),
        (1_234_567, "یک میلیون و دویست و سی و چهار هزار و پانصد و شصت و هفت"),
        (105, "صد و پنج"),
        (2_000_000_000_005, "دو تریلیون و پنج"),
    ],
)
def test_persian_numbers_are_written_with_the_conjunction_va_between_their_parts(number, words):
    assert number_in_words(number, "fa") == words


def test_a_rial_amount_is_written_in_tomans_when_the_display_unit_is_the_toman(settings):
    settings.PEYVAND_MONEY_DISPLAY = "toman"
    assert (
        amount_in_words(Decimal("12500000.00"), "IRR", language="fa")
        == "یک میلیون و دویست و پنجاه هزار تومان"
    )
    assert amount_in_words(Decimal("10000"), "IRR", language="fa") == "هزار تومان"
    assert amount_in_words(Decimal("12500000"), "IRR", language="en") == (
        "one million, two hundred and fifty thousand Tomans"
    )


def test_zero_is_written_as_zero_in_the_unit():
    assert amount_in_words(Decimal("0"), "IRR", language="fa") == "صفر تومان"
    assert amount_in_words(0, "IRR", language="en") == "zero Tomans"


def test_one_toman_is_singular_in_english():
    assert amount_in_words(10, "IRR", language="en") == "one Toman"


def test_the_rials_left_over_a_whole_toman_are_written_after_it():
    assert amount_in_words(Decimal("10015"), "IRR", language="fa") == "هزار و یک تومان و پنج ریال"
    assert (
        amount_in_words(Decimal("10015"), "IRR", language="en")
        == "one thousand and one Tomans and five Rials"
    )


def test_a_rial_display_writes_the_stored_amount_in_rials(settings):
    settings.PEYVAND_MONEY_DISPLAY = "rial"
    assert amount_in_words(Decimal("1000000000"), "IRR", language="fa") == "یک میلیارد ریال"
    assert amount_in_words(Decimal("1000"), "IRR", language="en") == "one thousand Rials"


def test_another_currency_is_written_in_whole_units_and_hundredths():
    assert amount_in_words(Decimal("1250.50"), "USD", language="en") == (
        "one thousand, two hundred and fifty USD and 50/100"
    )
    assert amount_in_words(Decimal("1250.50"), "USD", language="fa") == (
        "هزار و دویست و پنجاه USD و پنجاه صدم"
    )


def test_a_negative_amount_says_so():
    assert amount_in_words(Decimal("-20"), "IRR", language="fa") == "منفی دو تومان"
    assert amount_in_words(Decimal("-20"), "IRR", language="en") == "minus two Tomans"
