"""The customer's open tickets on a company's or a contact's page (a record section, core/registry.py)."""

from django import template

from peyvand.service.models import Ticket
from peyvand.service.selectors_tickets import open_tickets_of_customer

register = template.Library()


@register.simple_tag
def customer_open_tickets(user, record):
    """Up to 20 open tickets of the contact or company, each marked ``visible`` when the user may open it: who
    sees the customer sees that they have open tickets (sales before a call), the queue's people work them."""
    if getattr(record, "_meta", None) is None or record._meta.label not in (
        "contacts.Company",
        "contacts.Contact",
    ):
        return []
    tickets = list(open_tickets_of_customer(record)[:20])
    if tickets:
        visible = set(
            Ticket.objects.visible_to(user)
            .filter(pk__in=[t.pk for t in tickets])
            .values_list("pk", flat=True)
        )
        for ticket in tickets:
            ticket.visible = ticket.pk in visible
    return tickets


@register.simple_tag
def may_open_tickets(user) -> bool:
    """Whether the page offers "+ Ticket" (the services refuse anyone else)."""
    from peyvand.service.permissions import can_create_tickets

    return can_create_tickets(user)
