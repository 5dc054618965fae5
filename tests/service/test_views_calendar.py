"""The service calendar's pages: jobs on the activities calendar (a registered calendar source) per technician
and per resource, scheduling a visit from a ticket with a conflict named on the form, the resources settings,
and the iCal feeds of a technician (their personal feed) and of a resource (its secret address)."""

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from peyvand.activities.services import rotate_calendar_feed
from peyvand.core import registry
from peyvand.service import selectors_calendar, services_calendar
from peyvand.service.models_calendar import FieldJob, ServiceResource
from tests.service.calendar_helpers import DAY, at, instrument, job, plain, technician

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """English pages (dates typed as Gregorian); the Persian ones are walked in the browser tests."""
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    return english


@pytest.fixture
def ali(team_a):
    return technician("ali", "Ali", "Rezaei", team_a)


@pytest.fixture
def analyser(db):
    return instrument()


def _calendar(client, **params):
    return client.get(reverse("calendar"), {"view": "week", "date": DAY.isoformat(), **params})


def test_service_registers_its_jobs_as_a_calendar_source():
    assert selectors_calendar.SOURCE in registry.calendar_sources()


def test_the_calendar_shows_a_technicians_jobs_and_a_resources_bookings(client, agent_a, ali, analyser):
    made = job(
        agent_a, title="Install router", start=at(10), end=at(12), technicians=[ali], resources=[analyser]
    )
    client.force_login(ali)
    page = _calendar(client)
    body = page.content.decode()
    assert (
        page.status_code == 200 and f'data-entry="field-job-{made.pk}"' in body and "Install router" in body
    )
    assert 'name="resource"' in body  # the resource filter
    client.force_login(agent_a)
    assert f"field-job-{made.pk}" not in _calendar(client).content.decode()  # not on the agent's own calendar
    by_resource = _calendar(client, resource=analyser.pk).content.decode()
    assert f"field-job-{made.pk}" in by_resource and "Spectrum analyser" in by_resource
    other = instrument("Ladder", "L-1", "tool")
    assert f"field-job-{made.pk}" not in _calendar(client, resource=other.pk).content.decode()
    assert _calendar(client, resource="nonsense").status_code == 200


def test_a_rep_sees_only_the_jobs_they_are_on(client, agent_a, rep_a, ali, analyser):
    job(agent_a, title="Install router", start=at(10), end=at(12), technicians=[ali], resources=[analyser])
    client.force_login(rep_a)
    assert "Install router" not in _calendar(client, resource=analyser.pk).content.decode()
    assert client.get(reverse("service:job", args=[FieldJob.objects.get().pk])).status_code == 404


def test_a_ticket_page_shows_its_visits_and_schedules_one_with_the_conflict_named(
    client, agent_a, ali, ticket
):
    first = job(agent_a, title="Install router", start=at(10), end=at(12), technicians=[ali])
    client.force_login(agent_a)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'id="schedule-visit"' in page and f"?ticket={ticket.pk}" in page
    form = client.get(reverse("service:job-new"), {"ticket": ticket.pk})
    assert form.status_code == 200 and ticket.subject in form.content.decode()
    refused = client.post(
        reverse("service:job-new") + f"?ticket={ticket.pk}",
        {
            "title": "Visit",
            "ticket": ticket.pk,
            "starts_at": "2026-12-12 11:00",
            "ends_at": "2026-12-12 13:00",
            "technicians": [ali.pk],
        },
    )
    assert refused.status_code == 400
    assert f"Ali Rezaei is already on job #{first.pk} «Install router»" in plain(refused.content.decode())
    done = client.post(
        reverse("service:job-new"),
        {
            "title": "Visit",
            "ticket": ticket.pk,
            "starts_at": "2026-12-12 12:00",
            "ends_at": "2026-12-12 13:00",
            "technicians": [ali.pk],
        },
    )
    visit = FieldJob.objects.get(title="Visit")
    assert done.status_code == 302 and done["Location"] == reverse("service:job", args=[visit.pk])
    assert visit.ticket == ticket and visit.contact == ticket.contact
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert f'data-job="{visit.pk}"' in page


def test_a_job_page_changes_the_job_for_those_who_schedule(client, agent_a, ali):
    made = job(agent_a, title="Install router", start=at(10), end=at(12), technicians=[ali])
    client.force_login(ali)  # a support agent: works the queue
    values = {
        "title": "Install router",
        "starts_at": "2026-12-12 10:00",
        "ends_at": "2026-12-12 12:00",
        "technicians": [ali.pk],
        "status": "done",
        "version": made.version,
    }
    assert client.post(reverse("service:job-edit", args=[made.pk]), values).status_code == 302
    made.refresh_from_db()
    assert made.status == "done" and made.version == 2
    stale = client.post(reverse("service:job-edit", args=[made.pk]), {**values, "version": 1})
    assert stale.status_code == 400


def test_the_personal_feed_holds_the_technicians_jobs(agent_a, ali):
    made = job(agent_a, title="Install router", start=at(10), end=at(12), technicians=[ali])
    feed = rotate_calendar_feed(user=ali)
    response = Client().get(reverse("calendar-feed", kwargs={"token": feed.token}))
    events = [c for c in Calendar.from_ical(response.content).walk("VEVENT")]
    mine = [e for e in events if str(e["uid"]).startswith(f"field-job-{made.pk}@")]
    assert len(mine) == 1 and "Install router" in str(mine[0]["summary"])
    assert mine[0].decoded("dtstart") == at(10) and mine[0].decoded("dtend") == at(12)


def test_a_resource_feed_is_read_by_its_secret_address_until_rotated(client, admin, agent_a, ali, analyser):
    made = job(agent_a, title="Measure", start=at(10), end=at(12), technicians=[ali], resources=[analyser])
    assert selectors_calendar.resource_feed_url(analyser) is None
    client.force_login(admin)
    client.post(reverse("service-resource-feed-rotate", args=[analyser.pk]))
    analyser.refresh_from_db()
    token = analyser.feed_token
    assert (
        analyser.feed_token_hash == ServiceResource.hash_token(token)
        and token not in analyser.feed_token_hash
    )
    url = reverse("service:resource-feed", kwargs={"token": token})
    response = Client().get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    uids = [str(e["uid"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert uids == [f"field-job-{made.pk}@" + uids[0].split("@")[1]]
    services_calendar.rotate_resource_feed(actor=admin, resource=analyser)
    assert Client().get(url).status_code == 404
    assert Client().get(reverse("service:resource-feed", kwargs={"token": "x" * 64})).status_code == 404


def test_administrators_keep_resources_and_the_working_day_in_the_settings(client, admin, agent_a):
    from peyvand.core.settings_sections import sections_for

    assert "service-resources" in [s.key for s in sections_for(admin)]
    assert "service-resources" not in [s.key for s in sections_for(agent_a)]
    client.force_login(admin)
    made = client.post(
        reverse("service-resource-add"), {"kind": "vehicle", "name": "Van", "code": "12ب345", "active": "on"}
    )
    assert made.status_code == 302
    van = ServiceResource.objects.get(name="Van")
    assert client.get(reverse("service-resources")).status_code == 200
    bad = client.post(reverse("service-resource", args=[van.pk]), {"kind": "boat", "name": ""})
    assert bad.status_code == 400
    hours = client.post(reverse("service-resources"), {"day_start": "09:00", "day_end": "08:00"})
    assert hours.status_code == 400 and "id_hours_day_end_error" in hours.content.decode()
    client.force_login(agent_a)
    assert client.get(reverse("service-resources")).status_code == 403
