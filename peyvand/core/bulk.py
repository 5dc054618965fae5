"""Changes to many records at once from a list (assign, tag, delete): each record through its own service, so
every rule, right and audit entry of a single change holds; one record refused does not stop the others, and
what was refused is told with the reason.

Assign, tag and delete fit every record type. An action that only some types have (moving deals to another
stage) is registered by its app from ``AppConfig.ready`` with ``register_action``, naming the types it applies
to; the list's bulk bar offers it for those types only, and a new record type gets it by being named there.
"""

from __future__ import annotations

from collections.abc import Callable
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


@dataclass(frozen=True)
class BulkAction:
    """An action of the bulk bar that its app registers for some record types.

    ``apply(actor=, record=, values=)`` changes one record through that record's own service and raises a
    ``PeyvandError`` to refuse it; ``values`` holds the bar's inputs named in ``params``. ``template`` renders
    those inputs in the bar, given ``bulk_options(user)`` as ``options``.
    """

    key: str
    label: Any
    record_types: tuple[str, ...]
    apply: Callable[..., Any]
    params: tuple[str, ...] = ()
    template: str = ""
    options: Callable[[Any], Any] | None = None

    def bulk_options(self, user) -> Any:
        return self.options(user) if self.options else None


_ACTIONS: dict[str, BulkAction] = {}


def register_action(action: BulkAction) -> BulkAction:
    """Register an extra action; registering the same key again replaces it (apps are re-readied in tests)."""
    if action.key in ACTIONS:
        raise ValueError(f"{action.key!r} is a built-in bulk action.")
    _ACTIONS[action.key] = action
    return action


def unregister_action(key: str) -> None:
    _ACTIONS.pop(key, None)


def actions_for(record_type: registry.RecordType | None) -> list[BulkAction]:
    """The registered actions that apply to this record type, in registration order."""
    if record_type is None:
        return []
    return [a for a in _ACTIONS.values() if record_type.name in a.record_types]


@dataclass
class BulkResult:
    done: int = 0
    refused: list[tuple[Any, str]] = field(default_factory=list)


def clean_ids(raw: list[Any]) -> list[int]:
    """The ticked ids, each a positive whole number, at least one and at most ``MAX_RECORDS``."""
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


def apply_bulk(
    *,
    actor,
    record_type: registry.RecordType,
    ids: list[Any],
    action: str,
    value: Any = None,
    values: dict[str, Any] | None = None,
):
    """Apply ``action`` to the records of ``record_type`` with these ids that ``actor`` may see (the others are
    simply not found); ``value`` is the new owner's id for "assign" and the tag for "tag"; ``values`` are the
    inputs of a registered action."""
    extra = next((a for a in actions_for(record_type) if a.key == action), None)
    if action not in ACTIONS and extra is None:
        raise field_error("action", _("Choose what to do with the chosen records."))
    if extra is not None:
        return _apply_registered(actor, record_type, clean_ids(ids), extra, values or {})
    if action == TAG and not record_type.tagged:
        raise field_error("action", _("This kind of record has no tags."))
    if action in (ASSIGN, TAG) and value in (None, ""):
        raise field_error(
            "owner" if action == ASSIGN else "tag",
            _("Choose the new owner.") if action == ASSIGN else _("Write the tag to add."),
        )
    wanted = clean_ids(ids)
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


def _apply_registered(
    actor, record_type: registry.RecordType, ids: list[int], action: BulkAction, values: dict[str, Any]
) -> BulkResult:
    result = BulkResult()
    for record in record_type.visible(actor).filter(pk__in=ids).order_by("pk"):
        try:
            with transaction.atomic():
                action.apply(actor=actor, record=record, values=values)
            result.done += 1
        except PeyvandError as exc:
            result.refused.append((record, _reason(exc)))
    return result


def _reason(error: PeyvandError) -> str:
    """What a refusal says, the field errors' own words rather than "some values are not valid"."""
    details = [str(e.get("message", "")) for e in error.errors or [] if e.get("message")]
    return " ".join(details) or str(error.message)
