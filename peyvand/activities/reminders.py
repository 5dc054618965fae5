"""Reminders of tasks, meetings and calls: which are due now, and telling their owners (in the app and by e-mail).

An activity keeps its reminders as minutes before ``due_at``. A reminder is sent through ``notify`` with a key
made of the activity, the offset and the due time, so it goes out once however often the job runs, and moving
the due time gives new keys: the reminders are armed again for the new time.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from peyvand.activities.models import SCHEDULED_KINDS, Activity
from peyvand.activities.services import MAX_REMINDER_MINUTES
from peyvand.core import jalali
from peyvand.notifications.models import Notification
from peyvand.notifications.services import notify

# A reminder that comes due while the worker is down is still sent up to the due time, and a reminder "at the
# time" up to this long after it; later than that it would only be noise.
GRACE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class DueReminder:
    activity: Activity
    minutes: int

    @property
    def key(self) -> str:
        due = self.activity.due_at.astimezone(dt.UTC).isoformat(timespec="seconds")
        return f"reminder:{self.activity.pk}:{self.minutes}:{due}"


def reminder_key(activity: Activity, minutes: int) -> str:
    return DueReminder(activity, minutes).key


def _due_offset(activity: Activity, now: dt.datetime) -> int | None:
    """The reminder of ``activity`` to send at ``now``: of those whose time has come and not gone, the closest to
    the due time, so a late worker (or an activity planned at short notice) sends one reminder, not a burst."""
    due = activity.due_at
    current = [
        m
        for m in activity.reminders
        if isinstance(m, int)
        and due - dt.timedelta(minutes=m) <= now <= max(due, due - dt.timedelta(minutes=m) + GRACE)
    ]
    return min(current) if current else None


def due_reminders(now: dt.datetime) -> list[DueReminder]:
    """Reminders whose time has come at ``now`` and that have not been sent for the activity's current due time."""
    candidates = (
        Activity.objects.filter(
            done_at__isnull=True,
            kind__in=SCHEDULED_KINDS,
            due_at__gt=now - GRACE,
            due_at__lte=now + dt.timedelta(minutes=MAX_REMINDER_MINUTES),
        )
        .exclude(reminders=[])
        .select_related("owner")
        .order_by("due_at", "id")
    )
    due = []
    for activity in candidates.iterator(chunk_size=500):
        minutes = _due_offset(activity, now)
        if minutes is not None:
            due.append(DueReminder(activity, minutes))
    if not due:
        return []
    sent = set(
        Notification.objects.filter(
            recipient_id__in={r.activity.owner_id for r in due}, key__in=[r.key for r in due]
        ).values_list("recipient_id", "key")
    )
    return [r for r in due if (r.activity.owner_id, r.key) not in sent]


def send_reminder(reminder: DueReminder) -> bool:
    activity = reminder.activity
    # The e-mail is written in the site's language, so the time is told in its calendar too.
    with translation.override(settings.LANGUAGE_CODE):
        due = jalali.format_datetime(activity.due_at)
    created = notify(
        recipients=[activity.owner],
        kind="reminder",
        title=gettext_noop("Reminder: %(subject)s, %(due)s"),
        body=gettext_noop("“%(subject)s” is due %(due)s."),
        params={"subject": activity.subject, "due": due},
        url=reverse("activities:detail", args=[activity.pk]),
        key=reminder.key,
        email=True,
    )
    return bool(created)


def send_due_reminders(*, now: dt.datetime) -> int:
    """Send every reminder due at ``now``; returns how many were sent."""
    return sum(send_reminder(r) for r in due_reminders(now))
