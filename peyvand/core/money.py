"""Money as people in Iran read and type it: Rial stored, one display unit (Rial or Toman) shown and typed.

Every Iranian Rial amount a person sees or types is in the unit of ``PEYVAND_MONEY_DISPLAY`` ("toman" by
default, "rial" possible); other currencies are shown and typed as themselves. The database, the API and exports
keep Rial, so the conversion happens here only: ``to_display`` on the way out, ``from_input`` on the way in.
"""

import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from peyvand.core.jalali import persian_digits, uses_jalali
from peyvand.core.text import normalize_text, to_ascii_digits

RIAL = "IRR"
RIAL_PER_TOMAN = 10
TOMAN, RIAL_UNIT = "toman", "rial"
# 20 digits with 2 decimals, as deals and targets keep their amounts
MAX_AMOUNT = Decimal("1e18")

# Thousands separators people type or paste: ASCII comma, Arabic thousands separator, Arabic comma, spaces
# (plain, no-break, thin), apostrophe and underscore.
_SEPARATORS = re.compile("[,\u066c\u060c\\s\u00a0\u202f\u2009'_]")
_DECIMAL_POINT = "\u066b"  # Arabic decimal separator, as Persian keyboards type it
_NUMBER = re.compile(r"\d+(\.\d*)?|\.\d+")


# The API's amounts are stored values, whatever unit the pages show people.
API_AMOUNT = (
    "In the stored unit: Rial when the currency is IRR (pages show and take Toman by default, a tenth of it); "
    "other currencies as themselves."
)


class MoneyInputError(ValueError):
    """A typed amount that cannot be read; ``message`` names the field and says what to write."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def display_unit(currency: str | None = RIAL) -> str:
    """ "toman" or "rial" for Iranian Rial amounts, else the currency's own code."""
    currency = (currency or RIAL).upper()
    if currency != RIAL:
        return currency
    return TOMAN if getattr(settings, "PEYVAND_MONEY_DISPLAY", TOMAN) == TOMAN else RIAL_UNIT


def unit_label(currency: str | None = RIAL) -> str:
    """The unit written beside an amount, in the current language: «تومان», "Rial", "USD"."""
    unit = display_unit(currency)
    if unit == TOMAN:
        return _("Toman")
    if unit == RIAL_UNIT:
        return _("Rial")
    return unit


def factor(currency: str | None = RIAL) -> int:
    """How many stored units make one displayed unit."""
    return RIAL_PER_TOMAN if display_unit(currency) == TOMAN else 1


def to_display(amount: Decimal | int | None, currency: str | None = RIAL) -> Decimal | None:
    """A stored amount in the display unit: 125,000,000 Rial → 12,500,000 Toman."""
    if amount is None:
        return None
    return Decimal(amount) / factor(currency)


def group_digits(amount: Decimal) -> str:
    """Digits grouped by thousands in the page's digits: «۱۲٬۵۰۰٬۰۰۰» in Persian, "12,500,000" in English."""
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}".rstrip("0")
    if uses_jalali():
        text = persian_digits(text.replace(",", "\u066c").replace(".", _DECIMAL_POINT))
    return text


def format_money(amount: Decimal | int | None, currency: str = RIAL) -> str:
    """An amount with its unit, as shown on every page, report and card."""
    if amount is None:
        return ""
    shown = to_display(amount, currency)
    assert shown is not None
    text = f"{shown:,.0f}" if shown == shown.to_integral_value() else f"{shown:,.2f}"
    if uses_jalali():
        text = persian_digits(text.replace(",", "\u066c"))
    return f"{text} {unit_label(currency)}"


def input_value(amount: Decimal | int | None, currency: str | None = RIAL) -> str:
    """A stored amount as a money input shows it: in the display unit, grouped, without the unit."""
    shown = to_display(amount, currency)
    return "" if shown is None else group_digits(shown.normalize() if shown else Decimal(0))


def parse_number(text: str) -> Decimal | None:
    """The number in what a person typed (Persian or Arabic digits, any thousands separators); None if empty.

    Raises ValueError when it is not a plain number.
    """
    cleaned = _SEPARATORS.sub("", to_ascii_digits(str(text)).replace(_DECIMAL_POINT, ".").replace("/", "."))
    if not cleaned:
        return None
    negative = cleaned.startswith(("-", "\u2212"))
    cleaned = cleaned.lstrip("-\u2212")
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    value = Decimal(cleaned)
    return -value if negative else value


def from_input(
    text: str | int | Decimal | None, currency: str | None = RIAL, *, field: str | None = None
) -> Decimal | None:
    """What a person typed in the display unit, as the stored amount (Rial for IRR); None when left empty.

    Refuses, naming ``field``: text that is not a number, a negative amount, a fraction of a Rial (or more
    than two decimals in another currency) and amounts too large to store.
    """
    name = capfirst(str(field or _("amount")))
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        typed: Decimal | None = Decimal(text)
    else:
        try:
            typed = parse_number("" if text is None else str(text))
        except (ValueError, InvalidOperation):
            raise MoneyInputError(
                _("%(field)s: write a number, such as 12,500,000.") % {"field": name}
            ) from None
    if typed is None:
        return None
    if not typed.is_finite():
        raise MoneyInputError(_("%(field)s: write a number, such as 12,500,000.") % {"field": name})
    if typed < 0:
        raise MoneyInputError(_("%(field)s cannot be negative.") % {"field": name})
    stored = typed * factor(currency)
    if (currency or RIAL).upper() == RIAL:
        if stored != stored.to_integral_value():
            raise MoneyInputError(_("%(field)s cannot hold a fraction of a Rial.") % {"field": name})
    elif stored != stored.quantize(Decimal("0.01")):
        raise MoneyInputError(_("%(field)s takes at most two decimal places.") % {"field": name})
    if stored >= MAX_AMOUNT:
        raise MoneyInputError(_("%(field)s is too large.") % {"field": name})
    return stored.quantize(Decimal("0.01"))


# Units a spreadsheet header may name after the column's name: «مبلغ (تومان)», "amount (toman)", "Amount - Rial".
_HEADER_UNITS = {
    TOMAN: ("تومان", "toman", "tomans"),
    RIAL_UNIT: ("ریال", "rial", "rials", "irr"),
}
_HEADER_UNIT = re.compile(r"^(?P<name>.*?)[\s\-–:]*[(\[]?\s*(?P<unit>[^\s()\[\]\-–:]+)\s*[)\]]?\s*$")


def header_unit(header: str) -> tuple[str | None, str]:
    """(the unit a column header names, "toman" or "rial" or None; the header without it)."""
    text = str(header or "").strip()
    found = _HEADER_UNIT.match(text)
    if found and found.group("name").strip():
        word = normalize_text(found.group("unit"))
        for unit, words in _HEADER_UNITS.items():
            if word in words:
                return unit, found.group("name").strip()
    return None, text


def header_factor(header: str) -> int:
    """Rial per unit of a spreadsheet column: 10 when its header says Toman, else 1."""
    return RIAL_PER_TOMAN if header_unit(header)[0] == TOMAN else 1
