"""Writes to activities: calls, meetings, tasks, e-mails and notes attached to CRM records."""

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.activities.models import Activity, CalendarFeed
from peyvand.contacts.calltime import default_call_due
from peyvand.contacts.models import Company, Contact
from peyvand.core import events
from peyvand.core.records import create_record, field_error, resolve_reference, update_record
from peyvand.core.text import clean_display_text
from peyvand.leads.models import Lead
from peyvand.sales.models import Deal

_LINKS = (("contact", Contact), ("company", Company), ("deal", Deal), ("lead", Lead))

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


def _clean(actor, values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    for name in ("subject", "outcome"):
        if name in values:
            values[name] = clean_display_text(values[name] or "")
    if "notes" in values:
        values["notes"] = (values["notes"] or "").strip()
    if "reminders" in values:
        values["reminders"] = clean_reminders(values["reminders"])
    for name, model in _LINKS:
        if name in values:
            values[name] = resolve_reference(model, values[name], actor, name)
    deal = values.get("deal")
    # A task on a deal shows on the deal's contact and company too.
    if deal is not None:
        values.setdefault("contact", deal.contact)
        values.setdefault("company", deal.company)
    if "done" in values:
        done = values.pop("done")
        values["done_at"] = (values.get("done_at") or timezone.now()) if done else None
    return values


def create_activity(*, actor, values: dict[str, Any]) -> Activity:
    # A new call without a due time is due at its contact's (or company's) next good moment to call.
    activity = create_record(Activity, actor=actor, values=default_call_due(_clean(actor, values)))
    if activity.done_at:
        events.emit(events.activity_completed, Activity, activity=activity, actor=actor)
    return activity


def update_activity(*, actor, activity: Activity, version: int | None, values: dict[str, Any]) -> Activity:
    values = _clean(actor, values)
    was_done = activity.done_at is not None
    if values.get("done_at") and was_done:
        values["done_at"] = activity.done_at  # completing twice keeps the first completion time
    activity = update_record(activity, actor=actor, version=version, values=values)
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
