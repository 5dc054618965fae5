"""Calendar sources (core.registry.register_calendar_source): an app above activities puts its entries on the
calendar page and in the personal iCal feed, and offers a filter that shows its entries alone."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from peyvand.activities.services import create_activity, rotate_calendar_feed
from peyvand.core import registry

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 12)


def _at(hour):
    return timezone.make_aware(dt.datetime.combine(DAY, dt.time(hour)))


def _entry(key, title, hour):
    return registry.CalendarEntry(key=key, title=title, starts_at=_at(hour), ends_at=_at(hour + 1), url="/x/")


def _entries(user, *, owner, start, end, params):
    if params.get("room") == "lab":
        return [_entry("room-1", "Lab booking", 14)]
    return [_entry(f"visit-{owner.pk}", f"Visit of {owner.username}", 9)] if start <= _at(9) < end else []


@pytest.fixture
def source(monkeypatch):
    made = registry.CalendarSource(
        key="tests.visits",
        entries=_entries,
        filters=lambda user: [
            registry.CalendarFilter(param="room", label="Room", choices=[("lab", "The lab")])
        ],
        feed=lambda user, now: [_entry(f"visit-{user.pk}", "Visit", 9)],
    )
    monkeypatch.setitem(registry._CALENDAR_SOURCES, made.key, made)
    return made


def test_a_registered_source_is_drawn_beside_the_activities_and_its_filter_shows_it_alone(source, rep_a):
    create_activity(actor=rep_a, values={"kind": "meeting", "subject": "Budget review", "due_at": _at(11)})
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(rep_a)
    page = client.get(reverse("calendar"), {"view": "week", "date": DAY.isoformat()}).content.decode()
    assert f'data-entry="visit-{rep_a.pk}"' in page and "Budget review" in page
    assert '<select name="room"' in page and "The lab" in page
    filtered = client.get(reverse("calendar"), {"view": "day", "date": DAY.isoformat(), "room": "lab"})
    body = filtered.content.decode()
    assert 'data-entry="room-1"' in body and "Budget review" not in body and "The lab" in body
    assert 'id="feed"' not in body  # the personal feed box belongs to one's own calendar only


def test_a_source_adds_to_the_personal_feed(source, rep_a):
    feed = rotate_calendar_feed(user=rep_a)
    response = Client().get(reverse("calendar-feed", kwargs={"token": feed.token}))
    uids = [str(e["uid"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert any(uid.startswith(f"visit-{rep_a.pk}@") for uid in uids)
