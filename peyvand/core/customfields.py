"""Admin-defined typed fields: validation of values and filters over them."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from peyvand.core.errors import ValidationFailed
from peyvand.core.jalali import DateOutOfRange, check_in_range, parse_date
from peyvand.core.models import CustomField, CustomFieldType
from peyvand.core.text import strip_control

TRUE_WORDS = {"1", "true", "yes", "on", "بله", "آری", "درست"}
FALSE_WORDS = {"0", "false", "no", "off", "خیر", "نه", "نادرست"}


def fields_for(entity: str) -> list[CustomField]:
    return list(CustomField.objects.filter(entity=entity))


def coerce_custom_value(field: CustomField, value: Any) -> Any:
    """One value as ``field`` stores it; ValueError with a message for a person when it does not fit."""
    if field.field_type == CustomFieldType.TEXT:
        return strip_control(str(value)).strip()[:1000]
    if field.field_type == CustomFieldType.NUMBER:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return float(number) if number != number.to_integral_value() else int(number)
    if field.field_type == CustomFieldType.DATE:
        try:
            if isinstance(value, dt.date):
                return check_in_range(value).isoformat()
            return parse_date(str(value))[0].isoformat()
        except DateOutOfRange:
            raise
        except ValueError:
            raise ValueError(_("Enter a date such as 1404/09/04 or 2025-11-25.")) from None
    if field.field_type == CustomFieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("Enter yes or no."))
    if field.field_type == CustomFieldType.CHOICE:
        if str(value) not in [str(c) for c in field.choices]:
            raise ValueError(
                _("Choose one of: %(choices)s") % {"choices": ", ".join(map(str, field.choices))}
            )
        return str(value)
    raise ValueError(_("Unknown field type."))


def clean_custom_values(
    entity: str, values: dict[str, Any] | None, *, current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Validate ``values`` against the entity's fields and merge them over ``current``.

    Unknown keys are refused; empty values clear a field; required fields must end up filled.
    """
    defined = {f.key: f for f in fields_for(entity)}
    merged = dict(current or {})
    errors = []
    for key, value in (values or {}).items():
        field = defined.get(key)
        if field is None:
            errors.append({"field": f"custom.{key}", "message": _("There is no such custom field.")})
            continue
        if value in (None, ""):
            merged.pop(key, None)
            continue
        try:
            merged[key] = coerce_custom_value(field, value)
        except ValueError as exc:
            errors.append({"field": f"custom.{key}", "message": str(exc)})
    for key, field in defined.items():
        if field.required and merged.get(key) in (None, ""):
            errors.append({"field": f"custom.{key}", "message": _("This field is required.")})
    if errors:
        raise ValidationFailed(errors)
    return merged


def custom_filter(entity: str, key: str, raw: str) -> Q:
    """A filter on one custom field; the key must be defined, the value is coerced to the field's type."""
    field = CustomField.objects.filter(entity=entity, key=key).first()
    if field is None:
        raise ValidationFailed([{"field": f"cf_{key}", "message": _("There is no such custom field.")}])
    try:
        value = coerce_custom_value(field, raw)
    except ValueError as exc:
        raise ValidationFailed([{"field": f"cf_{key}", "message": str(exc)}]) from None
    return Q(**{f"custom__{key}": value})
