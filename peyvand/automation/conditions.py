"""Conditions of a rule: checked against the allow-list when the rule is saved, evaluated in Python on a record.

A condition is ``{"field": "amount", "op": "greater_than", "value": "5000000"}``; a rule's conditions must all hold.
Values are stored in a plain JSON form (numbers and dates as text, references as ids) and compared as such.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from peyvand.automation import catalog
from peyvand.core.errors import ValidationFailed
from peyvand.core.jalali import DateOutOfRange, parse_date
from peyvand.core.text import normalize_text

MAX_CONDITIONS = 20


def _error(errors, field, message):
    errors.append({"field": field, "message": message})


def _reference_exists(kind: str, pk: int) -> bool:
    from peyvand.accounts.models import Team
    from peyvand.sales.models import Pipeline, Stage

    model = {
        catalog.USER: get_user_model(),
        catalog.TEAM: Team,
        catalog.PIPELINE: Pipeline,
        catalog.STAGE: Stage,
    }[kind]
    return model.objects.filter(pk=pk).exists()


def coerce_value(record_type: str, spec: catalog.FieldSpec, value: Any) -> Any:
    """A value for ``spec`` in its stored JSON form, or ValueError with a message for the user."""
    kind = spec.kind
    if isinstance(value, dict | list):
        raise ValueError(_("Enter a single value."))
    if kind == catalog.NUMBER:
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return str(number)
    if kind in (catalog.DATE, catalog.DATETIME):
        if isinstance(value, bool | int | float) or value in (None, ""):
            raise ValueError(_("Enter a date such as 1404/09/04 or 2025-11-25."))
        try:
            return parse_date(str(value))[0].isoformat()
        except DateOutOfRange:
            raise
        except (ValueError, TypeError):
            raise ValueError(_("Enter a date such as 1404/09/04 or 2025-11-25.")) from None
    if kind == catalog.BOOL:
        word = str(value).strip().lower()
        if word in ("1", "true", "yes", "on", "بله"):
            return True
        if word in ("0", "false", "no", "off", "خیر"):
            return False
        raise ValueError(_("Enter yes or no."))
    if kind in catalog.REFERENCES:
        if isinstance(value, bool):
            raise ValueError(_("No such record."))
        try:
            pk = int(str(value).strip())
        except ValueError:
            raise ValueError(_("No such record.")) from None
        if not (0 < pk < 2**63) or not _reference_exists(kind, pk):
            raise ValueError(_("No such record."))
        return pk
    if kind == catalog.CHOICE:
        choices = [c for c, _label in catalog.choices_of(record_type, spec.name)]
        if choices and str(value) not in choices:
            raise ValueError(_("Choose one of: %(choices)s") % {"choices": ", ".join(choices)})
        return str(value)
    text = str(value).strip()
    if not text or len(text) > 500:
        raise ValueError(_("Enter a value of at most 500 characters."))
    return text


def clean_conditions(record_type: str, conditions: Any) -> list[dict[str, Any]]:
    if conditions in (None, ""):
        return []
    if not isinstance(conditions, list):
        raise ValidationFailed([{"field": "conditions", "message": _("Send a list of conditions.")}])
    if len(conditions) > MAX_CONDITIONS:
        raise ValidationFailed([{"field": "conditions", "message": _("A rule takes at most 20 conditions.")}])
    fields = catalog.fields_of(record_type)
    cleaned, errors = [], []
    for i, condition in enumerate(conditions):
        where = f"conditions.{i}"
        if not isinstance(condition, dict):
            _error(errors, where, _("Each condition is an object with field, op and value."))
            continue
        name, op, value = condition.get("field"), condition.get("op"), condition.get("value")
        spec = fields.get(name) if isinstance(name, str) else None
        if spec is None:
            _error(errors, f"{where}.field", _("Conditions cannot use this field."))
            continue
        if not isinstance(op, str) or op not in catalog.OPERATORS_FOR_KIND[spec.kind]:
            _error(errors, f"{where}.op", _("This comparison does not apply to this field."))
            continue
        try:
            if op in catalog.NO_VALUE:
                value = None
            elif spec.kind == catalog.TAGS:
                items = value if isinstance(value, list) else [value]
                value = [str(v).strip()[:60] for v in items if str(v).strip()]
                if not value or len(value) > 50:
                    raise ValueError(_("Enter a tag."))
                if op != "in":
                    value = value[0]
            elif op == "in":
                items = value if isinstance(value, list) else str(value or "").replace("،", ",").split(",")
                items = [v for v in items if str(v).strip()]
                if not items or len(items) > 50:
                    raise ValueError(_("Enter one or more values, separated by commas."))
                value = [coerce_value(record_type, spec, v) for v in items]
            else:
                value = coerce_value(record_type, spec, value)
        except ValueError as exc:
            _error(errors, f"{where}.value", str(exc))
            continue
        cleaned.append({"field": name, "op": op, "value": value})
    if errors:
        raise ValidationFailed(errors)
    return cleaned


# --- evaluation -----------------------------------------------------------------------------------------------


def field_value(record, name: str) -> Any:
    """A record's value for a rule field, in the same plain form conditions store."""
    if name.startswith("custom."):
        return (getattr(record, "custom", None) or {}).get(name.removeprefix("custom."))
    if name == "tags":
        return sorted(t.name for t in record.tags.all())
    field = record._meta.get_field(name)
    if field.is_relation:
        return getattr(record, field.attname)
    return getattr(record, name)


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _comparable(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == catalog.NUMBER:
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    if kind == catalog.DATE:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if kind == catalog.DATETIME:
        if isinstance(value, dt.datetime):
            return value.date()
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if kind == catalog.BOOL:
        return bool(value)
    if kind in catalog.REFERENCES:
        return int(value)
    if isinstance(value, list):
        return normalize_text(" ".join(str(v) for v in value))
    return normalize_text(str(value))


def holds(record, record_type: str, condition: dict[str, Any], fields: dict | None = None) -> bool:
    fields = fields if fields is not None else catalog.fields_of(record_type)
    spec = fields.get(condition["field"])
    if spec is None:
        return False  # a field removed since the rule was saved (a deleted custom field) never matches
    op, expected = condition["op"], condition.get("value")
    actual = field_value(record, spec.name)
    if op == "is_empty":
        return _empty(actual)
    if op == "is_not_empty":
        return not _empty(actual)
    if spec.kind == catalog.TAGS:
        have = {normalize_text(t) for t in actual}
        if op == "in":
            return bool(have & {normalize_text(t) for t in expected})
        found = normalize_text(str(expected)) in have
        return found if op == "contains" else not found
    if spec.kind == catalog.DATETIME and isinstance(actual, dt.datetime):
        from django.utils import timezone

        actual = timezone.localtime(actual).date()
    left = _comparable(spec.kind, actual)
    if op == "in":
        return left is not None and left in {_comparable(spec.kind, v) for v in expected}
    right = _comparable(spec.kind, expected)
    if op == "equals":
        return left == right
    if op == "not_equals":
        return left != right
    if op in ("contains", "not_contains"):
        found = left is not None and right is not None and right in left
        return found if op == "contains" else not found
    if left is None or right is None:
        return False
    if op == "greater_than":
        return left > right
    if op == "less_than":
        return left < right
    return False


def all_hold(record, record_type: str, conditions: list[dict[str, Any]]) -> bool:
    if not conditions:
        return True
    fields = catalog.fields_of(record_type)  # read the custom fields once per record, not per condition
    return all(holds(record, record_type, c, fields) for c in conditions)
