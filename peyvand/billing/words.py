"""An amount written out in words, as an Iranian invoice states its total («یک میلیون و دویست هزار تومان»).

The words come from ``num2words`` (Persian and English); this module only says which number is written (the
amount in the display unit of decision 0019, so the words agree with the figures printed beside them) and which
unit follows it. A Toman amount with a Rial left over says so («… تومان و پنج ریال»), as nothing is rounded here.
"""

from decimal import Decimal

from num2words import num2words

from peyvand.core.money import RIAL, RIAL_PER_TOMAN, TOMAN, display_unit

_UNITS = {
    # unit: (Persian, English singular, English plural)
    TOMAN: ("تومان", "Toman", "Tomans"),
    "rial": ("ریال", "Rial", "Rials"),
}


def number_in_words(number: int, language: str) -> str:
    """A whole number in words: «صد و پنج», "one hundred and five"; negative numbers say so."""
    persian = language.startswith("fa")
    words = num2words(abs(int(number)), lang="fa" if persian else "en")
    if number < 0:
        return f"{'منفی' if persian else 'minus'} {words}"
    return words


def _with_unit(number: int, unit: str, language: str) -> str:
    persian_name, singular, plural = _UNITS[unit]
    if language.startswith("fa"):
        return f"{number_in_words(number, language)} {persian_name}"
    return f"{number_in_words(number, language)} {singular if abs(number) == 1 else plural}"


def amount_in_words(amount: Decimal | int, currency: str = RIAL, *, language: str = "fa") -> str:
    """A stored amount in words in the display unit: 12,500,000 Rial → «یک میلیون و دویست و پنجاه هزار تومان».

    Another currency is written as its whole units and hundredths («… USD و پنجاه صدم», "… USD and 50/100").
    """
    amount = Decimal(amount)
    persian = language.startswith("fa")
    joiner = " و " if persian else " and "
    if (currency or RIAL).upper() != RIAL:
        whole = int(amount)
        cents = int((abs(amount) - abs(whole)) * 100)
        text = f"{number_in_words(whole, language)} {currency.upper()}"
        if cents:
            text += joiner + (f"{number_in_words(cents, language)} صدم" if persian else f"{cents}/100")
        return text
    rials = int(amount)
    if display_unit(currency) != TOMAN:
        return _with_unit(rials, "rial", language)
    sign = -1 if rials < 0 else 1
    tomans, left = divmod(abs(rials), RIAL_PER_TOMAN)
    text = _with_unit(sign * tomans, TOMAN, language)
    if left:
        text += joiner + _with_unit(left, "rial", language)
    return text
