"""When to call a company or contact: working hours in their own time zone, inherited from the company."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import Client

from peyvand.contacts.calltime import call_label, default_call_due, is_good_moment, next_good_moment
from peyvand.contacts.services import create_company, create_contact, update_contact
from peyvand.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def tehran(*args):
    return dt.datetime(*args, tzinfo=TEHRAN)


def berlin(*args):
    return dt.datetime(*args, tzinfo=BERLIN)


def browser_for(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def company(rep_a):
    return create_company(actor=rep_a, values={"name": "Pars Tile"})


@pytest.fixture
def berlin_company(rep_a):
    return create_company(
        actor=rep_a,
        values={
            "name": "Berlin Maschinen",
            "time_zone": "Europe/Berlin",
            "work_start": "09:00",
            "work_end": "17:00",
            "work_days": [0, 1, 2, 3, 4],
        },
    )


# 2026-11-28 is a Saturday, 2026-11-26 a Thursday, 2026-11-27 a Friday.


def test_a_minute_before_the_working_day_starts_is_not_a_good_moment_and_the_start_is_next(company):
    just_before = tehran(2026, 11, 28, 8, 59)

    assert not is_good_moment(company, just_before)
    assert next_good_moment(company, just_before) == tehran(2026, 11, 28, 9, 0)


def test_the_start_of_the_working_day_is_a_good_moment_and_next_is_now(company):
    start = tehran(2026, 11, 28, 9, 0)

    assert is_good_moment(company, start)
    assert next_good_moment(company, start) == start


def test_the_last_minute_before_the_end_is_good_and_the_end_itself_rolls_to_the_next_day(company):
    assert is_good_moment(company, tehran(2026, 11, 28, 16, 59))
    assert not is_good_moment(company, tehran(2026, 11, 28, 17, 0))
    assert next_good_moment(company, tehran(2026, 11, 28, 17, 0)) == tehran(2026, 11, 29, 9, 0)


def test_thursday_is_a_morning_only_and_after_it_the_weekend_rolls_to_saturday(company):
    assert is_good_moment(company, tehran(2026, 11, 26, 12, 59))
    assert not is_good_moment(company, tehran(2026, 11, 26, 13, 0))
    assert next_good_moment(company, tehran(2026, 11, 26, 13, 0)) == tehran(2026, 11, 28, 9, 0)


def test_friday_is_a_day_off_whatever_the_hour(company):
    friday_noon = tehran(2026, 11, 27, 12, 0)

    assert not is_good_moment(company, friday_noon)
    assert next_good_moment(company, friday_noon) == tehran(2026, 11, 28, 9, 0)


def test_the_moment_is_judged_in_the_records_zone_whatever_zone_now_is_given_in(company):
    # 05:30 UTC is 09:00 in Tehran (UTC+3:30 all year since Iran dropped daylight saving).
    assert is_good_moment(company, dt.datetime(2026, 11, 28, 5, 30, tzinfo=UTC))
    assert not is_good_moment(company, dt.datetime(2026, 11, 28, 5, 29, tzinfo=UTC))


def test_berlin_hours_follow_the_spring_clock_change(berlin_company):
    friday_evening = berlin(2026, 3, 27, 17, 30)  # CET, UTC+1; clocks go forward on Sunday 29 March

    moment = next_good_moment(berlin_company, friday_evening)

    assert moment == berlin(2026, 3, 30, 9, 0)
    assert moment.astimezone(UTC) == dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # CEST, UTC+2
    assert not is_good_moment(berlin_company, dt.datetime(2026, 3, 30, 6, 59, tzinfo=UTC))
    assert is_good_moment(berlin_company, dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC))


def test_berlin_hours_follow_the_autumn_clock_change(berlin_company):
    friday_evening = berlin(2026, 10, 23, 17, 30)  # CEST; clocks go back on Sunday 25 October

    moment = next_good_moment(berlin_company, friday_evening)

    assert moment.astimezone(UTC) == dt.datetime(2026, 10, 26, 8, 0, tzinfo=UTC)  # 09:00 CET, UTC+1
    assert moment.astimezone(BERLIN).hour == 9


def test_a_contact_without_hours_of_its_own_uses_its_companys_zone_and_hours(rep_a, berlin_company):
    contact = create_contact(actor=rep_a, values={"last_name": "Weber", "company": berlin_company.pk})
    # 10:00 in Tehran on a Saturday is 07:30 in Berlin, and Saturday is not a Berlin working day.
    saturday = tehran(2026, 11, 28, 10, 0)

    assert not is_good_moment(contact, saturday)
    assert next_good_moment(contact, saturday) == berlin(2026, 11, 30, 9, 0)


def test_a_contacts_own_hours_win_over_its_companys(rep_a, berlin_company):
    contact = create_contact(
        actor=rep_a,
        values={
            "last_name": "Schmidt",
            "company": berlin_company.pk,
            "work_days": [5],
            "work_start": "08:00",
        },
    )
    saturday_morning = berlin(2026, 11, 28, 8, 30)

    assert is_good_moment(contact, saturday_morning)  # its own Saturday, in its company's Berlin
    assert not is_good_moment(contact, berlin(2026, 11, 30, 10, 0))  # Monday is the company's day, not hers


def test_the_services_refuse_an_unknown_zone_hours_that_end_before_they_start_and_bad_weekdays(rep_a):
    with pytest.raises(ValidationFailed) as refused:
        create_contact(
            actor=rep_a,
            values={"last_name": "Bad", "time_zone": "Mars/Olympus", "work_start": "9am", "work_days": [7]},
        )
    assert {e["field"] for e in refused.value.errors} == {"time_zone", "work_start", "work_days"}

    contact = create_contact(actor=rep_a, values={"last_name": "Good", "work_start": "۰۹:۳۰"})
    assert contact.work_start == "09:30"
    with pytest.raises(ValidationFailed) as refused:
        update_contact(actor=rep_a, contact=contact, version=contact.version, values={"work_end": "08:00"})
    assert refused.value.errors[0]["field"] == "work_end"


def test_the_api_takes_and_shows_the_call_hours(rep_a, api_for):
    client = api_for(rep_a)

    created = client.post(
        "/contacts",
        {"last_name": "Ahmadi", "time_zone": "Asia/Dubai", "work_start": "8:00", "work_end": "16:00"},
    )
    refused = client.post("/contacts", {"last_name": "Karimi", "time_zone": "Nowhere/Land"})

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["time_zone"], body["work_start"], body["work_end"], body["work_days"]) == (
        "Asia/Dubai",
        "08:00",
        "16:00",
        [],
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "time_zone"


def test_the_label_names_the_next_moment_and_a_foreign_zone(company, berlin_company):
    assert call_label(company, tehran(2026, 11, 28, 10, 0)) == "Good time to call now"
    assert call_label(company, tehran(2026, 11, 27, 10, 0)) == (
        "Outside working hours — next good moment: Sat 09:00"
    )
    assert call_label(berlin_company, tehran(2026, 11, 28, 10, 0)) == (
        "Outside working hours — next good moment: Mon 09:00, Europe/Berlin time"
    )


def test_the_contact_page_says_it_is_a_good_time_to_call(rep_a, company):
    contact = create_contact(actor=rep_a, values={"last_name": "Rahimi", "company": company.pk})

    with time_machine.travel(tehran(2026, 11, 28, 10, 0), tick=False):
        page = browser_for(rep_a).get(f"/contacts/{contact.pk}/")

    assert page.status_code == 200
    assert "Good time to call now" in page.content.decode()
    assert "from the company" not in page.content.decode()  # the company has no hours: the defaults apply


def test_the_company_page_shows_the_next_good_moment_outside_working_hours(rep_a, company):
    with time_machine.travel(tehran(2026, 11, 27, 10, 0), tick=False):
        page = browser_for(rep_a).get(f"/companies/{company.pk}/").content.decode()

    assert "Outside working hours — next good moment: Sat 09:00" in page
    assert "2026-11-28 09:00" in page


def test_the_persian_page_names_the_moment_in_persian_with_the_jalali_date(rep_a, company):
    with time_machine.travel(tehran(2026, 11, 27, 10, 0), tick=False):
        page = browser_for(rep_a, "fa").get(f"/companies/{company.pk}/").content.decode()

    assert "شنبه ۰۹:۰۰" in page
    assert "۱۴۰۵/۰۹/۰۷ ۰۹:۰۰" in page  # 28 November 2026 is 7 Azar 1405


def test_the_contact_form_saves_a_time_zone_and_working_days(rep_a):
    contact = create_contact(actor=rep_a, values={"last_name": "Nouri"})

    response = browser_for(rep_a).post(
        f"/contacts/{contact.pk}/edit/",
        {
            "last_name": "Nouri",
            "version": contact.version,
            "time_zone": "Europe/Berlin",
            "work_start": "10:00",
            "work_end": "18:00",
            "work_days": ["0", "1", "2"],
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    contact.refresh_from_db()
    assert (contact.time_zone, contact.work_start, contact.work_end, contact.work_days) == (
        "Europe/Berlin",
        "10:00",
        "18:00",
        [0, 1, 2],
    )


def test_a_new_call_without_a_due_time_defaults_to_the_contacts_next_good_moment(rep_a, company):
    contact = create_contact(actor=rep_a, values={"last_name": "Sadeghi", "company": company.pk})
    friday = tehran(2026, 11, 27, 10, 0)

    call = default_call_due({"kind": "call"}, [contact], friday)
    task = default_call_due({"kind": "task"}, [contact], friday)
    planned = default_call_due({"kind": "call", "due_at": friday}, [contact], friday)
    logged = default_call_due({"kind": "call", "done_at": friday}, [contact], friday)

    assert call["due_at"] == tehran(2026, 11, 28, 9, 0)
    assert "due_at" not in task
    assert planned["due_at"] == friday
    assert "due_at" not in logged


def test_creating_a_call_on_a_contact_without_a_due_time_plans_it_at_the_next_good_moment(rep_a, company):
    from peyvand.activities.services import create_activity

    contact = create_contact(actor=rep_a, values={"last_name": "Tavakoli", "company": company.pk})
    with time_machine.travel(tehran(2026, 11, 27, 10, 0), tick=False):
        call = create_activity(
            actor=rep_a, values={"subject": "Follow up", "kind": "call", "record": contact}
        )
        task = create_activity(
            actor=rep_a, values={"subject": "Send offer", "kind": "task", "record": contact}
        )

    assert call.due_at == tehran(2026, 11, 28, 9, 0)
    assert task.due_at is None
