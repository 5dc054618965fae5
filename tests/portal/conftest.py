"""Customers of the portal tests: Ali and his colleague Sima of Parsian Trading, and Bita of Kish Shipping; each
company with a ticket, a sent quote and an issued invoice. Signing in goes through the real form and the link in
the e-mail sent."""

import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from peyvand.accounts.models import Role
from peyvand.billing import services_invoices, services_quotes
from peyvand.billing.models import Invoice, Quote
from peyvand.contacts.models import Company, Contact
from peyvand.contacts.services import create_company, create_contact
from peyvand.service.models import Ticket
from peyvand.service.services_tickets import add_customer_message, add_note, create_ticket, reply
from tests.billing.quote_factories import make_quote
from tests.factories import UserFactory
from tests.service.test_mail_intake import smtp  # noqa: F401 (a real SMTP server, aiosmtpd)

LINK = re.compile(r"https?://[^\s]+(/portal/link/[^\s/]+/)")


@dataclass
class Customer:
    contact: Contact
    company: Company
    email: str
    ticket: Ticket
    quote: Quote
    invoice: Invoice


def _quote_for(owner, contact, company) -> Quote:
    quote = make_quote(owner)
    Quote.objects.filter(pk=quote.pk).update(contact=contact, company=company)
    quote.refresh_from_db()
    return services_quotes.send_quote(actor=owner, quote=quote)


def _invoice_for(owner, company) -> Invoice:
    draft = services_invoices.create_invoice(
        actor=owner,
        values={"company": company.pk, "lines": [{"description": "Licence", "unit_price": "1000000"}]},
    )
    return services_invoices.issue_invoice(actor=owner, invoice=draft)


def _customer(admin, agent, *, first, last, email, company) -> Customer:
    contact = create_contact(
        actor=admin,
        values={"first_name": first, "last_name": last, "emails": [email], "company": company.pk},
        allow_duplicate=True,
    )
    ticket = create_ticket(actor=agent, values={"subject": f"{first}'s printer", "contact": contact.pk})
    add_customer_message(ticket=ticket, body=f"{first} writes: it jams", from_address=email)
    reply(actor=agent, ticket=ticket, body=f"Dear {first}, open the tray")
    add_note(actor=agent, ticket=ticket, body=f"SECRET note about {first}")
    return Customer(
        contact, company, email, ticket, _quote_for(admin, contact, company), _invoice_for(admin, company)
    )


@pytest.fixture
def agent(team_a):
    return UserFactory(username="agent_a", role=Role.SUPPORT_AGENT, team=team_a)


@pytest.fixture
def customers(admin, agent, pipeline):
    """{"ali": …, "sima": … (Ali's colleague), "bita": … (another company)}."""
    parsian = create_company(actor=admin, values={"name": "Parsian Trading"}, allow_duplicate=True)
    kish = create_company(actor=admin, values={"name": "Kish Shipping"}, allow_duplicate=True)
    found = {
        "ali": _customer(admin, agent, first="Ali", last="Rad", email="ali@parsian.example", company=parsian),
        "sima": _customer(
            admin, agent, first="Sima", last="Nik", email="sima@parsian.example", company=parsian
        ),
        "bita": _customer(admin, agent, first="Bita", last="Kamali", email="bita@kish.example", company=kish),
    }
    mail.outbox.clear()
    return found


def link_from_mail(to: str) -> str:
    """The path of the sign-in link in the last e-mail sent to ``to``."""
    sent = [m for m in mail.outbox if to in m.to]
    assert sent, f"no e-mail to {to}"
    found = LINK.search(sent[-1].body)
    assert found, sent[-1].body
    return found.group(1)


def ask_for_link(client: Client, email: str):
    return client.post(reverse("portal:sign-in") + "?lang=en", {"email": email})


def portal_client(email: str, client: Client | None = None) -> Client:
    """A browser signed in to the portal through the form and the e-mailed link."""
    client = client or Client()
    assert ask_for_link(client, email).status_code == 200
    used = client.post(link_from_mail(email))
    assert used.status_code == 302 and used["Location"] == reverse("portal:home")
    return client
