"""Writes of the service calendar: resources (administrators), the calendar's working day, and field jobs.

Scheduling a job refuses a technician or a resource that another planned or done job holds at an overlapping
moment, naming that job, and a technician who has a meeting then (``activities``' meetings are the only
activities that take a person away; tasks and calls fit around a visit). Jobs touching end to start do not
overlap. To be safe when two people schedule at once, the job's technicians' and resources' rows are locked
(``SELECT … FOR UPDATE``, in id order, users then resources, so two schedulers never wait on each other in a
circle) before the overlap is read: the second scheduler reads only after the first has committed. On SQLite,
the write transaction (``BEGIN IMMEDIATE``) serialises schedulers the same way.

A job outside the working day (``CalendarSettings``) or on a day off or holiday (``core.workdays``) is flagged
(``outside_hours``) or, when the settings say so, refused.
"""

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.activities.calendar_grid import date_label
from peyvand.activities.models import Activity, ActivityKind
from peyvand.contacts.models import Company, Contact
from peyvand.core import jalali
from peyvand.core.audit import diff, write_audit
from peyvand.core.errors import PeyvandError, StaleVersion, ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.core.text import clean_display_text, to_ascii_digits
from peyvand.core.workdays import WorkCalendar
from peyvand.service import permissions_calendar as rights
from peyvand.service.models import Ticket
from peyvand.service.models_calendar import (
    CalendarSettings,
    FieldJob,
    FieldJobStatus,
    ResourceKind,
    ServiceResource,
)
from peyvand.service.services_sla import _key, _row_values, _save, _text, _time

MAX_JOB_DAYS = 31  # a longer job is a typing slip, and would make the working-hours check walk far
MEETING_LOOKBACK = dt.timedelta(days=1)  # meetings are read from a day before the job, their length in Python


# --- resources and the calendar's settings (administrators) ------------------------------------------------------


def require_resource_admin(actor) -> None:
    if not rights.can_manage_resources(actor):
        raise PeyvandError(
            rights.RESOURCE_FORBIDDEN,
            _("Only an administrator can change the service's resources."),
            status=403,
        )


@transaction.atomic
def save_resource(
    *, actor, resource: ServiceResource | None = None, values: dict[str, Any]
) -> ServiceResource:
    require_resource_admin(actor)
    creating = resource is None
    resource = resource or ServiceResource()
    before = {} if creating else _row_values(resource)
    errors: list[dict] = []
    kind = str(values.get("kind") or "")
    if kind not in ResourceKind.values:
        errors.append({"field": "kind", "message": _("Choose a kind from the list.")})
    name = _text(values, "name", 120, errors)
    code = to_ascii_digits(clean_display_text(str(values.get("code") or ""))).upper()
    if len(code) > 40:
        errors.append(
            {
                "field": "code",
                "message": _("Ensure this value has at most %(limit)d characters.") % {"limit": 40},
            }
        )
    elif code and ServiceResource.objects.exclude(pk=resource.pk).filter(code=code).exists():
        errors.append({"field": "code", "message": _("Another resource already has this code.")})
    if errors:
        raise ValidationFailed(errors)
    resource.kind, resource.name, resource.code = kind, name, code
    resource.notes = str(values.get("notes") or "").strip()
    resource.active = bool(values.get("active", True))
    return _save(resource, actor=actor, before=before, creating=creating)


@transaction.atomic
def rotate_resource_feed(*, actor, resource: ServiceResource) -> ServiceResource:
    """A new secret iCal address for the resource; the old one stops working with this commit."""
    require_resource_admin(actor)
    resource = ServiceResource.objects.select_for_update().get(pk=resource.pk)
    resource.feed_nonce = secrets.token_urlsafe(32)
    resource.feed_token_hash = ServiceResource.hash_token(resource.feed_token)
    resource.save(update_fields=["feed_nonce", "feed_token_hash", "updated_at"])
    return resource


def calendar_settings() -> CalendarSettings:
    return CalendarSettings.objects.first() or CalendarSettings()


@transaction.atomic
def save_calendar_settings(*, actor, values: dict[str, Any]) -> CalendarSettings:
    require_resource_admin(actor)
    row = CalendarSettings.objects.select_for_update().first()
    creating = row is None
    row = row or CalendarSettings()
    before = {} if creating else _row_values(row)
    errors: list[dict] = []
    start, end = _time(values, "day_start", errors), _time(values, "day_end", errors)
    if start and end and end <= start:
        errors.append({"field": "day_end", "message": _("The working day must end after it starts.")})
    if errors or start is None or end is None:
        raise ValidationFailed(errors)
    row.day_start, row.day_end = start, end
    row.refuse_outside_hours = bool(values.get("refuse_outside_hours"))
    return _save(row, actor=actor, before=before, creating=creating)


# --- working hours -------------------------------------------------------------------------------------------------


def outside_working_hours(start: dt.datetime, end: dt.datetime, row: CalendarSettings | None = None) -> bool:
    """Whether any of [start, end) falls outside the working day, on a day off or a holiday (a half day counts the
    first half of the working day, as SLA timers do)."""
    row = row or calendar_settings()
    zone = timezone.get_default_timezone()
    local_start, local_end = timezone.localtime(start, zone), timezone.localtime(end, zone)
    day = local_start.date()
    if (local_end - dt.timedelta(microseconds=1)).date() != day:
        return True  # a job over several days spans the nights between them
    share = WorkCalendar(day, day).share(day)
    if share <= 0:
        return True
    begin = dt.datetime.combine(day, row.day_start, tzinfo=zone)
    close = dt.datetime.combine(day, row.day_end, tzinfo=zone)
    close = begin + (close - begin) * (float(share) if share < 1 else 1.0)
    return local_start < begin or local_end > close


# --- field jobs ----------------------------------------------------------------------------------------------------


def _when(values: dict[str, Any], name: str, errors: list) -> dt.datetime | None:
    raw = values.get(name)
    if isinstance(raw, dt.datetime):
        value = raw
    elif raw in (None, ""):
        errors.append({"field": name, "message": _("This field is required.")})
        return None
    else:
        try:
            value = dt.datetime.fromisoformat(to_ascii_digits(str(raw)).strip())
        except ValueError:
            errors.append({"field": name, "message": _("Enter a date and time such as 2025-11-25T14:30.")})
            return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not jalali.in_range(timezone.localtime(value).date()):
        errors.append({"field": name, "message": jalali.out_of_range_message()})
        return None
    return value


def _ids(value: Any, name: str, errors: list) -> list[int]:
    if value in (None, ""):
        items: list = []
    elif isinstance(value, str) or not hasattr(value, "__iter__"):
        items = [value]
    else:
        items = list(value)
    keys = []
    for item in items:
        key = _key(item)
        if key is None:
            errors.append({"field": name, "message": _("Choose from the list.")})
            return []
        keys.append(key)
    return sorted(set(keys))


def _visible_one(model_or_qs, key, name: str, errors: list, message):
    if key is None:
        errors.append({"field": name, "message": message})
        return None
    found = model_or_qs.filter(pk=key).first()
    if found is None:
        errors.append({"field": name, "message": message})
    return found


def _span_text(job_or_start, end=None) -> str:
    start, end = (job_or_start.starts_at, job_or_start.ends_at) if end is None else (job_or_start, end)
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    persian = jalali.uses_jalali()
    text = f"{local_start:%H:%M}–{local_end:%H:%M}"
    if persian:
        text = jalali.persian_digits(text)
    return f"{date_label(local_start.date(), jalali=persian)} {text}"


def _isolated(text) -> str:
    """A name or title kept whole in the sentence around it, whatever its script (Unicode's first strong
    isolate): a Persian title in an English message, or the reverse, does not pull the date next to it along."""
    return f"\u2068{text}\u2069"


def _number(pk: int) -> str:
    return jalali.persian_digits(str(pk)) if jalali.uses_jalali() else str(pk)


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _conflicts(job: FieldJob, users: list, resources: list[ServiceResource]) -> list[dict]:
    """What already holds one of the job's people or resources during its span, in the field's words."""
    errors: list[dict] = []
    others = FieldJob.objects.overlapping(job.starts_at, job.ends_at).exclude(pk=job.pk)
    held: dict[int, int] = {}
    for row in (
        others.filter(technicians__in=[u.pk for u in users]).values("pk", "technicians").order_by("starts_at")
    ):
        held.setdefault(row["technicians"], row["pk"])
    jobs = FieldJob.objects.in_bulk(set(held.values()))
    for user in users:
        if user.pk in held:
            other = jobs[held[user.pk]]
            errors.append(
                {
                    "field": "technicians",
                    "message": _("%(who)s is already on job #%(number)s «%(title)s» %(when)s.")
                    % {
                        "who": _isolated(_person(user)),
                        "number": _number(other.pk),
                        "title": _isolated(other.title),
                        "when": _span_text(other),
                    },
                }
            )
    booked: dict[int, int] = {}
    for row in (
        others.filter(resources__in=[r.pk for r in resources]).values("pk", "resources").order_by("starts_at")
    ):
        booked.setdefault(row["resources"], row["pk"])
    jobs = FieldJob.objects.in_bulk(set(booked.values()))
    for resource in resources:
        if resource.pk in booked:
            other = jobs[booked[resource.pk]]
            errors.append(
                {
                    "field": "resources",
                    "message": _("%(what)s is already booked for job #%(number)s «%(title)s» %(when)s.")
                    % {
                        "what": _isolated(resource),
                        "number": _number(other.pk),
                        "title": _isolated(other.title),
                        "when": _span_text(other),
                    },
                }
            )
    # A technician's meetings (activities.Activity of kind meeting, not done): a day's worth read, length in Python.
    meetings = Activity.objects.filter(
        kind=ActivityKind.MEETING,
        owner__in=[u.pk for u in users],
        done_at__isnull=True,
        deleted_at__isnull=True,
        due_at__lt=job.ends_at,
        due_at__gte=job.starts_at - MEETING_LOOKBACK,
    ).order_by("due_at")
    named = {u.pk: u for u in users}
    for meeting in meetings:
        if meeting.ends_at and meeting.ends_at > job.starts_at:
            errors.append(
                {
                    "field": "technicians",
                    "message": _("%(who)s has the meeting «%(title)s» %(when)s.")
                    % {
                        "who": _isolated(_person(named[meeting.owner_id])),
                        "title": _isolated(meeting.subject),
                        "when": _span_text(meeting.due_at, meeting.ends_at),
                    },
                }
            )
    return errors


def _lock(users: list, resources: list[ServiceResource]) -> None:
    """Hold the booked rows until commit; always users then resources, each by id, so no two schedulers deadlock."""
    User = get_user_model()
    list(
        User.objects.select_for_update().filter(pk__in=[u.pk for u in users]).order_by("pk").values_list("pk")
    )
    list(
        ServiceResource.objects.select_for_update()
        .filter(pk__in=[r.pk for r in resources])
        .order_by("pk")
        .values_list("pk")
    )


def require_scheduler(actor) -> None:
    if not rights.can_schedule_jobs(actor):
        raise PeyvandError(
            rights.JOB_FORBIDDEN, _("Only the service team and managers schedule field jobs."), status=403
        )


def _apply(actor, job: FieldJob, values: dict[str, Any], *, partial: bool) -> tuple[list, list]:
    """Check and set the job's fields from ``values``; returns its technicians and resources (not yet saved)."""
    errors: list[dict] = []

    def given(name: str) -> bool:
        return not partial or name in values

    if given("title"):
        job.title = _text(values, "title", 200, errors)
    linked = (
        ("ticket", Ticket.objects.visible_to(actor), _("No such ticket.")),
        ("contact", Contact.objects.visible_to(actor), _("No such contact.")),
        ("company", Company.objects.visible_to(actor), _("No such company.")),
    )
    for name, visible, missing in linked:  # each through the actor's visibility: another's is "no such"
        raw = values.get(name)
        if not given(name):
            continue
        if job.pk and raw not in (None, "") and _key(raw) == getattr(job, f"{name}_id"):
            continue  # kept as it was, though the one changing the job may not see it
        found = None if raw in (None, "") else _visible_one(visible, _key(raw), name, errors, missing)
        setattr(job, name, found)
    if job.ticket is not None and given("ticket"):
        job.contact = job.contact or job.ticket.contact
        job.company = job.company or job.ticket.company
    for name in ("address", "notes"):
        if given(name):
            setattr(job, name, str(values.get(name) or "").strip()[:4000])
    for name in ("starts_at", "ends_at"):
        if given(name) and (moment := _when(values, name, errors)) is not None:
            setattr(job, name, moment)
    if job.starts_at and job.ends_at:
        if job.ends_at <= job.starts_at:
            errors.append({"field": "ends_at", "message": _("The job must end after it starts.")})
        elif job.ends_at - job.starts_at > dt.timedelta(days=MAX_JOB_DAYS):
            errors.append(
                {
                    "field": "ends_at",
                    "message": _("A job lasts at most %(days)d days.") % {"days": MAX_JOB_DAYS},
                }
            )
    if given("status"):
        status = str(values.get("status") or FieldJobStatus.PLANNED)
        if status not in FieldJobStatus.values:
            errors.append({"field": "status", "message": _("Choose a status from the list.")})
        else:
            job.status = status
    users: list = list(job.technicians.all()) if job.pk else []
    if given("technicians"):
        keys = _ids(values.get("technicians") or [], "technicians", errors)
        users = list(get_user_model().objects.filter(pk__in=keys, is_active=True))
        if len(users) != len(keys):
            errors.append({"field": "technicians", "message": _("Choose technicians from the list.")})
    if not users:
        errors.append({"field": "technicians", "message": _("Choose at least one technician.")})
    resources: list = list(job.resources.all()) if job.pk else []
    if given("resources"):
        keys = _ids(values.get("resources") or [], "resources", errors)
        resources = list(ServiceResource.objects.filter(pk__in=keys, active=True))
        if len(resources) != len(keys):
            errors.append({"field": "resources", "message": _("Choose resources from the list.")})
    if errors:
        raise ValidationFailed(errors)
    return users, resources


def _check_and_save(actor, job: FieldJob, users: list, resources: list, *, creating: bool) -> FieldJob:
    if job.status != FieldJobStatus.CANCELLED:
        _lock(users, resources)
        conflicts = _conflicts(job, users, resources)
        if conflicts:
            raise PeyvandError(rights.JOB_CONFLICT, conflicts[0]["message"], status=409, errors=conflicts)
    row = calendar_settings()
    job.outside_hours = outside_working_hours(job.starts_at, job.ends_at, row)
    if job.outside_hours and row.refuse_outside_hours and job.status != FieldJobStatus.CANCELLED:
        raise PeyvandError(
            rights.JOB_OUTSIDE_HOURS,
            _("The job falls outside the working hours or on a day off, and the settings refuse such jobs."),
            field="starts_at",
            status=409,
        )
    job.save()
    job.technicians.set(users)
    job.resources.set(resources)
    return job


def _snapshot(job: FieldJob) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": job.title,
        "ticket": job.ticket_id,
        "contact": job.contact_id,
        "company": job.company_id,
        "address": job.address,
        "starts_at": job.starts_at.isoformat() if job.starts_at else None,
        "ends_at": job.ends_at.isoformat() if job.ends_at else None,
        "status": job.status,
        "notes": job.notes,
    }
    if job.pk:
        values["technicians"] = sorted(job.technicians.values_list("pk", flat=True))
        values["resources"] = sorted(job.resources.values_list("pk", flat=True))
    return values


@transaction.atomic
def schedule_job(*, actor, values: dict[str, Any]) -> FieldJob:
    """A new planned job; refused naming each conflict (409), or with each bad field named (422)."""
    require_scheduler(actor)
    job = FieldJob(created_by=actor)
    users, resources = _apply(actor, job, values, partial=False)
    job = _check_and_save(actor, job, users, resources, creating=True)
    write_audit(instance=job, actor=actor, action=AuditAction.CREATE, changes=diff({}, _snapshot(job)))
    return job


@transaction.atomic
def update_job(*, actor, job: FieldJob, version: int | None, values: dict[str, Any]) -> FieldJob:
    """Change what ``values`` names (moving, re-staffing, marking done or cancelled); checked like a new job."""
    require_scheduler(actor)
    job = FieldJob.objects.select_for_update().get(pk=job.pk)
    if version is not None and version != job.version:
        raise StaleVersion(current_version=job.version, changes={})
    before = _snapshot(job)
    users, resources = _apply(actor, job, values, partial=True)
    job.version += 1
    job = _check_and_save(actor, job, users, resources, creating=False)
    write_audit(instance=job, actor=actor, action=AuditAction.UPDATE, changes=diff(before, _snapshot(job)))
    return job
