"""Duplicates and merges over the API: the scan's groups, starting a scan, merging, undoing a merge."""

import datetime as dt
from typing import Annotated

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from peyvand.contacts import merge as merging
from peyvand.contacts.duplicates import group_records, groups_visible_to
from peyvand.contacts.tasks import start_duplicate_scan
from peyvand.core.api import JobOut
from peyvand.core.listing import MAX_PAGE, paginate
from peyvand.core.records import field_error
from peyvand.core.rest import responses

router = Router(tags=["duplicates"])

# A record type with duplicate checks (``merge.mergeable_types``): "contact", "company", "lead", ...
Entity = Annotated[
    str, Field(min_length=1, max_length=40, description="A kind of record with duplicate checks.")
]


def _entity(name: str) -> str:
    if name not in merging.mergeable_types():
        raise field_error("entity", _("Duplicates are not looked for in this kind of record."))
    return name


RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class MemberOut(Schema):
    id: int
    name: str


class GroupOut(Schema):
    id: int
    entity: str
    score: int
    reasons: list[str]
    members: list[MemberOut]


class GroupList(Schema):
    items: list[GroupOut]
    count: int


class MergeIn(Schema):
    entity: Entity
    survivor: RecordId
    others: list[RecordId] = Field(..., min_length=1, max_length=50)
    choices: dict[str, RecordId] = {}
    version: int | None = Field(None, ge=0, le=2**31)


class MergeOut(Schema):
    id: int
    entity: str
    survivor_id: int
    other_ids: list[int]
    moved: dict[str, dict[str, list[int]]]
    created_at: dt.datetime
    undone_at: dt.datetime | None


@router.get("", response=responses({200: GroupList}), operation_id="duplicates_list")
def list_groups(
    request,
    entity: Entity = "contact",
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(settings.PEYVAND_PAGE_SIZE, ge=1, le=settings.PEYVAND_MAX_PAGE_SIZE),
):
    """Duplicate groups found by the last scan, best first; only groups whose every record you may see."""
    entity = _entity(entity)
    page_obj = paginate(groups_visible_to(request.user, entity).order_by("-score", "id"), page, page_size)
    records = group_records(request.user, page_obj.items)
    items = [
        {
            "id": g.pk,
            "entity": g.entity,
            "score": g.score,
            "reasons": g.reasons,
            "members": [{"id": r.pk, "name": str(r)} for r in records[g.pk]],
        }
        for g in page_obj.items
    ]
    return {"items": items, "count": page_obj.count}


@router.post("/scan", response=responses({202: JobOut}), operation_id="duplicates_scan")
def scan(request):
    """Start a scan of the whole database for duplicate contacts and companies; follow it at /jobs/{id}."""
    return Status(202, start_duplicate_scan(actor=request.user))


@router.post("/merge", response=responses({201: MergeOut}, 404, 409), operation_id="duplicates_merge")
def merge(request, payload: MergeIn):
    """Merge ``others`` into ``survivor``; ``choices`` maps a field to the id of the record whose value it keeps.
    Every record must be one you may see (else 404)."""
    model = merging.model_for(_entity(payload.entity))
    survivor = merging.get_visible(model, payload.survivor, request.user)
    record = merging.merge_records(
        actor=request.user,
        survivor=survivor,
        others=payload.others,
        choices=payload.choices,
        version=payload.version,
    )
    return Status(201, record)


def _merge_for(request, pk: int):
    for entity in merging.mergeable_types():
        found = merging.merges_visible_to(request.user, entity).filter(pk=pk).first()
        if found:
            return found
    raise Http404


@router.get(
    "/merges/{int:pk}", response=responses({200: MergeOut}, 404), operation_id="duplicates_merge_read"
)
def read_merge(request, pk: int):
    return _merge_for(request, pk)


@router.post(
    "/merges/{int:pk}/undo",
    response=responses({200: MergeOut}, 404, 409),
    operation_id="duplicates_merge_undo",
)
def undo(request, pk: int):
    """Bring the merged records back, move their rows back, restore the survivor's earlier values."""
    return merging.undo_merge(actor=request.user, merge=_merge_for(request, pk))
