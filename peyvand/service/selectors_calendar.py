"""Reads of the service calendar: jobs a user may see, the calendar page's entries and filters (registered as a
calendar source in ``core.registry``, so the activities calendar draws jobs without knowing of them), and the
iCal feeds of a technician (their personal feed) and of a resource (its own secret address)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peyvand.core.registry import CalendarEntry, CalendarFilter, CalendarSource
from peyvand.service.models_calendar import FieldJob, FieldJobStatus, ServiceResource

FEED_PAST = dt.timedelta(days=60)
FEED_LIMIT = 3000


def jobs_visible_to(user) -> QuerySet:
    return FieldJob.objects.visible_to(user)


def with_bookings(jobs: QuerySet) -> QuerySet:
    from django.contrib.auth import get_user_model

    return jobs.select_related("ticket", "contact", "company").prefetch_related(
        Prefetch("technicians", queryset=get_user_model().objects.order_by("first_name", "last_name", "pk")),
        Prefetch("resources", queryset=ServiceResource.objects.order_by("name", "pk")),
    )


def resources_for(user) -> QuerySet:
    """Every member of staff reads the resources (to see what is free); administrators change them."""
    if not (user and user.is_authenticated and user.is_active):
        return ServiceResource.objects.none()
    return ServiceResource.objects.all()


def resource_key(value: Any) -> int | None:
    try:
        key = int(str(value))
    except (TypeError, ValueError):
        return None
    return key if 0 < key < 2**63 else None


def _detail(job: FieldJob) -> str:
    people = [u.get_full_name() or u.get_username() for u in job.technicians.all()]
    return " · ".join([*people, *(str(r) for r in job.resources.all())])


def as_entry(job: FieldJob) -> CalendarEntry:
    label = (
        _("Field job")
        if job.status == FieldJobStatus.PLANNED
        else f"{_('Field job')} ({job.get_status_display()})"
    )
    return CalendarEntry(
        key=f"field-job-{job.pk}",
        title=f"#{job.pk} {job.title}",
        starts_at=job.starts_at,
        ends_at=job.ends_at,
        url=reverse("service:job", args=[job.pk]),
        label=label,
        detail=_detail(job),
        note=_("Outside working hours") if job.outside_hours else "",
        updated_at=job.updated_at,
    )


def _jobs_between(user, start: dt.datetime, end: dt.datetime) -> QuerySet:
    return with_bookings(
        jobs_visible_to(user)
        .exclude(status=FieldJobStatus.CANCELLED)
        .filter(starts_at__lt=end, ends_at__gt=start)
    )


def calendar_entries(user, *, owner, start: dt.datetime, end: dt.datetime, params) -> list[CalendarEntry]:
    """A resource's jobs when the page asks for one (``?resource=``), else the jobs ``owner`` is on."""
    if params.get("resource"):
        key = resource_key(params.get("resource"))
        if key is None or not resources_for(user).filter(pk=key).exists():
            return []
        jobs = _jobs_between(user, start, end).filter(resources=key)
    else:
        jobs = _jobs_between(user, start, end).filter(technicians=owner)
    return [as_entry(job) for job in jobs.distinct()]


def calendar_filters(user) -> list[CalendarFilter]:
    resources = list(resources_for(user).filter(active=True))
    if not resources:
        return []
    return [
        CalendarFilter(
            param="resource",
            label=gettext_lazy("Resource"),
            choices=[(str(r.pk), str(r)) for r in resources],
        )
    ]


def feed_entries(user, *, now: dt.datetime) -> list[CalendarEntry]:
    """A technician's planned and recent jobs for their personal iCal feed."""
    jobs = (
        with_bookings(FieldJob.objects.filter(technicians=user, ends_at__gte=now - FEED_PAST))
        .exclude(status=FieldJobStatus.CANCELLED)
        .distinct()
    )
    return [as_entry(job) for job in jobs[:FEED_LIMIT]]


def resource_feed_entries(resource: ServiceResource, *, now: dt.datetime) -> list[CalendarEntry]:
    jobs = (
        with_bookings(FieldJob.objects.filter(resources=resource, ends_at__gte=now - FEED_PAST))
        .exclude(status=FieldJobStatus.CANCELLED)
        .distinct()
    )
    return [as_entry(job) for job in jobs[:FEED_LIMIT]]


def resource_for_feed_token(token: str) -> ServiceResource | None:
    if not token or len(token) > 128:
        return None
    return (
        ServiceResource.objects.filter(feed_token_hash=ServiceResource.hash_token(token), active=True)
        .exclude(feed_nonce="")
        .first()
    )


def resource_feed_url(resource: ServiceResource) -> str | None:
    if not resource.feed_nonce:
        return None
    path = reverse("service:resource-feed", kwargs={"token": resource.feed_token})
    return settings.PEYVAND_SITE_URL.rstrip("/") + path


SOURCE = CalendarSource(
    key="service.field_jobs", entries=calendar_entries, filters=calendar_filters, feed=feed_entries
)
