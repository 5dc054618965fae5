"""The survey and the service dashboard in Chromium, in Persian and English, at 1440 px and 390 px: the customer
opens the link from the survey e-mail (not signed in), answers, sees the thanks and, coming back, that the survey
took its answer; a support manager opens the service dashboard from the service hub."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from e2e.conftest import fits, new_page, signed_in
from peyvand.accounts.models import Role
from peyvand.analytics.models import SurveyResponse
from peyvand.contacts.services import create_contact
from peyvand.service.models import TicketSurvey
from peyvand.service.services_tickets import change_status, create_ticket, reply
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
THANKS = {"en": "Thank you!", "fa": "سپاسگزاریم!"}
ANSWERED = {"en": "You have already answered this survey", "fa": "شما پیش‌تر به این نظرسنجی پاسخ داده‌اید"}


def resolved_ticket(team, admin, language):
    agent = UserFactory(username=f"agent_{language}", role=Role.SUPPORT_AGENT, team=team)
    customer = create_contact(
        actor=admin, values={"first_name": "سارا", "last_name": "کریمی", "emails": ["sara@example.com"]}
    )
    ticket = create_ticket(
        actor=agent, values={"subject": "چاپگر چاپ نمی‌کند", "contact": customer.pk, "language": language}
    )
    reply(actor=agent, ticket=ticket, body="لطفاً کارتریج را دوباره بگذارید.")
    ticket.refresh_from_db()
    change_status(actor=agent, ticket=ticket, status="resolved", version=ticket.version)
    return agent, ticket


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_customer_answers_the_survey_from_the_email(browser, live_server, team_a, admin, language):
    _agent, ticket = resolved_ticket(team_a, admin, language)
    (survey_mail,) = [m for m in mail.outbox if "/survey/" in m.body]
    path = re.search(r"(/survey/[^\s]+)", survey_mail.body).group(1)

    page = new_page(browser, live_server)
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")
    expect(page.locator("#survey")).to_contain_text("چاپگر چاپ نمی‌کند")
    fits(page, f"survey-{language}")
    page.check("input[name=csat][value='4']")
    page.check("input[name=nps][value='9']")
    page.fill("#survey-comment", "سریع و مؤدب")
    page.click("#survey-send")
    expect(page.locator("#survey-thanks")).to_have_text(THANKS[language])
    fits(page, f"survey-thanks-{language}")
    page.goto(path)
    expect(page.locator("#survey-answered")).to_have_text(ANSWERED[language])

    survey = TicketSurvey.objects.get(ticket=ticket)
    assert (survey.csat, survey.nps, survey.comment) == (4, 9, "سریع و مؤدب")
    assert SurveyResponse.objects.get().score == 9


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_support_manager_opens_the_service_dashboard(browser, live_server, team_a, admin, language):
    agent, ticket = resolved_ticket(team_a, admin, language)
    manager = UserFactory(username="support_manager", role=Role.SUPPORT_MANAGER, team=team_a)
    create_ticket(actor=agent, values={"subject": "اسکنر روشن نمی‌شود"})

    page = signed_in(browser, live_server, manager, language)
    page.goto("/service/")
    page.click("[data-card=dashboard] a")
    page.wait_for_url("**/dashboard/service/")
    expect(page.locator("[data-figure=open]")).to_have_text("۱" if language == "fa" else "1")
    expect(page.locator("[data-figure=fcr]")).to_have_text("۱۰۰٫۰٪" if language == "fa" else "100.0%")
    expect(page.locator("#service-by-agent")).to_contain_text(agent.username)
    fits(page, f"service-dashboard-{language}")
