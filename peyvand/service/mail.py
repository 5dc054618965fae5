"""Customers' e-mail to the service desk: the route ``core.inbound_mail`` asks before mail becomes a lead.

The desk claims a message that answers one of its tickets — its In-Reply-To or References name a message of a
ticket (an agent's reply carries its own Message-ID), or its subject carries a ticket's reference (``[#1042]``)
and it comes from that ticket's customer — and a message sent to an active support address. An answer is added
to its ticket (a closed ticket is not reopened by mail: the message opens a new ticket that names it); anything
else to a support address opens a ticket where the routing rules send it (``routing.py``), else in that address's
queue for its least busy agent.
"""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from peyvand.core.inbound_mail import InboundMail, MailRoute
from peyvand.service import services_tickets
from peyvand.service.models import (
    SupportAddress,
    Ticket,
    TicketChannel,
    TicketMessage,
    TicketStatus,
)

# "[#1042]" as replies' subjects carry it; people keep it when they answer ("Re: [#1042] Printer").
REFERENCE = re.compile(r"\[#(\d{1,12})\]")


def support_address(mail: InboundMail) -> SupportAddress | None:
    if not mail.recipients:
        return None
    found = {a.address.lower(): a for a in SupportAddress.objects.filter(active=True).select_related("team")}
    return next((found[r] for r in mail.recipients if r in found), None)


def answered_ticket(mail: InboundMail) -> Ticket | None:
    """The ticket this message answers, by the thread's Message-IDs first and the subject's reference next."""
    ids = [i for i in mail.thread_ids if i]
    if ids:
        message = (
            TicketMessage.objects.filter(message_id__in=ids).select_related("ticket").order_by("-id").first()
        )
        if message is not None:
            return message.ticket
        ticket = Ticket.all_objects.filter(message_id__in=ids).order_by("-id").first()
        if ticket is not None:
            return ticket
    reference = REFERENCE.search(mail.subject)
    if reference and len(reference.group(1)) < 12:
        ticket = Ticket.all_objects.filter(pk=int(reference.group(1))).first()
        # A reference alone is easy to type: it threads only the ticket's own customer's mail.
        if ticket is not None and mail.email and mail.email == _customer_address(ticket):
            return ticket
    return None


def _customer_address(ticket: Ticket) -> str:
    if ticket.customer_email:
        return ticket.customer_email
    return services_tickets.recipient_of(ticket) or ""


def claims(mail: InboundMail) -> bool:
    if TicketMessage.objects.filter(message_id=mail.message_id).exists():
        return True  # a second delivery of a message the desk already took
    return answered_ticket(mail) is not None or support_address(mail) is not None


def receive(*, actor, mail: InboundMail) -> tuple[object, bool]:
    """The ticket message or the new ticket this e-mail becomes: (record, created)."""
    from peyvand.leads.intake import fallback_owner, known_contact

    existing = TicketMessage.objects.filter(message_id=mail.message_id).select_related("ticket").first()
    if existing is not None:
        return existing.ticket, False
    already = Ticket.all_objects.filter(message_id=mail.message_id).first()
    if already is not None:
        return already, False
    ticket = answered_ticket(mail)
    if ticket is not None and ticket.status != TicketStatus.CLOSED and ticket.deleted_at is None:
        services_tickets.add_customer_message(
            ticket=ticket,
            body=mail.body or mail.subject,
            from_address=mail.email,
            message_id=mail.message_id,
            in_reply_to=mail.in_reply_to,
            channel=TicketChannel.EMAIL,
        )
        ticket.refresh_from_db()
        return ticket, True
    address = support_address(mail)
    team = address.team if address else (ticket.team if ticket else None)
    contact = known_contact(mail.email)
    description = mail.body
    if ticket is not None:  # an answer to a closed ticket: a new one, which says which
        description = _("Follows up on closed ticket %(reference)s.") % {"reference": ticket.reference}
        description += "\n\n" + mail.body
    values = {
        "subject": " ".join(REFERENCE.sub("", mail.subject).split()) or _("(no subject)"),
        "description": description[:20000],
        "customer_email": mail.email,
        "contact": contact,
        "company": contact.company if contact is not None else None,
        "team": team,
    }
    if address is not None:
        values["priority"] = address.priority
        if address.category_id:
            values["category"] = address.category_id
    try:
        with (
            transaction.atomic()
        ):  # a savepoint: a second delivery of this mail at this very moment made it first
            made = services_tickets.create_ticket(
                actor=actor,
                values=values,
                channel=TicketChannel.EMAIL,
                message_id=mail.message_id,
                route=True,
                fallback_owner=(contact.owner if contact is not None else None) or fallback_owner(),
            )
    except IntegrityError:
        if not mail.message_id:
            raise
        return Ticket.all_objects.get(message_id=mail.message_id), False
    return made, True


ROUTE = MailRoute(name="service", claims=claims, receive=receive)
