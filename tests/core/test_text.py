"""Persian text normalisation (peyvand/core/text.py): the form every search, comparison and duplicate check uses."""

import pytest
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from peyvand.core.text import clean_display_text, normalize_email, normalize_text, to_ascii_digits

ZWNJ = "\u200c"

# Persian and Arabic letters, their look-alikes, digits, marks, tatweel, joiners and spaces: the text people type.
persian_text = st.text(
    alphabet=st.sampled_from(
        list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةۀأإٱىءآئؤ")
        + list("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩0123456789")
        + [
            "\u064e",
            "\u064f",
            "\u0650",
            "\u0651",
            "\u0652",
            "\u064b",
            "\u0640",
            ZWNJ,
            "\u200d",
            "\u00a0",
            " ",
            "\t",
            "\n",
            "\ufeff",
        ]
        + list("AbCdEz-.@")
    ),
    max_size=40,
)
any_text = st.one_of(persian_text, st.text(max_size=40))


@pytest.mark.parametrize(
    "typed, normal",
    [
        ("علي", "علی"),
        ("كريمي", "کریمی"),
        ("ى", "ی"),
        ("فاطمة", "فاطمه"),
        ("خانۀ", "خانه"),
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهیم"),
        ("مُحَمَّد", "محمد"),
        ("كـــريمي", "کریمی"),
        ("۰۹۱۲۳۴۵۶۷۸۹", "09123456789"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("عبدالله\u200cزاده", "عبدالله زاده"),
        ("  علی   \t کریمی \n", "علی کریمی"),
        ("Ali KARIMI", "ali karimi"),
        ("ﻙ", "ک"),
    ],
)
def test_normalize_text_folds_what_people_type_to_one_form(typed, normal):
    assert normalize_text(typed) == normal


@pytest.mark.parametrize("empty", [None, "", "   ", ZWNJ, "\u0640"])
def test_normalize_text_of_nothing_is_the_empty_string(empty):
    assert normalize_text(empty) == ""


@pytest.mark.parametrize("with_hamza, without", [("رئیس", "رییس"), ("مسئول", "مسیول"), ("پائیز", "پاییز")])
def test_a_yeh_with_hamza_folds_to_the_persian_yeh_so_both_spellings_match(with_hamza, without):
    assert normalize_text(with_hamza) == normalize_text(without) == without


def test_a_waw_with_hamza_folds_to_waw():
    assert normalize_text("مؤسسه") == normalize_text("موسسه") == "موسسه"


def test_spellings_of_one_name_normalise_to_the_same_text():
    spellings = ["علی كريمی", "علي کریمي", "علی  کریمی", "عَلی کریمی", "علی\u00a0کریمی", "علـی کریمی"]

    assert {normalize_text(s) for s in spellings} == {"علی کریمی"}


@given(any_text)
@example("رئیس")
def test_normalize_text_is_idempotent(value):
    once = normalize_text(value)

    assert normalize_text(once) == once


@given(any_text)
@example("مسئول")
def test_normalized_text_has_no_arabic_letter_forms_joiners_or_stray_spaces(value):
    normal = normalize_text(value)

    assert not set(normal) & set("يكىةۀأإٱ\u0640\u200c\u200d\u00a0\ufeff")
    assert not set(normal) & set("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")
    assert normal == normal.strip()
    assert "  " not in normal


@hypothesis_settings(max_examples=300)
@given(persian_text)
def test_text_stored_for_display_normalises_like_the_text_as_typed(value):
    assert normalize_text(clean_display_text(value)) == normalize_text(value)


def test_clean_display_text_fixes_letters_and_spacing_but_keeps_the_zwnj():
    assert clean_display_text("  علي   كريمی‌زاده ") == "علی کریمی‌زاده"
    assert clean_display_text(None) == ""


def test_to_ascii_digits_changes_only_digits():
    assert to_ascii_digits("پلاک ۱۲ - واحد ٣٤") == "پلاک 12 - واحد 34"


def test_normalize_email_trims_lowercases_and_uses_ascii_digits():
    assert normalize_email("  Ali.Karimi۹۰@Example.COM ") == "ali.karimi90@example.com"
    assert normalize_email(None) == ""


@hypothesis_settings(max_examples=300)
@given(any_text)
def test_normalize_email_of_ascii_text_is_what_the_digit_folding_would_give(text):
    assert normalize_email(text) == to_ascii_digits(text.strip()).lower()
