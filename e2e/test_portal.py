"""The customer portal in Chromium: a customer asks for a sign-in link, opens it from the e-mail, sees their
tickets, opens one (no internal note in sight), answers it, opens a new ticket and sees their invoice. In Persian
and English, at 1440 px and 390 px with no horizontal scroll."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from e2e.conftest import fits, new_page
from peyvand.accounts.models import Role
from peyvand.billing import services_invoices
from peyvand.contacts.services import create_company, create_contact
from peyvand.service.models import Ticket, TicketChannel
from peyvand.service.services_tickets import add_customer_message, add_note, create_ticket, reply
from tests.factories import UserFactory
from tests.portal.conftest import link_from_mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
SENT = {"en": "Check your e-mail", "fa": "ایمیل خود را ببینید"}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_customer_signs_in_by_link_and_works_their_tickets(browser, live_server, team_a, admin, language):
    agent = UserFactory(username="agent", role=Role.SUPPORT_AGENT, team=team_a)
    company = create_company(actor=admin, values={"name": "بازرگانی پارسیان"})
    sara = create_contact(
        actor=admin,
        values={
            "first_name": "سارا",
            "last_name": "کریمی",
            "emails": ["sara@parsian.example"],
            "company": company.pk,
        },
    )
    ticket = create_ticket(actor=agent, values={"subject": "چاپگر چاپ نمی‌کند", "contact": sara.pk})
    add_customer_message(ticket=ticket, body="صفحه‌ها سفید بیرون می‌آیند", from_address="sara@parsian.example")
    reply(actor=agent, ticket=ticket, body="لطفاً کارتریج را دوباره بگذارید.")
    add_note(actor=agent, ticket=ticket, body="Toner batch 7 is faulty")
    draft = services_invoices.create_invoice(
        actor=admin,
        values={"company": company.pk, "lines": [{"description": "سرویس چاپگر", "unit_price": "2500000"}]},
    )
    invoice = services_invoices.issue_invoice(actor=admin, invoice=draft)
    mail.outbox.clear()

    page = new_page(browser, live_server)
    page.goto(f"/portal/?lang={language}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    fits(page, f"portal-sign-in-{language}")
    page.fill("#portal-email", "Sara@Parsian.example")
    page.click("#portal-send-link")
    expect(page.locator("#portal-sent h1")).to_have_text(SENT[language])

    page.goto(link_from_mail("sara@parsian.example"))
    page.click("#portal-use-link")
    page.wait_for_url("**/portal/home/")
    row = page.locator(f"[data-ticket='{ticket.pk}']")
    expect(row).to_contain_text("چاپگر چاپ نمی‌کند")
    expect(page.locator(f"[data-invoice='{invoice.pk}']")).to_contain_text(invoice.number)
    expect(page.locator(".topbar")).to_have_count(0)
    fits(page, f"portal-home-{language}")

    row.locator("a").click()
    page.wait_for_url(f"**/portal/tickets/{ticket.pk}/")
    expect(page.locator("#portal-conversation")).to_contain_text("کارتریج")
    expect(page.locator("#portal-conversation")).not_to_contain_text("Toner")
    page.fill("#portal-reply", "کارتریج را عوض کردم و درست شد.")
    page.click("#portal-send-reply")
    expect(page.locator("#portal-conversation .kind-customer").last).to_contain_text("درست شد")
    fits(page, f"portal-ticket-{language}")
    assert ticket.messages.filter(channel=TicketChannel.PORTAL).count() == 1

    page.goto("/portal/home/")
    page.click("#portal-new-ticket")
    page.wait_for_url("**/portal/tickets/new/")
    fits(page, f"portal-new-ticket-{language}")
    page.fill("#portal-subject", "سفارش کارتریج")
    page.fill("#portal-description", "دو کارتریج مشکی لازم داریم.")
    page.click("#portal-open-ticket")
    made = Ticket.objects.get(subject="سفارش کارتریج")
    page.wait_for_url(f"**/portal/tickets/{made.pk}/")
    expect(page.locator("h1")).to_contain_text("سفارش کارتریج")
    assert made.channel == TicketChannel.PORTAL and made.contact_id == sara.pk

    page.goto("/portal/home/")
    pdf = page.context.request.get(f"/portal/invoices/{invoice.pk}/pdf/")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    page.click("#portal-sign-out")
    page.wait_for_url("**/portal/")
    page.goto("/portal/home/")
    page.wait_for_url("**/portal/")
    page.context.close()
