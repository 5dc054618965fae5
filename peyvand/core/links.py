"""One way to attach something to any record: a record type from the registry and the record's id.

Files, comments and activities (and, in time, messages) carry a ``RecordLink`` instead of one nullable foreign
key per record type, so a ticket or an invoice gets them by registering. A link is only ever made or followed
through ``linked_record``, which checks the type against the registry and the record against what the user may
see: a record they may not see, or one that does not exist, is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peyvand.core import registry
from peyvand.core.errors import NotFound, PeyvandError

RECORD_TYPE_UNKNOWN = "record.type_unknown"
RECORD_TYPE_NOT_ATTACHABLE = "record.not_attachable"


class RecordTypeField(models.CharField):
    """A record type's registered name. Compared byte by byte on PostgreSQL (collation "C"): it is a key, never
    sorted for people, and a locale-aware comparison at every step down an index made the activity reports
    slower (BENCHMARKS.md)."""

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class RecordLink(models.Model):
    """Abstract: the record a row belongs to. Index it with ``record_link_index`` in the concrete model."""

    record_type = RecordTypeField(gettext_lazy("record type"), max_length=40)
    record_id = models.PositiveBigIntegerField(gettext_lazy("record id"))

    class Meta:
        abstract = True

    def set_record(self, record) -> None:
        self.record_type, self.record_id = ref_of(record)


def record_link_index(name: str, *extra: str) -> models.Index:
    # The id leads: it tells rows apart sooner than the type, which most rows share.
    return models.Index(fields=["record_id", "record_type", *extra], name=name)


@dataclass(frozen=True)
class RecordRef:
    record_type: str
    record_id: int


def ref_of(record) -> tuple[str, int]:
    record_type = registry.for_model(record)
    if record_type is None:
        raise PeyvandError(RECORD_TYPE_UNKNOWN, _("This kind of record cannot be linked."), status=400)
    return record_type.name, record.pk


def record_type_for(name: str, *, attachable: bool = False) -> registry.RecordType:
    """The registered type called ``name``, or a 404 that names no internal detail."""
    record_type = registry.find(name)
    if record_type is None:
        raise NotFound(_("There is no kind of record called “%(name)s”.") % {"name": name[:40]})
    if attachable and not record_type.attachable:
        raise PeyvandError(
            RECORD_TYPE_NOT_ATTACHABLE, _("Nothing can be attached to this kind of record."), status=400
        )
    return record_type


def linked_record(user, record_type: str, record_id: Any, *, attachable: bool = False):
    """The record ``record_type``/``record_id`` if the user may see it; otherwise ``NotFound``."""
    kind = record_type_for(record_type, attachable=attachable)
    try:
        pk = int(record_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk < 2**63:
        raise NotFound()
    record = kind.visible(user).filter(pk=pk).first()
    if record is None:
        raise NotFound()
    return record


def record_is_visible(user, record_type: str, record_id: int) -> bool:
    """Whether the record a link points at exists and the user may see it (rights on what is attached to it)."""
    kind = registry.find(record_type)
    return kind is not None and kind.visible(user).filter(pk=record_id).exists()


def links_visible_to(user, queryset: models.QuerySet, record_type: str) -> models.QuerySet:
    """Rows of ``queryset`` (a RecordLink model) whose record of ``record_type`` the user may see."""
    kind = record_type_for(record_type)
    return queryset.filter(record_type=kind.name, record_id__in=kind.visible(user).values("pk"))


def record_url(record_type: str, record_id: Any) -> str:
    """The address of a record's page (``<plural>:detail``), or "" for a type without pages."""
    from django.urls import NoReverseMatch, reverse

    kind = registry.find(record_type)
    if kind is None:
        return ""
    try:
        return reverse(f"{kind.plural}:detail", args=[record_id])
    except NoReverseMatch:
        return ""
