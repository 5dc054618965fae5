"""The service calendar in Chromium: a support manager schedules a visit from a ticket, is refused with the
technician and the instrument in the way named, picks a free time, then sees the jobs on the calendar page for
the instrument and for the technician. In Persian and English, at 1440 px and 390 px."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.accounts.models import Role
from peyvand.contacts.services import create_contact
from peyvand.core.jalali import persian_digits
from peyvand.service import services_calendar
from peyvand.service.models_calendar import FieldJob, ServiceResource
from peyvand.service.services_tickets import create_ticket
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

DAY = dt.date(2026, 12, 12)  # Saturday, 21 Azar 1405
TYPED = {"en": "2026-12-12", "fa": "1405/09/21"}
CONFLICT = {"en": "is already on job", "fa": "در همین زمان در کار"}
BOOKED = {"en": "is already booked for job", "fa": "در همین زمان برای کار"}


def _at(hour):
    return timezone.make_aware(dt.datetime.combine(DAY, dt.time(hour)))


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_visit_is_scheduled_past_a_conflict_and_shown_on_the_calendar_with_resources(
    browser, live_server, team_a, admin, language
):
    dispatcher = UserFactory(username="dispatcher", role=Role.SUPPORT_MANAGER, team=team_a)
    ali = UserFactory(
        username="ali", role=Role.SUPPORT_AGENT, team=team_a, first_name="علی", last_name="رضایی"
    )
    analyser = ServiceResource.objects.create(kind="instrument", name="Spectrum analyser", code="SA-1")
    ServiceResource.objects.create(kind="vehicle", name="وانت", code="12ب345")
    first = services_calendar.schedule_job(
        actor=dispatcher,
        values={
            "title": "نصب روتر",
            "starts_at": _at(10),
            "ends_at": _at(12),
            "technicians": [ali.pk],
            "resources": [analyser.pk],
        },
    )
    customer = create_contact(actor=admin, values={"first_name": "سارا", "last_name": "کریمی"})
    ticket = create_ticket(actor=dispatcher, values={"subject": "اینترنت قطع است", "contact": customer.pk})

    page = signed_in(browser, live_server, dispatcher, language)
    page.goto(f"/tickets/{ticket.pk}/")
    page.click("#schedule-visit")
    page.wait_for_url(f"**/service/jobs/new/?ticket={ticket.pk}")
    expect(page.locator("#id_title")).to_have_value("اینترنت قطع است")
    page.fill("#id_starts_at", f"{TYPED[language]} 11:00")
    page.fill("#id_ends_at", f"{TYPED[language]} 13:00")
    page.check(f"input[name=technicians][value='{ali.pk}']")
    page.check(f"input[name=resources][value='{analyser.pk}']")
    page.click(".job-form button[type=submit]")
    errors = page.locator(".field-error")
    expect(errors.first).to_contain_text(CONFLICT[language])
    number = persian_digits(str(first.pk)) if language == "fa" else str(first.pk)
    expect(page.locator(".job-form")).to_contain_text(f"#{number}")
    expect(page.locator(".job-form")).to_contain_text("نصب روتر")
    expect(page.locator(".job-form")).to_contain_text(BOOKED[language])
    fits(page, f"service-job-conflict-{language}")
    assert FieldJob.objects.count() == 1

    page.fill("#id_starts_at", f"{TYPED[language]} 12:00")  # back to back with the first job: free
    page.click(".job-form button[type=submit]")
    page.wait_for_url("**/service/jobs/*/")
    visit = FieldJob.objects.exclude(pk=first.pk).get()
    assert visit.ticket == ticket and visit.starts_at == _at(12) and list(visit.resources.all()) == [analyser]
    fits(page, f"service-job-{language}")

    page.goto(f"/calendar/?view=week&date={DAY.isoformat()}&resource={analyser.pk}")
    entries = page.locator(".cal-entry")
    expect(entries).to_have_count(2)
    expect(page.locator("h1")).to_contain_text("Spectrum analyser")
    expect(page.locator(f'td[data-date="{DAY.isoformat()}"][data-hour="12"] .cal-entry')).to_contain_text(
        "اینترنت قطع است"
    )
    fits(page, f"service-calendar-resource-{language}")

    page.goto(f"/calendar/?view=day&date={DAY.isoformat()}&user={ali.pk}")
    expect(page.locator(".cal-entry")).to_have_count(2)
    fits(page, f"service-calendar-technician-{language}")

    page.goto(f"/tickets/{ticket.pk}/")
    expect(page.locator(f"#ticket-jobs [data-job='{visit.pk}']")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_administrator_adds_a_resource_and_gets_its_calendar_address(
    browser, live_server, admin, language
):
    page = signed_in(browser, live_server, admin, language)
    page.goto("/settings/service/resources/")
    page.click("a.button.primary")
    page.wait_for_url("**/settings/service/resources/new/")
    page.select_option("#id_kind", "vehicle")
    page.fill("#id_name", "وانت سفید")
    page.fill("#id_code", "۱۲ب۳۴۵")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/settings/service/resources/")
    expect(page.locator(".resource-list")).to_contain_text("وانت سفید")
    fits(page, f"service-resources-{language}")
    van = ServiceResource.objects.get(name="وانت سفید")
    assert van.code == "12ب345"
    page.goto(f"/settings/service/resources/{van.pk}/")
    page.click("#feed button[type=submit]")
    expect(page.locator("#feed .feed-url")).to_have_value(
        re.compile(r"/service/resources/feed/[0-9a-f]{64}\.ics$")
    )
    fits(page, f"service-resource-{language}")
