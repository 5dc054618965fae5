"""The tickets list's bulk bar: setting the status and the priority of the ticked tickets, ticket by ticket
through the services (allowed moves, SLA timers, audit), each refusal named; another queue's tickets untouched."""

import pytest
from django.test import Client

from peyvand.service import services_tickets as svc
from peyvand.service.models import SLAPolicy, Ticket, TicketStatus

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _told(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_ticked_tickets_are_resolved_and_a_move_not_allowed_is_named(agent_a, customer):
    tickets = [
        svc.create_ticket(actor=agent_a, values={"subject": f"Jam {i}", "contact": customer})
        for i in range(3)
    ]
    closed = svc.create_ticket(actor=agent_a, values={"subject": "Old one"})
    closed = svc.change_status(actor=agent_a, ticket=closed, status="closed", version=closed.version)
    untouched = svc.create_ticket(actor=agent_a, values={"subject": "Not ticked"})
    page = _client(agent_a).get("/tickets/").content.decode()
    assert 'name="ticket_status"' in page and 'name="ticket_priority"' in page
    response = _client(agent_a).post(
        "/tickets/bulk/",
        {"action": "ticket_status", "ticket_status": "resolved", "ids": [t.pk for t in [*tickets, closed]]},
        follow=True,
    )
    told = _told(response)
    assert "3 records changed." in told
    assert any(m.startswith("#") and "Old one" in m and "cannot go from" in m for m in told), told
    assert set(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("status", flat=True)) == {
        TicketStatus.RESOLVED
    }
    assert Ticket.objects.get(pk=untouched.pk).status == TicketStatus.NEW
    assert Ticket.objects.get(pk=closed.pk).status == TicketStatus.CLOSED


def test_raising_the_priority_in_bulk_reruns_the_sla_and_skips_another_queues_ticket(agent_a, agent_b):
    standard = SLAPolicy.objects.create(
        name="Standard", position=5, first_response_minutes=480, resolution_minutes=4800
    )
    urgent = SLAPolicy.objects.create(
        name="Urgent", position=1, priority="urgent", first_response_minutes=30, resolution_minutes=240
    )
    mine = svc.create_ticket(actor=agent_a, values={"subject": "Server down"})
    theirs = svc.create_ticket(actor=agent_b, values={"subject": "Elsewhere"})
    assert mine.sla_policy == standard
    response = _client(agent_a).post(
        "/tickets/bulk/",
        {"action": "ticket_priority", "ticket_priority": "urgent", "ids": [mine.pk, theirs.pk]},
        follow=True,
    )
    assert "1 record changed." in _told(response)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.priority, mine.sla_policy) == ("urgent", urgent)
    assert theirs.priority == "normal"
    bad = _client(agent_a).post(
        "/tickets/bulk/", {"action": "ticket_priority", "ticket_priority": "", "ids": [mine.pk]}, follow=True
    )
    assert any("Choose one of the priorities." in m for m in _told(bad))
