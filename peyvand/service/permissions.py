"""Action rights of the service desk. Seeing a ticket is a queryset (``Ticket.objects.visible_to``: the team is
the queue); these say who may do what with the tickets they see.

Working the queue (replying, internal notes, status changes, taking or handing over a ticket) is for support
agents, support managers, sales managers and administrators. A sales rep (or a marketer) may open a ticket for
their customer (it lands in the queue chosen, or their team's, and they keep seeing it as its creator) and read
its conversation, but does not answer the customer or move it along: that is the support team's work and its
SLA.
"""

TICKET_FORBIDDEN = "ticket.forbidden"
TICKET_CREATE_FORBIDDEN = "ticket.create_forbidden"
MERGE_FORBIDDEN = "ticket.merge_forbidden"
SERVICE_SETTINGS_FORBIDDEN = "service.settings_forbidden"
BAD_TRANSITION = "ticket.bad_transition"
NO_RECIPIENT = "ticket.no_recipient"
MERGE_SAME = "ticket.merge_same"
MERGED = "ticket.merged"


def _staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_work_tickets(user) -> bool:
    """Reply, add internal notes, change the status, split: support roles, sales managers, administrators."""
    return _staff(user) and bool(user.is_admin or user.is_manager or getattr(user, "is_support", False))


def can_create_tickets(user) -> bool:
    """Open a ticket for a customer: anyone on the staff (a rep or a marketer who hears of a problem); the queue
    works it from there."""
    return _staff(user)


def can_merge_tickets(user) -> bool:
    """Merging closes one ticket into another: those who work the queue (both tickets must be visible to them)."""
    return can_work_tickets(user)


def can_manage_service(user) -> bool:
    """Ticket categories, support addresses and SLA policies are the whole desk's settings: administrators."""
    return _staff(user) and bool(user.is_admin)
