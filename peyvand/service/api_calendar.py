"""API of the service calendar: field jobs (``/field-jobs``) and the resources they book
(``/service-resources``). Jobs are fetched through the caller's visibility (not theirs: 404); scheduling and
changing is for those who schedule (403 otherwise); a conflict answers 409 naming each one."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status

from peyvand.core.listing import paginate
from peyvand.core.rest import responses
from peyvand.core.schemas import QueryDate
from peyvand.service import selectors_calendar, services_calendar
from peyvand.service.schemas_calendar import (
    FieldJobIn,
    FieldJobList,
    FieldJobOut,
    FieldJobPatch,
    ResourceIn,
    ResourceOut,
)

jobs_router = Router()
resources_router = Router()

Key = Query(None, ge=1, le=2**63 - 1)
FROM = Query(None, alias="from")
TO = Query(None, alias="to")


def _midnight(day: dt.date) -> dt.datetime:
    """The start of a day in the business's time zone (where its working days are)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _job(request, pk: int):
    return get_object_or_404(
        selectors_calendar.with_bookings(selectors_calendar.jobs_visible_to(request.user)), pk=pk
    )


@jobs_router.get(
    "", response=responses({200: FieldJobList}), tags=["field-jobs"], operation_id="field_jobs_list"
)
def list_jobs(
    request,
    start: QueryDate | None = FROM,
    end: QueryDate | None = TO,
    technician: int | None = Key,
    resource: int | None = Key,
    status: str | None = Query(None, pattern="^(planned|done|cancelled)$"),
    page: int = Query(1, ge=1, le=10_000),
    page_size: int = Query(50, ge=1, le=200),
):
    """Jobs you may see, in time order; ``from``/``to`` (days in the business's time zone, ``to`` included)
    keep those overlapping the days."""
    jobs = selectors_calendar.with_bookings(selectors_calendar.jobs_visible_to(request.user))
    if start:
        jobs = jobs.filter(ends_at__gt=_midnight(start))
    if end:
        jobs = jobs.filter(starts_at__lt=_midnight(end + dt.timedelta(days=1)))
    if technician:
        jobs = jobs.filter(technicians=technician)
    if resource:
        jobs = jobs.filter(resources=resource)
    if status:
        jobs = jobs.filter(status=status)
    page_obj = paginate(jobs.distinct().order_by("starts_at", "pk"), page, page_size)
    return {"items": page_obj.items, "count": page_obj.count}


@jobs_router.post(
    "",
    response=responses({201: FieldJobOut}, 403, 409),
    tags=["field-jobs"],
    operation_id="field_jobs_create",
)
def create_job(request, payload: FieldJobIn):
    """Schedule a job; 409 ``field_job.conflict`` names each technician, meeting or resource already taken."""
    job = services_calendar.schedule_job(actor=request.user, values=payload.model_dump())
    return Status(201, _job(request, job.pk))


@jobs_router.get(
    "/{int:pk}",
    response=responses({200: FieldJobOut}, 404),
    tags=["field-jobs"],
    operation_id="field_jobs_read",
)
def read_job(request, pk: int):
    return _job(request, pk)


@jobs_router.patch(
    "/{int:pk}",
    response=responses({200: FieldJobOut}, 403, 404, 409),
    tags=["field-jobs"],
    operation_id="field_jobs_update",
)
def update_job(request, pk: int, payload: FieldJobPatch):
    """Move, re-staff, mark done or cancelled; checked for conflicts like a new job."""
    values = payload.model_dump(exclude_unset=True)
    version = values.pop("version", None)
    job = services_calendar.update_job(
        actor=request.user, job=_job(request, pk), version=version, values=values
    )
    return _job(request, job.pk)


@resources_router.get(
    "",
    response=responses({200: list[ResourceOut]}),
    tags=["service-resources"],
    operation_id="service_resources_list",
)
def list_resources(request, active: bool | None = None):
    """Everyone on the staff reads the resources."""
    resources = selectors_calendar.resources_for(request.user)
    if active is not None:
        resources = resources.filter(active=active)
    return list(resources[:1000])


@resources_router.post(
    "",
    response=responses({201: ResourceOut}, 403),
    tags=["service-resources"],
    operation_id="service_resources_create",
)
def create_resource(request, payload: ResourceIn):
    """Administrators only."""
    return Status(201, services_calendar.save_resource(actor=request.user, values=payload.model_dump()))


@resources_router.put(
    "/{int:pk}",
    response=responses({200: ResourceOut}, 403, 404),
    tags=["service-resources"],
    operation_id="service_resources_update",
)
def update_resource(request, pk: int, payload: ResourceIn):
    """Administrators only: every field as on create."""
    resource = get_object_or_404(selectors_calendar.resources_for(request.user), pk=pk)
    return services_calendar.save_resource(actor=request.user, resource=resource, values=payload.model_dump())
