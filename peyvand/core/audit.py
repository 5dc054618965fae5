"""The audit trail: who changed what, when, with each field's old and new value."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from peyvand.core.models import AuditAction, AuditEntry


def plain_value(field: models.Field, value: Any) -> Any:
    """A field's value as the audit trail and the API compare it: ids, sorted tag names, fixed decimals."""
    if value is None:
        return None
    if field.many_to_many:
        names = value.all() if hasattr(value, "all") else value
        return sorted(getattr(t, "name", t) for t in names)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(field, models.DecimalField):
        return str(Decimal(value).quantize(Decimal(10) ** -field.decimal_places))
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The audited fields of ``instance`` as plain JSON values (foreign keys as ids, tags as sorted names)."""
    values: dict[str, Any] = {}
    for name in instance.audited_fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = plain_value(field, getattr(instance, name)) if instance.pk else []
        elif field.is_relation:
            values[name] = getattr(instance, field.attname)
        else:
            values[name] = plain_value(field, getattr(instance, name))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def write_audit(
    *, instance: models.Model, actor, action: str, changes: dict[str, Any], note: str = ""
) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=instance.pk,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        version=getattr(instance, "version", 1),
        changes=changes,
        note=note[:255],
    )


def audit_for(instance: models.Model):
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
            object_id=instance.pk,
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


def changes_since(instance: models.Model, version: int) -> dict[str, list[Any]]:
    """What changed after ``version``: each field's value then and now, for a stale-version refusal."""
    merged: dict[str, list[Any]] = {}
    for entry in audit_for(instance).filter(version__gt=version).order_by("at", "id"):
        for field, (old, new) in entry.changes.items():
            if field in merged:
                merged[field][1] = new
            else:
                merged[field] = [old, new]
    return {k: v for k, v in merged.items() if v[0] != v[1]}


def save_audited(
    instance: models.Model, *, actor, before: dict[str, Any], creating: bool = False, changes=None
):
    """Save a row that settings pages change and write what changed to its audit trail (nothing when nothing did).
    ``before`` is its ``snapshot`` from before the change ({} for a new row); ``changes`` may be given where a row
    is compared by values of its own rather than by its fields."""
    instance.save()
    changes = diff(before, snapshot(instance)) if changes is None else changes
    if changes:
        write_audit(
            instance=instance,
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            changes=changes,
        )
    return instance
