"""The personal iCal feed (peyvand/activities/ical.py, the feed and rotate views, the rotate API): a secret
address any calendar app can read, holding only its owner's events, that stops working once rotated."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from icalendar import Calendar

from peyvand.activities.models import CalendarFeed
from peyvand.activities.selectors import feed_url
from peyvand.activities.services import complete_activity, create_activity, rotate_calendar_feed
from tests.fixtures import ApiClient

pytestmark = pytest.mark.django_db

TEHRAN = ZoneInfo("Asia/Tehran")
NOW = dt.datetime(2026, 11, 25, 11, 0, tzinfo=TEHRAN)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _activity(owner, subject, due_at, kind="task", **values):
    return create_activity(actor=owner, values={"kind": kind, "subject": subject, "due_at": due_at, **values})


def _path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def _read(url: str, **params):
    """Fetch a feed the way a calendar app does: no session, no token, just the address."""
    return Client().get(_path(url), params)


def _components(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return [c for c in calendar.walk() if c.name in ("VEVENT", "VTODO")]


def test_the_feed_parses_and_holds_my_events_with_utc_times_links_and_alarms_and_not_a_teammates(
    rep_a, rep_a2, settings
):
    settings.PEYVAND_SITE_URL = "https://crm.example.com"
    meeting = _activity(
        rep_a,
        "Demo at Pars",
        NOW + dt.timedelta(days=1),
        kind="meeting",
        duration_minutes=60,
        reminders=[10, 60],
    )
    _activity(rep_a, "Yesterday's call", NOW - dt.timedelta(days=1), kind="call", done=True)
    _activity(rep_a, "A note", NOW, kind="note")
    _activity(rep_a, "Long done", NOW - dt.timedelta(days=200), done=True)
    _activity(rep_a2, "Teammate's meeting", NOW + dt.timedelta(days=1), kind="meeting")
    url = feed_url(rotate_calendar_feed(user=rep_a))
    assert url.startswith("https://crm.example.com/calendar/feed/") and url.endswith(".ics")

    events = _components(_read(url))

    assert sorted(str(e["SUMMARY"]) for e in events) == ["Demo at Pars", "Yesterday's call"]
    demo = next(e for e in events if str(e["SUMMARY"]) == "Demo at Pars")
    assert str(demo["UID"]) == f"activity-{meeting.pk}@crm.example.com"
    start, end = demo.decoded("DTSTART"), demo.decoded("DTEND")
    assert start == NOW + dt.timedelta(days=1) and start.utcoffset() == dt.timedelta(0)
    assert end - start == dt.timedelta(minutes=60)
    assert "DTSTART:20261126T073000Z" in _read(url).content.decode()
    assert str(demo["URL"]) == f"https://crm.example.com/activities/{meeting.pk}/"
    assert sorted(a.decoded("TRIGGER") for a in demo.walk("VALARM")) == [
        dt.timedelta(minutes=-60),
        dt.timedelta(minutes=-10),
    ]


def test_tasks_may_be_read_as_todos_with_their_completion(rep_a):
    task = _activity(rep_a, "Send the quote", NOW - dt.timedelta(hours=1), reminders=[10])
    complete_activity(actor=rep_a, activity=task, version=task.version)
    url = feed_url(rotate_calendar_feed(user=rep_a))

    (todo,) = _components(_read(url, todo="1"))

    assert todo.name == "VTODO"
    assert str(todo["STATUS"]) == "COMPLETED" and todo.decoded("COMPLETED") is not None
    assert list(todo.walk("VALARM")) == []  # a done task rings no more


def test_rotating_the_secret_makes_the_old_address_not_found_at_once(rep_a):
    _activity(rep_a, "Call Sara", NOW + dt.timedelta(hours=1), kind="call")
    old = feed_url(rotate_calendar_feed(user=rep_a))
    assert _read(old).status_code == 200

    new = feed_url(rotate_calendar_feed(user=rep_a))

    assert new != old
    assert _read(old).status_code == 404
    assert _read(new).status_code == 200


def test_an_unknown_or_malformed_address_is_not_found_and_an_inactive_users_feed_stops(rep_a):
    assert Client().get("/calendar/feed/" + "0" * 64 + ".ics").status_code == 404
    assert Client().get("/calendar/feed/" + "x" * 300 + ".ics").status_code == 404
    url = feed_url(rotate_calendar_feed(user=rep_a))
    rep_a.is_active = False
    rep_a.save()
    assert _read(url).status_code == 404


def test_the_address_is_not_stored_only_its_hash(rep_a):
    url = feed_url(rotate_calendar_feed(user=rep_a))
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=rep_a)
    assert len(token) == 64
    assert token not in (feed.nonce, feed.token_hash)
    assert feed.token_hash == CalendarFeed.hash_token(token)


def test_the_api_rotates_my_feed_and_returns_its_new_address(rep_a, rep_b):
    first = ApiClient(rep_a).post("/activities/calendar/feed/rotate")
    assert first.status_code == 200, first.content
    second = ApiClient(rep_a).post("/activities/calendar/feed/rotate").json()["url"]
    ApiClient(rep_b).post("/activities/calendar/feed/rotate")  # someone else's rotation touches only theirs

    assert _read(first.json()["url"]).status_code == 404
    assert _read(second).status_code == 200
    assert CalendarFeed.objects.count() == 2


def test_the_calendar_page_shows_my_feed_address_and_rotates_it(rep_a):
    client = Client()
    client.force_login(rep_a)
    client.cookies["django_language"] = "en"
    page = client.get("/calendar/").content.decode()
    assert "Get my calendar address" in page

    assert client.post("/calendar/feed/rotate/").status_code == 302
    url = feed_url(CalendarFeed.objects.get(user=rep_a))
    page = client.get("/calendar/").content.decode()
    assert url in page and url.replace("http://", "webcal://") in page
    assert Client().head(_path(url)).status_code == 200  # some calendar apps look before they read
    client.post("/calendar/feed/rotate/")
    assert _read(url).status_code == 404
