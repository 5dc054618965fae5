"""Writes to activities: calls, meetings, tasks, e-mails and notes attached to CRM records."""

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.activities.models import Activity, ActivityLink, CalendarFeed
from peyvand.contacts.calltime import default_call_due
from peyvand.core import events, jalali, registry
from peyvand.core.errors import NotFound
from peyvand.core.links import linked_record, ref_of
from peyvand.core.records import create_record, field_error, update_record
from peyvand.core.text import clean_display_text

_UNCHANGED = object()

# A reminder is at most 30 days ahead of its activity, and an activity has at most ten.
MAX_REMINDER_MINUTES = 30 * 24 * 60
MAX_REMINDERS = 10


def clean_reminders(value: Any) -> list[int]:
    """Minutes before the due time, each once, ascending; refuses what is not a whole number of minutes in range."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise field_error("reminders", _("Send reminders as a list of minutes before the due time."))
    minutes = set()
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= MAX_REMINDER_MINUTES:
            raise field_error(
                "reminders",
                _("A reminder is a whole number of minutes from 0 to %(max)s before the due time.")
                % {"max": MAX_REMINDER_MINUTES},
            )
        minutes.add(item)
    if len(minutes) > MAX_REMINDERS:
        raise field_error(
            "reminders", _("An activity has at most %(max)s reminders.") % {"max": MAX_REMINDERS}
        )
    return sorted(minutes)


def loggable_types() -> list[registry.RecordType]:
    """The kinds of record an activity may be logged on: every attachable one but activities themselves."""
    return [t for t in registry.record_types() if t.attachable and t.model is not Activity]


def _record(actor, values: dict[str, Any]):
    """The record the values log the activity on (``record``, or ``record_type`` and ``record_id``): None for
    none, ``_UNCHANGED`` when they do not say. A type or record the actor may not use is a field error."""
    given = "record" in values or "record_type" in values or "record_id" in values
    record = values.pop("record", None)
    record_type = values.pop("record_type", None) or ""
    record_id = values.pop("record_id", None)
    if not given:
        return _UNCHANGED
    if record is not None:
        record_type, record_id = ref_of(record)
    if not record_type and record_id in (None, ""):
        return None
    if not record_type:
        raise field_error("record_type", _("Say which kind of record the activity is about."))
    if record_type not in {t.name for t in loggable_types()}:
        raise field_error("record_type", _("Activities cannot be logged on this kind of record."))
    if record_id in (None, ""):
        raise field_error("record_id", _("Say which record the activity is about."))
    try:
        return linked_record(actor, record_type, record_id)
    except NotFound:
        raise field_error("record_id", _("No such record, or you may not use it.")) from None


def concerned(record) -> list:
    """The records an activity on ``record`` is linked to: the record and those its type says it concerns."""
    if record is None:
        return []
    kind = registry.for_model(record)
    found = [record, *(kind.concerns(record) if kind is not None and kind.concerns else ())]
    return list({ref_of(r): r for r in found}.values())


def _link(activity: Activity, record) -> None:
    ActivityLink.objects.filter(activity=activity).delete()
    ActivityLink.objects.bulk_create(
        ActivityLink(activity=activity, record_type=t, record_id=pk)
        for t, pk in map(ref_of, concerned(record))
    )


def _clean(actor, values: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    values = dict(values)
    for name in ("subject", "outcome"):
        if name in values:
            values[name] = clean_display_text(values[name] or "")
    if "notes" in values:
        values["notes"] = (values["notes"] or "").strip()
    if "reminders" in values:
        values["reminders"] = clean_reminders(values["reminders"])
    record = _record(actor, values)
    if record is not _UNCHANGED:
        values["record_type"], values["record_id"] = ref_of(record) if record is not None else ("", None)
    if "done" in values:
        done = values.pop("done")
        values["done_at"] = (values.get("done_at") or timezone.now()) if done else None
    return values, record


@transaction.atomic
def create_activity(*, actor, values: dict[str, Any]) -> Activity:
    values, record = _clean(actor, values)
    record = None if record is _UNCHANGED else record
    # A new call without a due time is due at its contact's (or company's) next good moment to call.
    activity = create_record(Activity, actor=actor, values=default_call_due(values, concerned(record)))
    _link(activity, record)
    if activity.done_at:
        events.emit(events.activity_completed, Activity, activity=activity, actor=actor)
    return activity


@transaction.atomic
def update_activity(*, actor, activity: Activity, version: int | None, values: dict[str, Any]) -> Activity:
    values, record = _clean(actor, values)
    was_done = activity.done_at is not None
    if values.get("done_at") and was_done:
        values["done_at"] = activity.done_at  # completing twice keeps the first completion time
    moved = record is not _UNCHANGED and (values["record_type"], values["record_id"]) != (
        activity.record_type,
        activity.record_id,
    )
    activity = update_record(activity, actor=actor, version=version, values=values)
    if moved:
        _link(activity, record)
    if activity.done_at and not was_done:
        events.emit(events.activity_completed, Activity, activity=activity, actor=actor)
    return activity


def complete_activity(*, actor, activity: Activity, version: int | None, outcome: str = "") -> Activity:
    values: dict[str, Any] = {"done": True}
    if outcome:
        values["outcome"] = outcome
    return update_activity(actor=actor, activity=activity, version=version, values=values)


def reschedule_activity(*, actor, activity: Activity, version: int | None, due_at: dt.datetime) -> Activity:
    """Move an activity to another time (the calendar's drag); its reminders follow the new due time."""
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    return update_activity(actor=actor, activity=activity, version=version, values={"due_at": due_at})


# How far the quick "later" buttons move an activity: a day, or a week.
POSTPONE_DAYS = (1, 7)


def _due_value(value: Any) -> dt.datetime:
    """A new due time from a form (a datetime) or the API (ISO text); what is neither, or lies outside the
    calendar's range, is an error on ``due_at``."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise field_error(
                "due_at", _("Enter the new due time as a date and time, such as 2025-11-25 14:30.")
            ) from None
    if not isinstance(value, dt.datetime):
        raise field_error("due_at", _("Enter the new due time."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return jalali.check_in_range(value)
    except jalali.DateOutOfRange as exc:
        raise field_error("due_at", str(exc)) from None


def replan_activity(
    *, actor, activity: Activity, version: int | None, due_at: Any = None, owner: Any = None
) -> Activity:
    """Give an activity a new due time, a new owner, or both (None: keep), in one versioned and audited change.

    The owner must be among the users the actor may give records to (``core.records.assignable_users``, the
    rule of every form and of bulk assign); anyone else is refused on ``owner``. A done activity is history,
    not a plan: it keeps its time and owner.
    """
    if activity.done_at is not None:
        raise field_error("due_at", _("This activity is done; it is no longer rescheduled or reassigned."))
    values: dict[str, Any] = {}
    if due_at not in (None, ""):
        values["due_at"] = _due_value(due_at)
    if owner not in (None, ""):
        values["owner"] = owner
    if not values:
        raise field_error("due_at", _("Give a new due time or a new owner."))
    return update_activity(actor=actor, activity=activity, version=version, values=values)


def postpone_activity(*, actor, activity: Activity, version: int | None, days: int) -> Activity:
    """Move an open activity ``days`` later (a day or a week) at the same time of day; one with no due time is
    planned that many days from today at nine."""
    if days not in POSTPONE_DAYS:
        raise field_error("shift", _("Move an activity by a day or by a week."))
    if activity.due_at is not None:
        local = jalali.local_time(activity.due_at)
        # Calendar days in the user's zone, so a daylight-saving change keeps the time of day.
        base = timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=days), local.time()))
    else:
        base = timezone.make_aware(
            dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(9, 0))
        )
    return replan_activity(actor=actor, activity=activity, version=version, due_at=base)


@transaction.atomic
def rotate_calendar_feed(*, user) -> CalendarFeed:
    """Give the user a new secret calendar address; the old one stops working with this commit."""
    try:
        with transaction.atomic():  # the first rotation makes the row; two at once must not both try
            CalendarFeed.objects.get_or_create(
                user=user,
                defaults={"nonce": "", "token_hash": CalendarFeed.hash_token(secrets.token_hex(32))},
            )
    except IntegrityError:
        pass
    feed = CalendarFeed.objects.select_for_update().get(user=user)
    feed.nonce = secrets.token_urlsafe(32)
    feed.token_hash = CalendarFeed.hash_token(feed.token)
    feed.last_used_at = None
    feed.save()
    return feed
