"""Phones and e-mail addresses as lists: each checked, normalised and de-duplicated before storing."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from peyvand.core.errors import ValidationFailed
from peyvand.core.phones import InvalidPhone, to_e164
from peyvand.core.text import normalize_email

# The shape nearly every address in a real list has: a dot-atom of common characters, then lower-case labels and a
# letters-only top-level domain. Every such address passes Django's validate_email (a property test checks that),
# so it is accepted without running the validator's many patterns; anything else still goes through it.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,63}"
)


def is_plain_email(email: str) -> bool:
    """Whether a normalised address is of the common shape ``validate_email`` is known to accept."""
    return len(email) <= 320 and _PLAIN_EMAIL.fullmatch(email) is not None


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [p for p in (s.strip() for s in value.replace("،", ",").replace("\n", ",").split(",")) if p]
    return [str(v).strip() for v in value if str(v).strip()]


def clean_phones(value: Any, field: str = "phones") -> list[str]:
    result, errors = [], []
    for raw in _as_list(value):
        try:
            number = to_e164(raw)
        except InvalidPhone:
            errors.append(
                {"field": field, "message": _("“%(value)s” is not a valid phone number.") % {"value": raw}}
            )
            continue
        if number not in result:
            result.append(number)
    if errors:
        raise ValidationFailed(errors)
    return result


def clean_emails(value: Any, field: str = "emails") -> list[str]:
    result, errors = [], []
    for raw in _as_list(value):
        email = normalize_email(raw)
        try:
            if not is_plain_email(email):
                validate_email(email)
        except ValidationError:
            errors.append(
                {"field": field, "message": _("“%(value)s” is not a valid email address.") % {"value": raw}}
            )
            continue
        if email not in result:
            result.append(email)
    if errors:
        raise ValidationFailed(errors)
    return result
