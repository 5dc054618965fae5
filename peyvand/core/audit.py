"""The audit trail: who changed what, when, with each field's old and new value."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from peyvand.core.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
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
            values[name] = sorted(t.name for t in getattr(instance, name).all()) if instance.pk else []
        elif field.is_relation:
            values[name] = getattr(instance, field.attname)
        elif isinstance(field, models.DecimalField) and getattr(instance, name) is not None:
            places = Decimal(10) ** -field.decimal_places
            values[name] = str(Decimal(getattr(instance, name)).quantize(places))
        else:
            values[name] = _plain(getattr(instance, name))
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
