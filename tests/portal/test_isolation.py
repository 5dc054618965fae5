"""What a signed-in customer sees and does, and that it is only theirs — over HTTP.

Ali and Sima work for Parsian Trading, Bita for Kish Shipping. A contact sees their own tickets, quotes and
invoices and their company's (so Ali sees Sima's ticket: the company is the customer), never another
company's: another customer's id answers 404 on every page and changes nothing; internal notes never show; a
staff session opens no portal page and a portal session no staff page.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from peyvand.billing import services_invoices
from peyvand.billing.models import Invoice
from peyvand.contacts.services import create_contact
from peyvand.portal import services
from peyvand.service.models import MessageKind, Ticket, TicketChannel, TicketMessage, TicketStatus
from peyvand.service.services_tickets import change_status, create_ticket
from tests.portal.conftest import portal_client

pytestmark = pytest.mark.django_db


def _home(client) -> str:
    page = client.get(reverse("portal:home") + "?lang=en")
    assert page.status_code == 200
    return page.content.decode()


def test_a_customer_lists_their_own_and_their_companys_records_only(customers):
    ali, sima, bita = customers["ali"], customers["sima"], customers["bita"]
    html = _home(portal_client(ali.email))
    assert "Ali&#x27;s printer" in html and "Sima&#x27;s printer" in html
    assert "Bita" not in html
    assert ali.quote.number in html and sima.quote.number in html and bita.quote.number not in html
    assert ali.invoice.number in html and bita.invoice.number not in html
    assert reverse("help:home") in html


def test_a_contact_without_a_company_sees_only_their_own(customers, admin):
    loner = create_contact(
        actor=admin, values={"first_name": "Reza", "last_name": "Tak", "emails": ["reza@example.com"]}
    )
    html = _home(portal_client("reza@example.com"))
    assert "You have no tickets." in html and "printer" not in html
    assert loner.company_id is None


def test_another_customers_ticket_cannot_be_opened_or_answered(customers):
    client = portal_client(customers["ali"].email)
    theirs = customers["bita"].ticket
    messages = TicketMessage.objects.count()
    assert client.get(reverse("portal:ticket", args=[theirs.pk])).status_code == 404
    answer = client.post(reverse("portal:ticket", args=[theirs.pk]), {"body": "Let me in"})
    assert answer.status_code == 404
    assert TicketMessage.objects.count() == messages
    for guess in (0, theirs.pk + 1000, 2**40):
        assert client.get(f"/portal/tickets/{guess}/").status_code == 404


def test_another_customers_quote_and_invoice_pdfs_are_not_found(customers):
    client = portal_client(customers["ali"].email)
    bita = customers["bita"]
    assert client.get(reverse("portal:quote-pdf", args=[bita.quote.pk])).status_code == 404
    assert client.get(reverse("portal:invoice-pdf", args=[bita.invoice.pk])).status_code == 404
    assert client.get(reverse("portal:invoice-pdf", args=[2**40])).status_code == 404
    own = client.get(reverse("portal:invoice-pdf", args=[customers["ali"].invoice.pk]))
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert own.content.startswith(b"%PDF")
    colleague = client.get(reverse("portal:quote-pdf", args=[customers["sima"].quote.pk]))
    assert colleague.status_code == 200 and colleague.content.startswith(b"%PDF")


def test_a_draft_or_cancelled_invoice_and_an_unsent_quote_are_not_shown(customers, admin):
    from tests.billing.quote_factories import make_quote

    parsian = customers["ali"].company
    draft = services_invoices.create_invoice(
        actor=admin, values={"company": parsian.pk, "lines": [{"description": "Draft", "unit_price": "5"}]}
    )
    unsent = make_quote(admin)
    unsent.__class__.objects.filter(pk=unsent.pk).update(company=parsian)
    client = portal_client(customers["ali"].email)
    html = _home(client)
    assert f'data-invoice="{draft.pk}"' not in html and f'data-quote="{unsent.pk}"' not in html
    assert client.get(reverse("portal:invoice-pdf", args=[draft.pk])).status_code == 404
    assert client.get(reverse("portal:quote-pdf", args=[unsent.pk])).status_code == 404
    assert Invoice.objects.filter(pk=draft.pk).exists()


def test_the_quote_links_to_its_public_page(customers):
    html = _home(portal_client(customers["ali"].email))
    from peyvand.billing.services_quotes import public_token

    # the token is signed with a timestamp, so the page's and this one may differ by a second: compare the signed
    # value (before the timestamp), and follow the page's own link
    expected = reverse("quote-public", args=[public_token(customers["ali"].quote)])
    value = expected.split(":")[0]
    found = re.search(re.escape(value) + r":[^\"/]+:[^\"/]+/", html)
    assert found, expected
    assert Client().get(found.group(0)).status_code == 200


def test_the_invoice_shows_its_balance(customers):
    html = _home(portal_client(customers["ali"].email))
    assert "Balance" in html and "invoice-balance" in html


def test_internal_notes_never_show(customers):
    client = portal_client(customers["ali"].email)
    page = client.get(reverse("portal:ticket", args=[customers["ali"].ticket.pk]) + "?lang=en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ali writes: it jams" in html and "Dear Ali, open the tray" in html
    assert "SECRET" not in html and "Internal note" not in html
    assert "agent_a" not in html  # the agent is "the support team", not a username


def test_a_reply_goes_through_the_desk_like_an_e_mail(customers, agent):
    ticket = Ticket.objects.get(pk=customers["ali"].ticket.pk)
    change_status(actor=agent, ticket=ticket, status=TicketStatus.WAITING_CUSTOMER, version=ticket.version)
    client = portal_client(customers["ali"].email)
    url = reverse("portal:ticket", args=[ticket.pk])
    answer = client.post(url, {"body": "  Still jams after the tray  "})
    assert answer.status_code == 302
    message = TicketMessage.objects.filter(ticket=ticket).order_by("-id").first()
    assert message.kind == MessageKind.CUSTOMER and message.channel == TicketChannel.PORTAL
    assert message.body == "Still jams after the tray" and message.from_address == "ali@parsian.example"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.last_customer_message_at is not None
    empty = client.post(url + "?lang=en", {"body": "   "})
    assert empty.status_code == 422 and "This field is required." in empty.content.decode()


def test_a_colleague_answers_the_companys_ticket(customers):
    client = portal_client(customers["sima"].email)
    ticket = customers["ali"].ticket
    assert client.post(reverse("portal:ticket", args=[ticket.pk]), {"body": "Sima here"}).status_code == 302
    assert ticket.messages.filter(body="Sima here", from_address="sima@parsian.example").exists()
    html = client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "ali@parsian.example" in html  # Ali's own message is named by his address for his colleague


def test_a_closed_ticket_takes_no_answer(customers, agent):
    ticket = Ticket.objects.get(pk=customers["ali"].ticket.pk)
    change_status(actor=agent, ticket=ticket, status=TicketStatus.CLOSED, version=ticket.version)
    client = portal_client(customers["ali"].email)
    url = reverse("portal:ticket", args=[ticket.pk])
    assert 'id="portal-closed"' in client.get(url).content.decode()
    refused = client.post(url + "?lang=en", {"body": "Hello?"})
    assert refused.status_code == 409 and "closed" in refused.content.decode()
    assert not ticket.messages.filter(body="Hello?").exists()


def test_a_new_ticket_is_the_customers_and_comes_in_by_the_portal(customers):
    client = portal_client(customers["ali"].email)
    refused = client.post(reverse("portal:new-ticket") + "?lang=en", {"subject": "", "description": ""})
    assert refused.status_code == 422 and "This field is required." in refused.content.decode()
    made = client.post(
        reverse("portal:new-ticket"), {"subject": "Toner order", "description": "Two black cartridges"}
    )
    ticket = Ticket.objects.get(subject="Toner order")
    assert made["Location"] == reverse("portal:ticket", args=[ticket.pk])
    assert ticket.channel == TicketChannel.PORTAL and ticket.contact == customers["ali"].contact
    assert ticket.company == customers["ali"].company and ticket.customer_email == "ali@parsian.example"
    assert ticket.owner is not None and ticket.sla_state is not None
    assert "Toner order" in _home(portal_client(customers["sima"].email))
    assert "Toner order" not in _home(portal_client(customers["bita"].email))


def test_a_staff_session_opens_no_portal_page(customers, admin):
    staff = Client()
    staff.force_login(admin)
    for url in (
        reverse("portal:home"),
        reverse("portal:new-ticket"),
        reverse("portal:ticket", args=[customers["ali"].ticket.pk]),
        reverse("portal:invoice-pdf", args=[customers["ali"].invoice.pk]),
    ):
        answer = staff.get(url)
        assert answer.status_code == 302 and answer["Location"] == reverse("portal:sign-in"), url


def test_a_portal_session_opens_no_staff_page_and_signs_in_no_user(customers):
    client = portal_client(customers["ali"].email)
    assert "_auth_user_id" not in client.session
    for url in (
        "/",
        reverse("tickets:detail", args=[customers["ali"].ticket.pk]),
        f"/billing/invoice/{customers['ali'].invoice.pk}/pdf/",
        "/api/v1/tickets",
    ):
        answer = client.get(url)
        assert answer.status_code in (302, 401), (url, answer.status_code)


def test_staff_and_portal_sessions_live_side_by_side_without_mixing(customers, admin):
    client = Client()
    client.force_login(admin)
    portal_client(customers["ali"].email, client)
    html = _home(client)
    assert 'class="topbar"' not in html  # the customer's page, not the staff's
    client.post(reverse("portal:sign-out"))
    assert client.get("/").status_code == 200  # the staff session is untouched
    assert client.get(reverse("portal:home")).status_code == 302
    assert services.COOKIE not in client.cookies or not client.cookies[services.COOKIE].value


def test_a_merged_ticket_points_to_the_one_it_joined_and_takes_no_answer_itself(customers, agent):
    from peyvand.service.services_tickets import merge_tickets

    ali = customers["ali"]
    duplicate = create_ticket(actor=agent, values={"subject": "Printer again", "contact": ali.contact.pk})
    merge_tickets(actor=agent, source=duplicate, target=Ticket.objects.get(pk=ali.ticket.pk))
    client = portal_client(ali.email)
    url = reverse("portal:ticket", args=[duplicate.pk])
    html = client.get(url + "?lang=en").content.decode()
    assert (
        f'href="{reverse("portal:ticket", args=[ali.ticket.pk])}"' in html and 'id="portal-reply"' not in html
    )
    refused = client.post(url + "?lang=en", {"body": "Any news?"})
    assert refused.status_code == 409 and "answers go there" in refused.content.decode()
    assert not TicketMessage.objects.filter(body="Any news?").exists()
