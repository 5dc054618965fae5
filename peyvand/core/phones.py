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


def phone_fragment(raw: str, region: str | None = None) -> str:
    """What a typed phone number, or any part of one, looks like inside stored E.164 numbers, for a substring
    search: "0912 1234" is the start of "+98912 1234...", "+98 912" and "0098 912" are themselves, and digits
    without a leading zero ("1234567") may sit anywhere in a number. No fragment is read as a whole number, so a
    part of a mobile number is never turned into a landline."""
    text = to_ascii_digits(str(raw)).strip()
    digits = "".join(c for c in text if c.isdigit())
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        code = phonenumbers.country_code_for_region(region or settings.PEYVAND_PHONE_REGION)
        return f"+{code}{digits[1:]}" if code else digits[1:]
    return digits


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
