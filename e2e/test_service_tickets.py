"""Tickets in Chromium: a support agent opens the service hub and the queue, opens a ticket from it, replies to
the customer, adds an internal note (set apart from the reply) and resolves it. In Persian and English, at
1440 px and 390 px."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.accounts.models import Role
from peyvand.contacts.services import create_contact
from peyvand.service.models import MessageKind, Ticket, TicketStatus
from peyvand.service.services_tickets import add_customer_message, create_ticket
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
RESOLVED = {"en": "Resolved", "fa": "حل‌شده"}
INTERNAL = {"en": "Internal note", "fa": "یادداشت داخلی"}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_agent_works_a_ticket_from_the_queue_to_resolved(browser, live_server, team_a, admin, language):
    agent = UserFactory(username="agent", role=Role.SUPPORT_AGENT, team=team_a)
    customer = create_contact(
        actor=admin, values={"first_name": "سارا", "last_name": "کریمی", "emails": ["sara@example.com"]}
    )
    ticket = create_ticket(
        actor=agent,
        values={"subject": "چاپگر چاپ نمی‌کند", "contact": customer.pk, "priority": "high"},
    )
    add_customer_message(ticket=ticket, body="صفحه‌ها سفید بیرون می‌آیند", from_address="sara@example.com")

    page = signed_in(browser, live_server, agent, language)
    page.goto("/service/")
    page.click("[data-card=queue] a")
    page.wait_for_url("**/tickets/queue/")
    expect(page.locator(".queue-team")).to_have_count(1)
    fits(page, f"service-queue-{language}")
    page.click(".queue-team a[data-status=new]")
    page.wait_for_url("**/tickets/?status=new*")
    page.get_by_role("link", name="چاپگر چاپ نمی‌کند").first.click()
    page.wait_for_url(f"**/tickets/{ticket.pk}/")

    page.fill("#ticket-reply", "لطفاً کارتریج را دوباره بگذارید.")
    page.click("#send-reply")
    expect(page.locator(".ticket-message.kind-reply")).to_contain_text("کارتریج")
    page.fill("#ticket-note", "Toner batch 7 is faulty")
    page.click("#add-note")
    note = page.locator(".ticket-message.kind-note")
    expect(note).to_contain_text("Toner batch 7")
    expect(note.locator(".badge.internal")).to_have_text(INTERNAL[language])
    fits(page, f"service-ticket-{language}")

    page.click("#ticket-statuses button[data-status=resolved]")
    expect(page.locator("#ticket-status")).to_have_text(RESOLVED[language])
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED and ticket.agent_replies == 1
    assert list(ticket.messages.values_list("kind", flat=True)) == [
        MessageKind.CUSTOMER,
        MessageKind.REPLY,
        MessageKind.NOTE,
    ]
    sent, survey = mail.outbox  # the reply, then the survey the resolution sends
    assert sent.subject == f"[#{ticket.pk}] چاپگر چاپ نمی‌کند" and "Toner" not in sent.body
    assert "/survey/" in survey.body and "Toner" not in survey.body
    assert Ticket.objects.count() == 1
