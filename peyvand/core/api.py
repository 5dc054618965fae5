"""Core's API: background jobs (progress and outcome of an import, a re-scoring or a scan) and global search."""

import datetime as dt
from typing import Any

from django.http import Http404
from ninja import Query, Router, Schema

from peyvand.core.jobs import jobs_visible_to
from peyvand.core.rest import responses
from peyvand.core.search import MAX_QUERY, search_records

router = Router()


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    total: int | None
    done: int
    percent: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    result: dict[str, Any]
    error: str


@router.get("/{int:pk}", response=responses({200: JobOut}, 404), tags=["jobs"], operation_id="jobs_read")
def read_job(request, pk: int):
    job = jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


search_router = Router()


class SearchHitOut(Schema):
    id: int
    label: str
    url: str


class SearchGroupOut(Schema):
    record_type: str
    plural: str
    label: str
    hits: list[SearchHitOut]


class SearchOut(Schema):
    query: str
    results: list[SearchGroupOut]


@search_router.get(
    "",
    response=responses({200: SearchOut}),
    tags=["search"],
    operation_id="search",
    summary="Search every list",
)
def search(request, q: str = Query(..., max_length=MAX_QUERY), limit: int = Query(5, ge=1, le=20)):
    """The first records of each kind (contacts, companies, leads, deals, activities, ...) whose list search
    matches ``q``, among those you may see; kinds without a match are left out."""
    return {"query": q, "results": search_records(request.user, q, limit_per_type=limit)}
