"""Persian-aware text normalisation, used before every search, comparison and duplicate check."""

import functools
import re
import unicodedata

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_LETTERS = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ە": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا"}
)
_TATWEEL = "\u0640"
# Zero-width non-joiner and friends separate parts of one Persian word; for matching they are a space.
_ZERO_WIDTH = re.compile("[\u200c\u200d\u200e\u200f\u00a0\ufeff]")
_SPACES = re.compile(r"\s+")
# NUL and other control characters never belong in stored or searched text (PostgreSQL refuses NUL).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def to_ascii_digits(value: str) -> str:
    return value.translate(_DIGITS)


def normalize_text(value: str | None) -> str:
    """Fold a name or phrase to the form that searches and comparisons use.

    Arabic ي/ك become Persian ی/ک, diacritics and tatweel go, Persian and Arabic-Indic digits become ASCII,
    ZWNJ and runs of white space become one space, Latin letters are lower-cased.
    """
    if not value:
        return ""
    if type(value) is str:
        return _normalized(value)
    return _normalize(str(value))


@functools.lru_cache(maxsize=1 << 16)
def _normalized(value: str) -> str:
    # names, cities and titles repeat: an import of a million rows holds a few thousand distinct ones
    return _normalize(value)


def _normalize(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).replace(_TATWEEL, "")
    # Marks go before letters are folded: stripping the hamza of ئ leaves an Arabic ي to fold into ی.
    value = "".join(ch for ch in unicodedata.normalize("NFD", value) if unicodedata.category(ch) != "Mn")
    value = value.translate(_LETTERS).translate(_DIGITS)
    value = _CONTROL.sub(" ", _ZERO_WIDTH.sub(" ", value))
    return _SPACES.sub(" ", value).strip().lower()


def clean_display_text(value: str | None) -> str:
    """Tidy text for storing as the user typed it: Persian letters and spacing fixed, ZWNJ kept."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", str(value)).translate(_LETTERS).replace(_TATWEEL, "")
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()


_RIGHT_TO_LEFT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def isolated(value: object, *, page_rtl: bool) -> str:
    """Text put into a sentence (a name), wrapped in Unicode isolates when it runs against the page: a Persian
    name in an English sentence would otherwise carry the words and punctuation beside it into its own order."""
    text = str(value)
    if not page_rtl and _RIGHT_TO_LEFT.search(text):
        return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
    return text


def strip_control(value: str) -> str:
    """Remove control characters from free text (notes, descriptions), keeping its lines and tabs."""
    return _CONTROL.sub("", value)


def normalize_email(value: str | None) -> str:
    value = (value or "").strip()
    if value.isascii():
        return value.lower()  # only Persian and Arabic-Indic digits are translated
    return to_ascii_digits(value).lower()
