"""What a signed-in customer sees. Every query starts from the contact: their own records, and their company's
when they belong to one (a colleague's tickets, quotes and invoices for the same company are the company's, and
the company is the customer — docs/decisions/0023-customer-portal.md). Anything else is not found."""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from peyvand.billing.models import Invoice, InvoiceStatus, Quote, QuoteStatus
from peyvand.contacts.models import Contact
from peyvand.service.models import OPEN_STATUSES, MessageKind, Ticket, TicketMessage

# Quotes the customer has been sent (a draft or one waiting for approval is the seller's; a superseded revision
# answers 410 on its public page), and invoices issued to them (a draft or a cancelled one is not theirs to pay).
QUOTE_STATUSES = (
    QuoteStatus.SENT,
    QuoteStatus.CHANGES_REQUESTED,
    QuoteStatus.ACCEPTED,
    QuoteStatus.INVOICED,
)
INVOICE_STATUSES = (
    InvoiceStatus.ISSUED,
    InvoiceStatus.PARTLY_PAID,
    InvoiceStatus.OVERDUE,
    InvoiceStatus.PAID,
)
MAX_ID = 2**31


def _theirs(contact: Contact) -> Q:
    mine = Q(contact_id=contact.pk)
    if contact.company_id:
        mine |= Q(company_id=contact.company_id)
    return mine


def _one(queryset: QuerySet, pk: int):
    # an id beyond any key is simply not found (not a database overflow)
    return queryset.filter(pk=pk).first() if 0 < pk < MAX_ID else None


def tickets(contact: Contact) -> QuerySet[Ticket]:
    """Open ones first, newest first."""
    return (
        Ticket.objects.filter(_theirs(contact))
        .annotate(still_open=ExpressionWrapper(Q(status__in=OPEN_STATUSES), output_field=BooleanField()))
        .order_by("-still_open", "-created_at", "-id")
    )


def ticket(contact: Contact, pk: int) -> Ticket | None:
    return _one(Ticket.objects.filter(_theirs(contact)), pk)


def conversation(ticket: Ticket) -> QuerySet[TicketMessage]:
    """The public messages: the customer's and the agents' replies; an internal note never."""
    return ticket.messages.exclude(kind=MessageKind.NOTE).order_by("created_at", "id")


def quotes(contact: Contact) -> QuerySet[Quote]:
    return Quote.objects.filter(_theirs(contact), status__in=QUOTE_STATUSES).order_by("-issue_date", "-id")


def quote(contact: Contact, pk: int) -> Quote | None:
    return _one(quotes(contact), pk)


def invoices(contact: Contact) -> QuerySet[Invoice]:
    return Invoice.objects.filter(_theirs(contact), status__in=INVOICE_STATUSES).order_by(
        "-issue_date", "-id"
    )


def invoice(contact: Contact, pk: int) -> Invoice | None:
    return _one(invoices(contact), pk)
