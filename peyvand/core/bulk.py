"""Changes to many records at once from a list (assign, tag, delete): each record through its own service, so
every rule, right and audit entry of a single change holds; one record refused does not stop the others, and
what was refused is told with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from peyvand.core import registry
from peyvand.core.errors import PeyvandError
from peyvand.core.records import delete_record, field_error

ASSIGN, TAG, DELETE = "assign", "tag", "delete"
ACTIONS = (ASSIGN, TAG, DELETE)
MAX_RECORDS = 500


@dataclass
class BulkResult:
    done: int = 0
    refused: list[tuple[Any, str]] = field(default_factory=list)


def _ids(raw: list[Any]) -> list[int]:
    ids = []
    for value in raw:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise field_error("ids", _("Choose records from the list.")) from None
        if 0 < pk < 2**63:
            ids.append(pk)
    if not ids:
        raise field_error("ids", _("Choose at least one record."))
    if len(ids) > MAX_RECORDS:
        raise field_error("ids", _("Choose at most %(max)s records at once.") % {"max": MAX_RECORDS})
    return list(dict.fromkeys(ids))


def apply_bulk(*, actor, record_type: registry.RecordType, ids: list[Any], action: str, value: Any = None):
    """Apply ``action`` to the records of ``record_type`` with these ids that ``actor`` may see (the others are
    simply not found); ``value`` is the new owner's id for "assign" and the tag for "tag"."""
    if action not in ACTIONS:
        raise field_error("action", _("Choose what to do with the chosen records."))
    if action == TAG and not record_type.tagged:
        raise field_error("action", _("This kind of record has no tags."))
    if action in (ASSIGN, TAG) and value in (None, ""):
        raise field_error(
            "owner" if action == ASSIGN else "tag",
            _("Choose the new owner.") if action == ASSIGN else _("Write the tag to add."),
        )
    wanted = _ids(ids)
    records = record_type.visible(actor).filter(pk__in=wanted).order_by("pk")
    if action == TAG:
        records = records.prefetch_related("tags")
    result = BulkResult()
    for record in records:
        try:
            with transaction.atomic():
                if action == DELETE:
                    delete_record(record, actor=actor, version=record.version)
                else:
                    values = (
                        {"owner": value}
                        if action == ASSIGN
                        else {"tags": sorted({t.name for t in record.tags.all()} | {str(value).strip()})}
                    )
                    record_type.resource.update(
                        actor=actor, instance=record, version=record.version, values=values
                    )
            result.done += 1
        except PeyvandError as exc:
            result.refused.append((record, _reason(exc)))
    return result


def _reason(error: PeyvandError) -> str:
    """What a refusal says, the field errors' own words rather than "some values are not valid"."""
    details = [str(e.get("message", "")) for e in error.errors or [] if e.get("message")]
    return " ".join(details) or str(error.message)
