"""The help centre's "Contact support" form (``/help/contact/``), posted by an anonymous visitor: a ticket opens,
linked to the known contact, routed like mail; wrong values are named and nothing is stored; a robot's hidden
field and a flood from one address are turned away."""

import pytest
from django.test import Client
from django.urls import reverse

from peyvand.core.models import AuditEntry
from peyvand.service import services_routing
from peyvand.service.models import SupportAddress, Ticket, TicketChannel

pytestmark = pytest.mark.django_db

MESSAGE = {
    "name": "سارا کریمی",
    "email": "Sara@Example.com",
    "subject": "چاپگر صفحه سفید می‌دهد",
    "description": "از دیروز همه برگه‌ها سفید است.",
}


def visitor(language="fa"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    return client


def test_a_visitors_message_opens_a_ticket_for_the_known_customer_in_the_desks_queue(
    team_a, agent_a, customer
):
    SupportAddress.objects.create(address="support@peyvand.example", team=team_a)
    page = visitor().get(reverse("help:contact"))
    assert page.status_code == 200 and 'id="contact-send"' in page.content.decode()
    answer = visitor().post(reverse("help:contact"), MESSAGE)
    assert answer.status_code == 200
    ticket = Ticket.objects.get()
    assert f"#{ticket.pk}" in answer.content.decode().translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    assert (ticket.channel, ticket.contact, ticket.customer_email) == (
        TicketChannel.WEB_FORM,
        customer,
        "sara@example.com",
    )
    assert (ticket.owner, ticket.team, ticket.language) == (agent_a, team_a, "fa")
    assert "سارا کریمی" in ticket.description and ticket.subject == MESSAGE["subject"]


def test_a_routing_rule_for_the_web_form_wins(admin, team_a, team_b, agent_a, agent_b):
    SupportAddress.objects.create(address="support@peyvand.example", team=team_a)
    services_routing.save_rule(actor=admin, values={"name": "Web", "channel": "web_form", "team": team_b.pk})
    visitor("en").post(reverse("help:contact"), {**MESSAGE, "email": "new@example.com"})
    ticket = Ticket.objects.get()
    assert (ticket.owner, ticket.team, ticket.contact, ticket.language) == (agent_b, team_b, None, "en")
    assert AuditEntry.objects.filter(object_id=ticket.pk, note__contains="“Web”").exists()


def test_wrong_values_are_named_and_nothing_is_stored(admin):
    answer = visitor("en").post(
        reverse("help:contact"), {**MESSAGE, "email": "not-an-address", "subject": "  ", "name": "x" * 121}
    )
    html = answer.content.decode()
    assert answer.status_code == 422
    assert 'id="contact-email-error"' in html and "Enter an e-mail address" in html
    assert 'id="contact-subject-error"' in html and "This field is required." in html
    assert 'id="contact-name-error"' in html and "at most 120 characters" in html
    assert "همه برگه‌ها" in html  # what was typed is kept
    assert not Ticket.objects.exists()


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_opens(admin):
    answer = visitor().post(reverse("help:contact"), {**MESSAGE, "website": "http://spam.example"})
    assert answer.status_code == 200 and not Ticket.objects.exists()


def test_more_than_five_messages_an_hour_from_one_address_are_refused(admin):
    client = visitor("en")
    codes = [client.post(reverse("help:contact"), MESSAGE).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    assert Ticket.objects.count() == 5
