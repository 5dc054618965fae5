"""Dates at the ends of what a database can hold (year 1, year 9999), stored before the API bounded dates,
never break a page: every list, detail page, edit form, the home page, the calendar and the exports answer and
show the value."""

import datetime as dt

import pytest
from django.test import Client

from peyvand.activities.models import Activity
from peyvand.activities.selectors import feed_url
from peyvand.activities.services import create_activity, rotate_calendar_feed
from peyvand.contacts.models import Company, Contact
from peyvand.contacts.services import create_company, create_contact
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal
from tests.fixtures import ApiClient

pytestmark = pytest.mark.django_db

EARLIEST_DAY = dt.date(1, 1, 1)
LATEST_DAY = dt.date(9999, 12, 31)
EARLIEST_MOMENT = dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC)
LATEST_MOMENT = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


def browser_for(user, language):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def extreme_records(rep_a, pipeline):
    """Records of the rep with dates written straight to the database, as if stored before the bounds."""
    records = {}
    for label, day, moment in (("early", EARLIEST_DAY, EARLIEST_MOMENT), ("late", LATEST_DAY, LATEST_MOMENT)):
        company = create_company(actor=rep_a, values={"name": f"Edge {label} company"})
        contact = create_contact(
            actor=rep_a, values={"last_name": f"Edge {label} contact", "company": company.pk}
        )
        deal = create_deal(actor=rep_a, values={"title": f"Edge {label} deal", "contact": contact.pk})
        activity = create_activity(actor=rep_a, values={"subject": f"Edge {label} call", "record": deal})
        Company.objects.filter(pk=company.pk).update(lost_on=day)
        Contact.objects.filter(pk=contact.pk).update(birthday=day, lost_on=day)
        Deal.objects.filter(pk=deal.pk).update(expected_close_date=day, closed_at=moment)
        Activity.objects.filter(pk=activity.pk).update(due_at=moment)
        records[label] = {"companies": company, "contacts": contact, "deals": deal, "activities": activity}
    return records


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("who", ["admin", "rep_a"])
def test_pages_answer_with_dates_at_the_ends_of_the_database(who, language, extreme_records, request):
    client = browser_for(request.getfixturevalue(who), language)
    for name in ("companies", "contacts", "deals", "activities"):
        listing = client.get(f"/{name}/")
        assert listing.status_code == 200, name
        for label in ("early", "late"):
            record = extreme_records[label][name]
            assert str(record).encode() in listing.content
            for url in (f"/{name}/{record.pk}/", f"/{name}/{record.pk}/edit/"):
                page = client.get(url)
                assert page.status_code == 200, url
    home = client.get("/")
    assert home.status_code == 200
    if who == "rep_a":  # the home page lists the user's own open deals and overdue tasks
        assert b"Edge early deal" in home.content and b"Edge early call" in home.content
    for view in ("day", "week", "month"):
        assert client.get("/calendar/", {"view": view}).status_code == 200
    for name in ("companies", "contacts", "deals"):
        for fmt in ("csv", "xlsx"):
            export = client.get(f"/exports/{name}/", {"format": fmt})
            assert export.status_code == 200, (name, fmt)
            content = b"".join(export.streaming_content) if export.streaming else export.content
            if fmt == "csv":
                assert b"9999-12-31" in content and b"0001-01-01" in content, name


def test_the_value_is_shown_in_iso_when_a_calendar_cannot_hold_it(extreme_records, rep_a):
    client = browser_for(rep_a, "en")
    deal = extreme_records["late"]["deals"]
    page = client.get(f"/deals/{deal.pk}/")
    assert "9999-12-31" in page.content.decode()
    edit = client.get(f"/deals/{deal.pk}/edit/")
    assert 'value="9999-12-31"' in edit.content.decode()
    early = client.get(f"/deals/{extreme_records['early']['deals'].pk}/", headers={})
    assert "0001-01-01" in early.content.decode()
    persian = browser_for(rep_a, "fa").get(f"/activities/{extreme_records['late']['activities'].pk}/")
    assert "9999-12-31" in persian.content.decode()


def test_the_calendar_feed_and_the_apis_calendar_hold_a_task_due_at_the_end_of_time(extreme_records, rep_a):
    url = feed_url(rotate_calendar_feed(user=rep_a))
    feed = Client().get(url.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert feed.status_code == 200
    assert b"Edge late call" in feed.content and b"99991231T235959Z" in feed.content
    api = ApiClient(rep_a)
    answer = api.get("/activities/calendar", start="2100-12-01T00:00:00Z", end="2100-12-31T00:00:00Z")
    assert answer.status_code == 200, answer.content
    record = api.get(f"/activities/{extreme_records['late']['activities'].pk}")
    assert record.status_code == 200 and record.json()["due_at"].startswith("9999-12-31T23:59:59")


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("en", "0001-01-01"),
        ("en", "9999-12-31"),
        ("fa", "0001/01/01"),
        ("fa", "1479/10/11"),
        ("fa", "9999-12-31"),
    ],
)
def test_a_form_refuses_a_day_out_of_range_beside_the_field_and_stores_nothing(
    language, typed, rep_a, pipeline
):
    client = browser_for(rep_a, language)
    deal = create_deal(actor=rep_a, values={"title": "Fleet"})
    answer = client.post(
        f"/deals/{deal.pk}/edit/",
        {
            "version": deal.version,
            "title": "Fleet",
            "amount": "0",
            "currency": "IRR",
            "pipeline": deal.pipeline_id,
            "stage": deal.stage_id,
            "expected_close_date": typed,
        },
    )
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert list(errors) == ["expected_close_date"]
    assert errors["expected_close_date"][0] in (
        "Enter a date between 1900-01-01 and 2100-12-31.",
        "تاریخی بین ۱۲۷۸/۱۰/۱۱ و ۱۴۷۹/۱۰/۱۰ وارد کنید.",
    )
    deal.refresh_from_db()
    assert deal.expected_close_date is None and deal.version == 1
    created = client.post("/activities/new/", {"subject": "Call", "kind": "task", "due_at": typed + " 10:00"})
    assert created.status_code == 200 and "due_at" in created.context["form"].errors
    assert not Activity.objects.filter(subject="Call").exists()


def test_a_task_due_at_the_end_of_time_is_dropped_back_into_the_range_and_never_out_of_it(
    extreme_records, rep_a
):
    client = browser_for(rep_a, "en")
    task = extreme_records["late"]["activities"]
    headers = {"X-Requested-With": "fetch"}

    refused = client.post(f"/calendar/move/{task.pk}/", {"version": 1, "date": "9999-12-30"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "date", "message": "Enter a date between 1900-01-01 and 2100-12-31."}
    ]

    moved = client.post(f"/calendar/move/{task.pk}/", {"version": 1, "date": "2026-11-27"}, headers=headers)
    assert moved.status_code == 200, moved.content
    task.refresh_from_db()
    assert task.due_at.date() == dt.date(2026, 11, 27) and task.version == 2
