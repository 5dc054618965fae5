"""Phones and e-mail addresses as lists: each checked, normalised and de-duplicated before storing."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from peyvand.core.errors import ValidationFailed
from peyvand.core.phones import InvalidPhone, to_e164
from peyvand.core.text import normalize_email


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
