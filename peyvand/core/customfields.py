"""Admin-defined typed fields: validation of values and filters over them, and the writes of their settings page.

A field's values live under its key in each record's ``custom`` JSON, so the key never changes once the field
exists, and its type changes only while no record holds a value (a number stored as text, or a date that was a
choice, would no longer read back). Deleting a field leaves the values in the records, out of sight; a new field
may not take a key records still hold values under, for the same reason. Every write checks the administrator's
right and leaves an audit row, like the other settings pages.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from peyvand.core import permissions, registry
from peyvand.core.audit import write_audit
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.jalali import DateOutOfRange, check_in_range, parse_date
from peyvand.core.models import AuditAction, CustomField, CustomFieldEntity, CustomFieldType
from peyvand.core.text import clean_display_text, strip_control

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


# --- the settings page's writes ---------------------------------------------------------------------------------

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_KEY = 50
MAX_LABEL = 100
MAX_CHOICE = 100
MAX_CHOICES = 100
MAX_ORDER = 10_000


def _require_admin(actor) -> None:
    if not permissions.can_change_custom_fields(actor):
        raise PeyvandError(
            permissions.CUSTOM_FIELDS_FORBIDDEN,
            _("Only an administrator can change the custom fields."),
            status=403,
        )


def _records_of(entity: str):
    """Every record of the entity, deleted ones too (a restored record brings its values back)."""
    record_type = registry.find(entity)
    if record_type is None:
        return None
    return record_type.model._base_manager.all()


def records_with_value(entity: str, key: str) -> int:
    """How many records of ``entity`` hold a value under ``key``."""
    records = _records_of(entity)
    return 0 if records is None else records.filter(custom__has_key=key).count()


def _records_with_choice(entity: str, key: str, choice: str) -> int:
    records = _records_of(entity)
    return 0 if records is None else records.filter(**{f"custom__{key}": choice}).count()


def _derived_key(entity: str, label: str) -> str:
    """A free key from the label ("Contract number" -> contract_number, then contract_number_2 when taken);
    field_N for a label without English letters (a Persian one), which the administrator may replace by typing.
    """
    taken = set(CustomField.objects.filter(entity=entity).values_list("key", flat=True))

    def free(key: str) -> bool:
        return key not in taken and not records_with_value(entity, key)

    base = slugify(label).replace("-", "_").strip("_")[: MAX_KEY - 4].strip("_")
    if not (base and KEY_RE.match(base)):
        base, number = "field", len(taken) + 1
    else:
        if free(base):
            return base
        number = 2
    while not free(f"{base}_{number}"):
        number += 1
    return f"{base}_{number}"


def _clean_choices(raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = raw.splitlines()
    choices: list[str] = []
    for item in raw or []:
        text = clean_display_text(str(item))
        if not text:
            continue
        if len(text) > MAX_CHOICE:
            raise ValidationFailed(
                [{"field": "choices", "message": _("A choice is at most 100 characters long.")}]
            )
        if text in choices:
            raise ValidationFailed(
                [{"field": "choices", "message": _("“%(choice)s” is listed twice.") % {"choice": text}}]
            )
        choices.append(text)
    if len(choices) > MAX_CHOICES:
        raise ValidationFailed([{"field": "choices", "message": _("At most 100 choices.")}])
    return choices


def _values_of(field: CustomField) -> dict[str, Any]:
    return {
        "entity": field.entity,
        "key": field.key,
        "label": field.label,
        "field_type": field.field_type,
        "choices": list(field.choices or []),
        "required": field.required,
        "order": field.order,
    }


def _apply(field: CustomField, values: dict[str, Any], *, creating: bool) -> None:
    """Check and set label, type, choices, required and order; every bad value is reported at once."""
    errors: list[dict[str, Any]] = []
    if "label" in values or creating:
        label = clean_display_text(values.get("label") or "")
        if not label:
            errors.append({"field": "label", "message": _("This field is required.")})
        elif len(label) > MAX_LABEL:
            errors.append({"field": "label", "message": _("A label is at most 100 characters long.")})
        elif (
            CustomField.objects.filter(entity=field.entity, label__iexact=label).exclude(pk=field.pk).exists()
        ):
            errors.append({"field": "label", "message": _("This record type already has a field so named.")})
        else:
            field.label = label
    if "field_type" in values or creating:
        new_type = str(values.get("field_type") or "")
        if new_type not in CustomFieldType.values:
            errors.append({"field": "field_type", "message": _("Choose a type from the list.")})
        elif not creating and new_type != field.field_type:
            holding = records_with_value(field.entity, field.key)
            if holding:
                errors.append(
                    {
                        "field": "field_type",
                        "message": _(
                            "The type can't change: records already hold a value of this field (%(count)s), "
                            "which would no longer read back. Add a new field instead."
                        )
                        % {"count": holding},
                    }
                )
            else:
                field.field_type = new_type
        else:
            field.field_type = new_type
    if "choices" in values or creating:
        try:
            choices = _clean_choices(values.get("choices"))
        except ValidationFailed as exc:
            errors.extend(exc.errors)
        else:
            if field.field_type == CustomFieldType.CHOICE:
                if not choices:
                    errors.append({"field": "choices", "message": _("List the choices, one a line.")})
                elif not creating:
                    for dropped in [c for c in field.choices or [] if c not in choices]:
                        holding = _records_with_choice(field.entity, field.key, dropped)
                        if holding:
                            errors.append(
                                {
                                    "field": "choices",
                                    "message": _(
                                        "“%(choice)s” can't be removed: records have it chosen (%(count)s)."
                                    )
                                    % {"choice": dropped, "count": holding},
                                }
                            )
                field.choices = choices
            else:
                field.choices = []
    elif field.field_type != CustomFieldType.CHOICE:
        field.choices = []
    if values.get("required") is not None:
        field.required = bool(values["required"])
    order = values.get("order")
    if order is not None and order != "":
        if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= MAX_ORDER:
            errors.append(
                {
                    "field": "order",
                    "message": _("Enter a whole number from 0 to %(max)s.") % {"max": MAX_ORDER},
                }
            )
        else:
            field.order = order
    elif creating:
        last = (
            CustomField.objects.filter(entity=field.entity)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
        )
        field.order = (last or 0) + 1
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def create_custom_field(*, actor, values: dict[str, Any]) -> CustomField:
    """Add a field to a record type: ``entity``, ``label``, ``field_type``, optional ``key`` (derived from the
    label when empty), ``choices`` (for a choice field), ``required`` and ``order``. Audited."""
    _require_admin(actor)
    entity = str(values.get("entity") or "")
    if entity not in CustomFieldEntity.values:
        raise ValidationFailed([{"field": "entity", "message": _("Choose a record type from the list.")}])
    field = CustomField(entity=entity)
    errors: list[dict[str, Any]] = []
    try:
        _apply(field, values, creating=True)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    key = str(values.get("key") or "").strip().lower()
    if not key and field.label:
        key = _derived_key(entity, field.label)
    if not key:
        if not any(e["field"] == "label" for e in errors):
            errors.append({"field": "key", "message": _("This field is required.")})
    elif len(key) > MAX_KEY or not KEY_RE.match(key):
        errors.append(
            {
                "field": "key",
                "message": _(
                    "Use lowercase English letters, digits and _ only, starting with a letter (at most 50)."
                ),
            }
        )
    elif CustomField.objects.filter(entity=entity, key=key).exists():
        errors.append({"field": "key", "message": _("This record type already has a field with this key.")})
    elif records_with_value(entity, key):
        errors.append(
            {
                "field": "key",
                "message": _(
                    "Records still hold values under this key from a deleted field; choose another key."
                ),
            }
        )
    if errors:
        raise ValidationFailed(errors)
    field.key = key
    field.save()
    write_audit(
        instance=field,
        actor=actor,
        action=AuditAction.CREATE,
        changes={k: [None, v] for k, v in _values_of(field).items()},
    )
    return field


@transaction.atomic
def update_custom_field(*, actor, field: CustomField, values: dict[str, Any]) -> CustomField:
    """Change a field's label, choices, whether it is required, its place, or (while no record holds a value)
    its type. The entity and the key stay: the values are stored under them. Audited."""
    _require_admin(actor)
    if "key" in values and str(values["key"] or "").strip().lower() not in ("", field.key):
        raise ValidationFailed(
            [{"field": "key", "message": _("The key can't change: the records' values are stored under it.")}]
        )
    before = _values_of(field)
    _apply(field, {k: v for k, v in values.items() if k not in ("key", "entity")}, creating=False)
    field.save()
    after = _values_of(field)
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if changes:
        write_audit(instance=field, actor=actor, action=AuditAction.UPDATE, changes=changes)
    return field


@transaction.atomic
def delete_custom_field(*, actor, field: CustomField) -> int:
    """Remove a field from its record type's forms, lists, API and imports. The values stay in the records, out
    of sight (the audit row keeps the field's definition). Returns how many records held a value."""
    _require_admin(actor)
    holding = records_with_value(field.entity, field.key)
    write_audit(
        instance=field,
        actor=actor,
        action=AuditAction.DELETE,
        changes={k: [v, None] for k, v in _values_of(field).items()},
        note=f"records holding a value: {holding}",
    )
    field.delete()
    return holding
