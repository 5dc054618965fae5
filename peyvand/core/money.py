"""Money shown as people in Iran read it: Rial stored, Rial or Toman displayed, digits grouped."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from peyvand.core.jalali import persian_digits, uses_jalali


def format_money(amount: Decimal | int | None, currency: str = "IRR") -> str:
    if amount is None:
        return ""
    amount = Decimal(amount)
    if currency == "IRR" and settings.PEYVAND_MONEY_DISPLAY == "toman":
        amount, unit = amount / 10, _("Toman")
    elif currency == "IRR":
        unit = _("Rial")
    else:
        unit = currency
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    if uses_jalali():
        text = persian_digits(text.replace(",", "٬"))
    return f"{text} {unit}"
