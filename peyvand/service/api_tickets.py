"""API of tickets beside their generic routes (``/tickets/...``): the conversation, status moves, merge, split
and the queue's counts. Every ticket is fetched through the caller's visibility (another queue's: 404)."""

from ninja import Query, Router, Status

from peyvand.core.records import find_visible
from peyvand.core.rest import responses
from peyvand.service import selectors_tickets, services_tickets
from peyvand.service.models import TicketMessage
from peyvand.service.resources_tickets import TICKETS
from peyvand.service.schemas_tickets import (
    TicketBodyIn,
    TicketMergeIn,
    TicketMessageOut,
    TicketOut,
    TicketQueueOut,
    TicketSplitIn,
    TicketStatusIn,
)

tickets_router = Router()


@tickets_router.get(
    "/queue", response=responses({200: list[TicketQueueOut]}), tags=["tickets"], operation_id="tickets_queue"
)
def queue(request, team: int | None = Query(None, ge=1, le=2**63 - 1)):
    """Per queue (team) you see tickets of: tickets by status, and open tickets by SLA state."""
    return [
        {
            "team_id": row.team_id,
            "team": row.team_name,
            "open": row.open,
            "total": row.total,
            "by_status": row.by_status,
            "by_sla": row.by_sla,
        }
        for row in selectors_tickets.queue_counts(request.user, team)
    ]


@tickets_router.get(
    "/{int:pk}/messages",
    response=responses({200: list[TicketMessageOut]}, 404),
    tags=["tickets"],
    operation_id="tickets_messages",
)
def messages(request, pk: int):
    """The conversation in order: the customer's messages, public replies and internal notes (``kind``)."""
    return selectors_tickets.ticket_messages(TICKETS.get(request, pk))


@tickets_router.post(
    "/{int:pk}/reply",
    response=responses({201: TicketMessageOut}, 403, 404, 409),
    tags=["tickets"],
    operation_id="tickets_reply",
)
def reply(request, pk: int, payload: TicketBodyIn):
    """Reply to the customer: kept on the ticket and e-mailed with the reference in the subject."""
    message = services_tickets.reply(actor=request.user, ticket=TICKETS.get(request, pk), body=payload.body)
    return Status(201, message)


@tickets_router.post(
    "/{int:pk}/note",
    response=responses({201: TicketMessageOut}, 403, 404),
    tags=["tickets"],
    operation_id="tickets_note",
)
def note(request, pk: int, payload: TicketBodyIn):
    """An internal note: for the team only, never e-mailed or shown to the customer."""
    message = services_tickets.add_note(
        actor=request.user, ticket=TICKETS.get(request, pk), body=payload.body
    )
    return Status(201, message)


@tickets_router.post(
    "/{int:pk}/status",
    response=responses({200: TicketOut}, 403, 404, 409),
    tags=["tickets"],
    operation_id="tickets_status",
)
def status(request, pk: int, payload: TicketStatusIn):
    """Move the ticket along (new, open, waiting on customer or third party, resolved, closed); asking a resolved
    or closed ticket to open reopens it. A move not allowed from where it is: 409."""
    ticket = services_tickets.change_status(
        actor=request.user, ticket=TICKETS.get(request, pk), status=payload.status, version=payload.version
    )
    return TICKETS.get(request, ticket.pk)


@tickets_router.post(
    "/{int:pk}/merge",
    response=responses({200: TicketOut}, 403, 404, 409),
    tags=["tickets"],
    operation_id="tickets_merge",
)
def merge(request, pk: int, payload: TicketMergeIn):
    """Merge this ticket into ``target`` (both yours to see): its messages move there and it is closed. Answers
    the target."""
    source = TICKETS.get(request, pk)
    target = find_visible(selectors_tickets.tickets_visible_to(request.user), payload.target)
    merged = services_tickets.merge_tickets(actor=request.user, source=source, target=target)
    return TICKETS.get(request, merged.pk)


@tickets_router.post(
    "/{int:pk}/split",
    response=responses({201: TicketOut}, 403, 404, 409),
    tags=["tickets"],
    operation_id="tickets_split",
)
def split(request, pk: int, payload: TicketSplitIn):
    """A new ticket from one message of this one (the message moves to it)."""
    ticket = TICKETS.get(request, pk)
    message = find_visible(TicketMessage.objects.filter(ticket=ticket), payload.message)
    new = services_tickets.split_ticket(
        actor=request.user, ticket=ticket, message=message, subject=payload.subject
    )
    return Status(201, TICKETS.get(request, new.pk))
