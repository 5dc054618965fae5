"""Phone numbers: parsed with `phonenumbers`, stored in E.164, Iran as the default region."""

import phonenumbers
from django.conf import settings

from peyvand.core.text import to_ascii_digits


class InvalidPhone(ValueError):
    pass


def to_e164(raw: str, region: str | None = None) -> str:
    """Return the number in E.164; 09.., +989.., 00989.. and 9.. are all the same Iranian mobile."""
    region = region or settings.PEYVAND_PHONE_REGION
    text = to_ascii_digits(str(raw)).strip()
    if not text:
        raise InvalidPhone(raw)
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(raw) from exc
    if not phonenumbers.is_valid_number(number):
        # A national number typed without its trunk zero ("912 345 6789") is still that number.
        if not text.startswith(("+", "0")):
            try:
                number = phonenumbers.parse("0" + text, region)
            except phonenumbers.NumberParseException as exc:
                raise InvalidPhone(raw) from exc
        if not phonenumbers.is_valid_number(number):
            raise InvalidPhone(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """National format for numbers of the default region, international for the rest."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == settings.PEYVAND_PHONE_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
