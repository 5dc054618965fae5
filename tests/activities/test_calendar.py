"""The calendar (peyvand/activities/views.py, calendar_grid.py, selectors.py, api.py): Jalali month in Persian and
Gregorian in English, who may open whose calendar, drag to reschedule with the version, and the calendar API."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from peyvand.activities import calendar_grid
from peyvand.activities.services import complete_activity, create_activity, update_activity
from peyvand.core.models import AuditEntry
from tests.fixtures import ApiClient

pytestmark = pytest.mark.django_db

TEHRAN = ZoneInfo("Asia/Tehran")
# Wednesday 1405/09/05 (25 November 2026), 11:00 in Tehran.
NOW = dt.datetime(2026, 11, 25, 11, 0, tzinfo=TEHRAN)


def browser_for(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _activity(owner, subject, due_at, kind="task", **values):
    return create_activity(actor=owner, values={"kind": kind, "subject": subject, "due_at": due_at, **values})


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


# --- the grid ---------------------------------------------------------------------------------------------------


def test_a_persian_month_is_a_jalali_month_in_weeks_from_saturday():
    span = calendar_grid.span("month", dt.date(2026, 11, 25), jalali=True)
    # Azar 1405 runs from 22 November to 21 December 2026.
    assert calendar_grid.month_bounds(dt.date(2026, 11, 25), jalali=True) == (
        dt.date(2026, 11, 22),
        dt.date(2026, 12, 21),
    )
    assert span.first == dt.date(2026, 11, 21) and span.first.weekday() == calendar_grid.SATURDAY
    assert span.last == dt.date(2026, 12, 25) and span.last.weekday() == 4  # a Friday
    assert (span.previous, span.next) == (dt.date(2026, 10, 23), dt.date(2026, 12, 22))
    assert calendar_grid.month_title(dt.date(2026, 11, 25), jalali=True) == "آذر ۱۴۰۵"


def test_an_english_month_is_a_gregorian_month_in_weeks_from_monday():
    span = calendar_grid.span("month", dt.date(2026, 11, 25), jalali=False)
    assert span.first == dt.date(2026, 10, 26) and span.first.weekday() == 0
    assert span.last == dt.date(2026, 12, 6)
    assert calendar_grid.month_title(dt.date(2026, 11, 25), jalali=False) == "November 2026"


def test_the_last_jalali_month_of_a_year_ends_where_the_next_year_begins():
    # Esfand 1405 ends on 20 March 2027; Farvardin 1406 starts on the 21st.
    assert calendar_grid.month_bounds(dt.date(2027, 3, 1), jalali=True) == (
        dt.date(2027, 2, 20),
        dt.date(2027, 3, 20),
    )


# --- the page ---------------------------------------------------------------------------------------------------


def test_the_month_page_in_persian_is_the_jalali_month_with_persian_digits_and_saturday_first(rep_a):
    _activity(rep_a, "Call Pars", NOW + dt.timedelta(hours=2), kind="call")
    page = browser_for(rep_a, "fa").get("/calendar/", {"view": "month", "date": "2026-11-25"})
    html = page.content.decode()

    assert page.status_code == 200
    assert "آذر ۱۴۰۵" in html
    headings = re.findall(r'<th scope="col">([^<]+)</th>', html)
    assert headings[0] == "شنبه" and len(headings) == 7
    assert re.search(r'data-date="2026-11-22" data-drop>\s*<a class="day-number"[^>]*>۱</a>', html)
    assert "Call Pars" in html and "۱۳:۰۰" in html


def test_the_month_page_in_english_is_the_gregorian_month_from_monday(rep_a):
    _activity(rep_a, "Call Pars", NOW + dt.timedelta(hours=2), kind="call")
    html = browser_for(rep_a).get("/calendar/", {"view": "month", "date": "2026-11-25"}).content.decode()

    assert "November 2026" in html and "آذر" not in html
    assert re.findall(r'<th scope="col">([^<]+)</th>', html)[0] == "Monday"
    assert re.search(r'data-date="2026-11-01" data-drop>\s*<a class="day-number"[^>]*>1</a>', html)
    assert "13:00" in html


def test_the_week_page_puts_each_activity_in_its_day_and_hour_and_marks_overdue_ones(rep_a):
    late = _activity(rep_a, "Send the quote", NOW - dt.timedelta(hours=2))
    soon = _activity(rep_a, "Meet Sara", NOW + dt.timedelta(days=1), kind="meeting")
    done = _activity(rep_a, "Done call", NOW - dt.timedelta(hours=1), kind="call", done=True)
    _activity(rep_a, "A note", NOW, kind="note")
    html = browser_for(rep_a).get("/calendar/", {"view": "week", "date": "2026-11-25"}).content.decode()

    def cell_of(activity):
        match = re.search(
            rf'data-date="([\d-]+)" data-hour="(\d+)" data-drop>\s*<article class="([^"]+)"[^>]*'
            rf'data-activity="{activity.pk}"',
            html,
        )
        return match.groups() if match else None

    assert cell_of(late) == ("2026-11-25", "9", "cal-event kind-task overdue")
    assert cell_of(soon) == ("2026-11-26", "11", "cal-event kind-meeting")
    assert cell_of(done) == ("2026-11-25", "10", "cal-event kind-call done")
    assert "A note" not in html
    assert "1 overdue activity on this page." in html


def test_a_rep_sees_only_their_own_calendar_and_a_manager_may_open_a_teammates(
    rep_a, rep_a2, manager_a, rep_b
):
    _activity(rep_a2, "Teammate meeting", NOW + dt.timedelta(hours=1), kind="meeting")
    _activity(rep_b, "Other team call", NOW + dt.timedelta(hours=1), kind="call")

    mine = browser_for(rep_a).get("/calendar/").content.decode()
    assert "Teammate meeting" not in mine
    assert browser_for(rep_a).get("/calendar/", {"user": rep_a2.pk}).status_code == 404

    manager = browser_for(manager_a)
    teammate = manager.get("/calendar/", {"user": rep_a2.pk}).content.decode()
    assert "Teammate meeting" in teammate and 'id="feed"' not in teammate
    assert manager.get("/calendar/", {"user": rep_b.pk}).status_code == 404


def test_the_activities_list_marks_overdue_rows(rep_a):
    late = _activity(rep_a, "Late task", NOW - dt.timedelta(days=1))
    _activity(rep_a, "Later task", NOW + dt.timedelta(days=1))
    _activity(rep_a, "Finished task", NOW - dt.timedelta(days=2), done=True)
    html = browser_for(rep_a).get("/activities/").content.decode()

    overdue_rows = re.findall(
        r'<tr class="overdue">\s*<td class="pick">.*?</td>\s*<td[^>]*><a href="/activities/(\d+)/"',
        html,
        re.S,
    )
    assert overdue_rows == [str(late.pk)]


# --- drag to reschedule --------------------------------------------------------------------------------------------


def _move(client, activity, version, **fields):
    return client.post(
        f"/calendar/move/{activity.pk}/",
        {"version": version, **fields},
        headers={"X-Requested-With": "fetch"},
    )


def test_dropping_on_another_day_and_hour_reschedules_keeping_the_minutes(rep_a):
    task = _activity(rep_a, "Call back", dt.datetime(2026, 11, 25, 9, 45, tzinfo=TEHRAN))
    client = browser_for(rep_a)

    moved = _move(client, task, task.version, date="2026-11-27", hour="14")
    assert moved.status_code == 200, moved.content
    assert moved.json()["version"] == task.version + 1 and moved.json()["time"] == "14:45"
    task.refresh_from_db()
    assert task.due_at == dt.datetime(2026, 11, 27, 14, 45, tzinfo=TEHRAN)

    month_drop = _move(client, task, task.version, date="2026-11-30")  # the month view gives no hour
    assert month_drop.status_code == 200
    task.refresh_from_db()
    assert task.due_at == dt.datetime(2026, 11, 30, 14, 45, tzinfo=TEHRAN)


def test_a_drop_with_a_stale_version_is_refused_and_changes_nothing(rep_a):
    task = _activity(rep_a, "Call back", NOW + dt.timedelta(hours=3))
    seen = task.version
    update_activity(actor=rep_a, activity=task, version=seen, values={"subject": "Call back Sara"})
    audit_rows = AuditEntry.objects.count()

    refused = _move(browser_for(rep_a), task, seen, date="2026-11-28", hour="9")

    assert refused.status_code == 409
    assert refused.json()["current_version"] == seen + 1
    assert "subject" in refused.json()["changed_since"]
    task.refresh_from_db()
    assert task.due_at == NOW + dt.timedelta(hours=3) and AuditEntry.objects.count() == audit_rows


def test_a_drop_with_a_bad_day_or_hour_is_refused_with_the_field(rep_a):
    task = _activity(rep_a, "Call back", NOW + dt.timedelta(hours=3))
    client = browser_for(rep_a)
    assert _move(client, task, task.version, date="1405/09/07").json()["errors"][0]["field"] == "date"
    assert (
        _move(client, task, task.version, date="2026-11-28", hour="24").json()["errors"][0]["field"] == "hour"
    )


def test_another_teams_activity_cannot_be_dragged(rep_a, rep_b):
    theirs = _activity(rep_b, "Their call", NOW + dt.timedelta(hours=3), kind="call")
    assert _move(browser_for(rep_a), theirs, theirs.version, date="2026-11-28").status_code == 404
    theirs.refresh_from_db()
    assert theirs.version == 1


# --- the API ----------------------------------------------------------------------------------------------------


def test_the_calendar_api_gives_my_tasks_meetings_and_calls_in_the_range(rep_a, rep_a2):
    meeting = _activity(rep_a, "Meet Sara", NOW + dt.timedelta(hours=1), kind="meeting", duration_minutes=90)
    late = _activity(rep_a, "Send the quote", NOW - dt.timedelta(hours=1), reminders=[10])
    _activity(rep_a, "Next month", NOW + dt.timedelta(days=40))
    _activity(rep_a, "A note", NOW, kind="note")
    _activity(rep_a2, "Teammate's call", NOW, kind="call")

    response = ApiClient(rep_a).get(
        "/activities/calendar", start="2026-11-25T00:00:00+03:30", end="2026-11-26T00:00:00+03:30"
    )

    assert response.status_code == 200, response.content
    events = response.json()
    assert [e["subject"] for e in events] == ["Send the quote", "Meet Sara"]
    assert events[0]["overdue"] is True and events[0]["reminders"] == [10]
    assert events[1]["id"] == meeting.pk and events[1]["overdue"] is False
    assert dt.datetime.fromisoformat(events[1]["end"]) - dt.datetime.fromisoformat(events[1]["start"]) == (
        dt.timedelta(minutes=90)
    )
    assert events[0]["url"] == f"/activities/{late.pk}/"


def test_the_calendar_api_lets_a_manager_ask_for_a_teammate_but_not_a_rep_or_another_team(
    rep_a, rep_a2, manager_a, rep_b
):
    _activity(rep_a2, "Teammate's call", NOW, kind="call")
    params = {"start": "2026-11-25T00:00:00", "end": "2026-11-26T00:00:00", "owner": rep_a2.pk}

    assert [e["subject"] for e in ApiClient(manager_a).get("/activities/calendar", **params).json()] == [
        "Teammate's call"
    ]
    assert ApiClient(rep_a).get("/activities/calendar", **params).status_code == 404
    assert (
        ApiClient(manager_a).get("/activities/calendar", **{**params, "owner": rep_b.pk}).status_code == 404
    )


@pytest.mark.parametrize(
    "start,end,field",
    [
        ("2026-11-26T00:00:00", "2026-11-25T00:00:00", "end"),
        ("2026-01-01T00:00:00", "2027-03-01T00:00:00", "end"),
        ("0001-01-01T00:00:00", "2026-01-01T00:00:00", "start"),
    ],
    ids=["backwards", "too-long", "year-one"],
)
def test_the_calendar_api_refuses_a_range_that_is_backwards_too_long_or_out_of_this_world(
    rep_a, start, end, field
):
    response = ApiClient(rep_a).get("/activities/calendar", start=start, end=end)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_completing_an_activity_keeps_it_on_the_calendar_as_done(rep_a):
    task = _activity(rep_a, "Send the quote", NOW - dt.timedelta(hours=1))
    complete_activity(actor=rep_a, activity=task, version=task.version)
    events = ApiClient(rep_a).get(
        "/activities/calendar", start="2026-11-25T00:00:00", end="2026-11-26T00:00:00"
    )
    assert [(e["done"], e["overdue"]) for e in events.json()] == [(True, False)]


def test_the_activity_page_tells_its_reminders_in_words_marks_it_overdue_and_links_to_its_day(rep_a):
    late = _activity(rep_a, "Send the quote", NOW - dt.timedelta(hours=2), reminders=[10, 1440])
    html = browser_for(rep_a).get(f"/activities/{late.pk}/").content.decode()

    assert "10 minutes before" in html and "1 day before" in html
    assert "Overdue" in html
    assert "/calendar/?view=day&amp;date=2026-11-25" in html


def test_the_day_page_shows_the_days_hours_and_links_to_the_days_before_and_after(rep_a):
    _activity(rep_a, "Meet Sara", NOW + dt.timedelta(hours=3), kind="meeting")
    _activity(rep_a, "Tomorrow's call", NOW + dt.timedelta(days=1), kind="call")
    html = browser_for(rep_a).get("/calendar/", {"view": "day", "date": "2026-11-25"}).content.decode()

    assert re.search(r'data-date="2026-11-25" data-hour="14" data-drop>\s*<article', html)
    assert "Tomorrow" not in html
    assert len(re.findall(r'data-date="2026-11-25" data-hour="\d+"', html)) == 24
    assert "date=2026-11-24" in html and "date=2026-11-26" in html
    assert "Wednesday 25 November 2026" in html


def test_a_malformed_date_or_view_falls_back_to_this_week(rep_a):
    page = browser_for(rep_a).get("/calendar/", {"view": "year", "date": "1405-13-40"})
    assert page.status_code == 200
    assert 'data-date="2026-11-25" data-hour="0"' in page.content.decode()


def test_the_week_page_reads_the_same_few_queries_however_many_activities_it_shows(
    rep_a, django_assert_max_num_queries
):
    from peyvand.contacts.services import create_contact

    contact = create_contact(actor=rep_a, values={"last_name": "Karimi"})
    for n in range(30):
        _activity(rep_a, f"Call {n}", NOW + dt.timedelta(hours=n), kind="call", contact=contact.pk)
    client = browser_for(rep_a)
    client.get("/calendar/")  # the session and the like are read once

    with django_assert_max_num_queries(8):
        page = client.get("/calendar/", {"view": "week", "date": "2026-11-25"})
    assert page.content.decode().count('class="cal-event') == 30
