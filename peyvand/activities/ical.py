"""The personal iCal feed: a user's tasks, meetings and calls for any calendar app to subscribe to.

Meetings and calls are events (VEVENT). Tasks are events too by default, because most calendar apps
(Google, Outlook, Apple's Calendar) ignore to-dos in a subscribed calendar; ``todo=True`` makes them VTODO
for apps that show to-do lists. Times are written in UTC; each open activity's reminders become VALARMs.
"""

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Todo

from peyvand.activities.models import ActivityKind
from peyvand.activities.selectors import FEED_LIMIT, feed_activities, linked_records
from peyvand.core import registry
from peyvand.core.registry import CalendarEntry


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _site() -> tuple[str, str]:
    base = settings.PEYVAND_SITE_URL.rstrip("/")
    return base, urlsplit(base).hostname or "peyvand"


def _description(activity, records: list) -> str:
    lines = [f"{capfirst(record._meta.verbose_name)}: {record}" for record in records]
    if activity.outcome:
        lines.append(f"{_('Outcome')}: {activity.outcome}")
    if activity.notes:
        lines.extend(["", activity.notes])
    return "\n".join(lines).strip()


def _component(activity, records: list, *, todo: bool, base: str, host: str):
    as_todo = todo and activity.kind == ActivityKind.TASK
    item = Todo() if as_todo else Event()
    item.add("uid", f"activity-{activity.pk}@{host}")
    item.add("dtstamp", _utc(activity.updated_at))
    item.add("last-modified", _utc(activity.updated_at))
    item.add("created", _utc(activity.created_at))
    item.add("sequence", activity.version)
    item.add("summary", activity.subject)
    description = _description(activity, records)
    if description:
        item.add("description", description)
    item.add("url", base + reverse("activities:detail", args=[activity.pk]))
    item.add("categories", [activity.get_kind_display()])
    item.add("dtstart", _utc(activity.due_at))
    if as_todo:
        item.add("due", _utc(activity.ends_at))
        item.add("status", "COMPLETED" if activity.done_at else "NEEDS-ACTION")
        if activity.done_at:
            item.add("completed", _utc(activity.done_at))
    else:
        item.add("dtend", _utc(activity.ends_at))
        item.add("transp", "OPAQUE" if activity.kind == ActivityKind.MEETING else "TRANSPARENT")
    if activity.done_at is None:
        for minutes in activity.reminders:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", activity.subject)
            alarm.add("trigger", dt.timedelta(minutes=-minutes))
            item.add_component(alarm)
    return item


def _entry_component(entry: CalendarEntry, *, base: str, host: str, now: dt.datetime) -> Event:
    item = Event()
    item.add("uid", f"{entry.key}@{host}")
    item.add("dtstamp", _utc(entry.updated_at or now))
    item.add("summary", f"{entry.label}: {entry.title}" if entry.label else entry.title)
    description = "\n".join(str(line) for line in (entry.detail, entry.note) if line)
    if description:
        item.add("description", description)
    if entry.url:
        item.add("url", base + entry.url)
    item.add("dtstart", _utc(entry.starts_at))
    item.add("dtend", _utc(entry.ends_at))
    item.add("transp", "OPAQUE")
    return item


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Peyvand//Peyvand CRM//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Peyvand: %(name)s") % {"name": name})
    # Subscribed calendars are re-read on the app's own schedule; these ask for every quarter-hour.
    calendar.add("refresh-interval", dt.timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT15M")
    return calendar


def entries_calendar(name: str, entries: Iterable[CalendarEntry], *, now: dt.datetime) -> bytes:
    """A feed of calendar entries alone (a resource's bookings), for the apps that keep such feeds."""
    base, host = _site()
    calendar = _calendar(name)
    for entry in entries:
        calendar.add_component(_entry_component(entry, base=base, host=host, now=now))
    return calendar.to_ical()


def feed_calendar(user, *, now: dt.datetime, todo: bool = False) -> bytes:
    """The user's feed as an iCalendar document: their activities and what the calendar sources add (their field
    jobs)."""
    base, host = _site()
    calendar = _calendar(str(user))
    activities = list(feed_activities(user, now=now)[:FEED_LIMIT])
    linked = linked_records(user, activities)
    for activity in activities:
        calendar.add_component(_component(activity, linked[activity.pk], todo=todo, base=base, host=host))
    for source in registry.calendar_sources():
        for entry in source.feed(user, now=now) if source.feed else ():
            calendar.add_component(_entry_component(entry, base=base, host=host, now=now))
    return calendar.to_ical()


def feed_response(body: bytes, *, filename: str):
    """A feed as calendar apps read it: private to whoever has the address, not for search engines."""
    from django.http import HttpResponse

    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
