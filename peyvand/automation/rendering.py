"""Message templates of rules (subjects, bodies, notifications): the sandboxed engine of ``core.templating``
over the record's allow-listed fields only."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from peyvand.automation import catalog
from peyvand.automation.conditions import field_value
from peyvand.core import registry
from peyvand.core.templating import MAX_TEMPLATE, check_template, render

__all__ = ["MAX_TEMPLATE", "check_template", "render", "context_for", "record_url", "safe_fields"]


def _plain(value: Any) -> Any:
    # Only values without methods worth calling reach a template: text, numbers, dates, lists of text.
    if value is None or isinstance(value, str | int | float | bool | Decimal | dt.date | dt.datetime):
        return value
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


def record_url(record_type: str, pk: int) -> str:
    found = registry.find(record_type)
    if found is None or found.screen is None:
        return ""
    try:
        return reverse(f"{found.plural}:detail", args=[pk])
    except NoReverseMatch:
        return ""


def safe_fields(record, record_type: str) -> dict[str, Any]:
    """The record as a template or a webhook sees it: its allow-listed fields, references by name."""
    data: dict[str, Any] = {"id": record.pk, "name": str(record)}
    for name, spec in catalog.fields_of(record_type).items():
        if name.startswith("custom."):
            continue
        try:
            value = field_value(record, name)
        except Exception:
            continue
        if spec.kind in catalog.REFERENCES:
            related = getattr(record, name, None)
            data[f"{name}_id"] = value
            value = str(related) if related is not None else ""
        data[name] = _plain(value)
    data["custom"] = {k: _plain(v) for k, v in (getattr(record, "custom", None) or {}).items()}
    url = record_url(record_type, record.pk)
    data["url"] = f"{settings.PEYVAND_SITE_URL.rstrip('/')}{url}" if url else ""
    return data


def context_for(record, record_type: str, *, rule=None) -> dict[str, Any]:
    owner = getattr(record, "owner", None)
    return {
        "record": safe_fields(record, record_type),
        "owner": {"name": str(owner), "username": owner.username, "email": owner.email} if owner else {},
        "rule": {"name": rule.name} if rule else {},
        "record_type": record_type,
    }
