"""Background jobs over the API: progress and outcome of an import, a re-scoring or a scan."""

import datetime as dt
from typing import Any

from django.http import Http404
from ninja import Router, Schema

from peyvand.core.jobs import jobs_visible_to
from peyvand.core.rest import responses

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
