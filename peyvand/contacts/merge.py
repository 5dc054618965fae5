"""Merging duplicate contacts, companies or leads into one survivor, and undoing it.

A merge runs in one transaction: the survivor takes the chosen value of each field (through update_record, so the
version is checked and the audit trail written), every related row (deals, activities, leads, and the contacts of
a merged company) moves to the survivor, the others are soft-deleted with a note, and a ``MergeRecord`` keeps
what undo needs: the survivor's earlier values and which rows moved from which record.
"""

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, JSONField
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.contacts.duplicates import index_record
from peyvand.contacts.models import DuplicateGroup, DuplicateGroupStatus, MergeRecord
from peyvand.core import registry
from peyvand.core.audit import write_audit
from peyvand.core.errors import NotFound, PeyvandError
from peyvand.core.links import RecordLink
from peyvand.core.models import AuditAction, AuditEntry
from peyvand.core.records import delete_record, get_visible, update_record

# Sent inside a merge's (or its undo's) transaction for each record whose values it changed (sender: the model,
# ``record``), so what is derived from those values in an app above contacts (a lead's score) follows at once.
values_merged = Signal()


# Record types that may be merged: those whose duplicates are looked for (their registration says so).
def mergeable_types() -> list[str]:
    return [t.name for t in registry.record_types() if t.extra.get("duplicates")]


def _mergeable(entity: str) -> list[tuple[str, bool]]:
    """(field, is a list) for each mergeable field of the record type's registration."""
    record_type = registry.find(entity)
    if record_type is None:
        raise NotFound()
    model = record_type.model
    return [
        (f.name, isinstance(model._meta.get_field(f.name), JSONField))
        for f in record_type.fields_where("mergeable")
    ]


def chosen_fields(entity: str) -> tuple[str, ...]:
    """Fields whose surviving value the user picks, one record's value each."""
    return tuple(name for name, is_list in _mergeable(entity) if not is_list)


def joined_fields(entity: str) -> tuple[str, ...]:
    """Lists the survivor keeps from every record (phones, e-mails): nothing is lost by merging them."""
    return tuple(name for name, is_list in _mergeable(entity) if is_list)


# Rows that point at a contact or company by a foreign key and follow it to the survivor: (app label, model,
# field). Rows linked by a record link (activities, files, comments) follow it too, below.
RELATIONS = {
    "contact": (
        ("sales", "Deal", "contact"),
        ("leads", "Lead", "contact"),
    ),
    "company": (
        ("sales", "Deal", "company"),
        ("leads", "Lead", "company"),
        ("contacts", "Contact", "company"),
    ),
    "lead": (("sales", "Deal", "lead"),),
}


def model_for(entity: str):
    if entity not in mergeable_types():
        raise NotFound()
    return registry.get(entity).model


def entity_of(record) -> str:
    return registry.type_name_of(record)


def _merged_values(entity: str, survivor, others: list, choices: dict[str, Any]) -> dict[str, Any]:
    by_pk = {r.pk: r for r in [survivor, *others]}
    values: dict[str, Any] = {}
    for name in chosen_fields(entity):
        source = by_pk.get(_as_int(choices.get(name)), survivor)
        field = survivor._meta.get_field(name)
        value = getattr(source, field.attname)
        if value != getattr(survivor, field.attname):
            values[name] = value
    for name in joined_fields(entity):
        joined = list(dict.fromkeys(v for r in [survivor, *others] for v in getattr(r, name)))
        if joined != getattr(survivor, name):
            values[name] = joined
    tags = sorted({t.name for r in [survivor, *others] for t in r.tags.all()})
    if tags != sorted(t.name for t in survivor.tags.all()):
        values["tags"] = tags
    custom = {k: v for r in reversed(others) for k, v in r.custom.items()} | survivor.custom
    if custom != survivor.custom:
        values["custom"] = custom
    return values


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _names(records) -> str:
    return ", ".join(f"#{r.pk} {r}" for r in records)[:200]


@transaction.atomic
def merge_records(
    *, actor, survivor, others: list, choices: dict[str, Any] | None = None, version: int | None = None
) -> MergeRecord:
    """Merge ``others`` into ``survivor``; ``choices`` maps a field to the pk of the record whose value survives.

    Every record must be one the actor may see (else not found); ``version`` is the survivor's version the user
    saw (the loaded instance's by default).
    """
    entity = entity_of(survivor)
    model = model_for(entity)
    version = survivor.version if version is None else version
    survivor = get_visible(model, survivor.pk, actor)
    other_pks = list(dict.fromkeys(getattr(o, "pk", o) for o in others))
    if not other_pks or survivor.pk in other_pks:
        raise PeyvandError("merge.no_others", _("Pick at least one other record to merge."), field="others")
    others = [get_visible(model, pk, actor) for pk in other_pks]
    previous = _previous_values(survivor)
    values = _merged_values(entity, survivor, others, choices or {})
    note = _("Merged with %(records)s") % {"records": _names(others)}
    survivor = update_record(
        survivor, actor=actor, version=version, values=_as_assignable(survivor, values), note=note
    )
    if not values:
        write_audit(instance=survivor, actor=actor, action=AuditAction.UPDATE, changes={}, note=note)
    moved: dict[str, dict[str, list[int]]] = {}
    for app_label, model_name, field in RELATIONS[entity]:
        related = apps.get_model(app_label, model_name)
        key = f"{app_label}.{model_name}.{field}"
        for other in others:
            ids = list(related._base_manager.filter(**{f"{field}_id": other.pk}).values_list("pk", flat=True))
            if ids:
                moved.setdefault(key, {})[str(other.pk)] = ids
                _move(related, ids, field, other.pk, survivor.pk, actor, note)
    for related in _linked_models():
        key = f"{related._meta.app_label}.{related.__name__}.{LINK}"
        for other in others:
            ids = list(_links_to(related, entity, other.pk).values_list("pk", flat=True))
            if ids:
                moved.setdefault(key, {})[str(other.pk)] = ids
                related._base_manager.filter(pk__in=ids).update(record_id=survivor.pk)
    for other in others:
        delete_record(other, actor=actor)
        write_audit(
            instance=other,
            actor=actor,
            action=AuditAction.UPDATE,
            changes={},
            note=_("Merged into #%(pk)s %(name)s") % {"pk": survivor.pk, "name": str(survivor)[:150]},
        )
    index_record(entity, survivor)
    _rescore(entity, survivor)
    DuplicateGroup.objects.filter(
        entity=entity, status=DuplicateGroupStatus.OPEN, members__object_id__in=[survivor.pk, *other_pks]
    ).update(status=DuplicateGroupStatus.MERGED)
    return MergeRecord.objects.create(
        entity=entity,
        survivor_id=survivor.pk,
        other_ids=other_pks,
        previous=previous,
        moved=moved,
        actor=actor if getattr(actor, "pk", None) else None,
    )


# Rows attached to any record through a record link (files, comments) follow it too; in ``moved`` their key ends
# with this name instead of a foreign key's.
LINK = "record"


def _linked_models() -> list:
    return [m for m in apps.get_models() if issubclass(m, RecordLink)]


def _links_to(related, entity: str, pk: int):
    return related._base_manager.filter(record_type=entity, record_id=pk)


def _rescore(entity: str, record) -> None:
    """What follows a record's values (a lead's score) is updated by its app: after a merge or its undo they may
    have changed."""
    values_merged.send(sender=type(record), record=record)


def _move(related, ids: list[int], field: str, old: int, new: int, actor, note: str) -> None:
    """Point rows at another record; their version moves on (an edit opened before is refused, not lost) and
    each gets an audit entry."""
    if not ids:
        return
    related._base_manager.filter(pk__in=ids).update(**{f"{field}_id": new, "version": F("version") + 1})
    content_type = ContentType.objects.get_for_model(related)
    versions = dict(related._base_manager.filter(pk__in=ids).values_list("pk", "version"))
    AuditEntry.objects.bulk_create(
        AuditEntry(
            content_type=content_type,
            object_id=pk,
            action=AuditAction.UPDATE,
            actor=actor if getattr(actor, "pk", None) else None,
            version=versions[pk],
            changes={field: [old, new]},
            note=note[:255],
        )
        for pk in ids
    )


def _previous_values(record) -> dict[str, Any]:
    values = {}
    entity = entity_of(record)
    for name in (*chosen_fields(entity), *joined_fields(entity), "custom"):
        field = record._meta.get_field(name)
        value = getattr(record, field.attname)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)  # kept as JSON; update_record reads it back into the field
        values[name] = value
    values["tags"] = sorted(t.name for t in record.tags.all())
    return values


def _as_assignable(record, values: dict[str, Any]) -> dict[str, Any]:
    """Values keyed as update_record sets them: foreign keys by their id attribute."""
    result = {}
    for name, value in values.items():
        if name == "tags":
            result[name] = value
            continue
        field = record._meta.get_field(name)
        result[field.attname] = value
    return result


def merges_visible_to(actor, entity: str):
    """Merges whose survivor the actor may see."""
    visible = model_for(entity).all_objects.visible_to(actor).values("pk")
    return MergeRecord.objects.filter(entity=entity, survivor_id__in=visible)


@transaction.atomic
def undo_merge(*, actor, merge: MergeRecord) -> MergeRecord:
    """Bring the merged records back, move their rows back and give the survivor its earlier values."""
    merge = MergeRecord.objects.select_for_update().get(pk=merge.pk)
    model = model_for(merge.entity)
    survivor = get_visible(model, merge.survivor_id, actor)
    others = [get_visible(model, pk, actor, include_deleted=True) for pk in merge.other_ids]
    if merge.undone_at is not None:
        raise PeyvandError("merge.already_undone", _("This merge was already undone."), status=409)
    note = _("Merge with %(records)s undone") % {"records": _names(others)}
    for other in others:
        if other.deleted_at is not None:
            old = other.deleted_at.isoformat()
            other.deleted_at = None
            other.version += 1
            other.save(update_fields=["deleted_at", "version", "updated_at"])
            write_audit(
                instance=other,
                actor=actor,
                action=AuditAction.RESTORE,
                changes={"deleted_at": [old, None]},
                note=note,
            )
        index_record(merge.entity, other)
    for key, by_other in merge.moved.items():
        app_label, model_name, field = key.split(".")
        related = apps.get_model(app_label, model_name)
        if field == LINK:
            for other_pk, ids in by_other.items():
                _links_to(related, merge.entity, survivor.pk).filter(pk__in=ids).update(
                    record_id=int(other_pk)
                )
            continue
        for other_pk, ids in by_other.items():
            still_moved = related._base_manager.filter(pk__in=ids, **{f"{field}_id": survivor.pk})
            _move(
                related,
                list(still_moved.values_list("pk", flat=True)),
                field,
                survivor.pk,
                int(other_pk),
                actor,
                note,
            )
    survivor = update_record(
        survivor,
        actor=actor,
        version=survivor.version,
        values=_as_assignable(survivor, merge.previous),
        note=note,
    )
    index_record(merge.entity, survivor)
    _rescore(merge.entity, survivor)
    for other in others:
        _rescore(merge.entity, other)
    merge.undone_at = timezone.now()
    merge.undone_by = actor if getattr(actor, "pk", None) else None
    merge.save(update_fields=["undone_at", "undone_by"])
    return merge


def undoable_merge_for(record, actor) -> MergeRecord | None:
    """The latest merge into ``record`` that the actor may still undo, for an "Undo" button on its timeline."""
    return (
        merges_visible_to(actor, entity_of(record))
        .filter(survivor_id=record.pk, undone_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
