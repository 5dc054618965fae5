"""Invoices' and payments' own routes, mounted beside the generic ones of their resources (registry)."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from peyvand.billing import services_invoices, services_payments
from peyvand.billing.models import Quote
from peyvand.billing.schemas_invoices import (
    AllocateIn,
    BalanceOut,
    ChequeStatusIn,
    CreditIn,
    InvoiceOut,
    IssueIn,
    PaymentOut,
)
from peyvand.billing.selectors_invoices import OPEN, customer_invoices
from peyvand.contacts.models import Company, Contact
from peyvand.core.errors import ValidationFailed
from peyvand.core.listing import MAX_ID
from peyvand.core.records import find_visible
from peyvand.core.rest import responses

invoices_router = Router()
payments_router = Router()


def _invoices():
    from peyvand.billing.resources_invoices import INVOICES

    return INVOICES


def _payments():
    from peyvand.billing.resources_invoices import PAYMENTS

    return PAYMENTS


@invoices_router.post(
    "/{int:pk}/issue",
    response=responses({200: InvoiceOut}, 404, 409),
    tags=["invoices"],
    operation_id="invoices_issue",
)
def issue(request, pk: int, payload: IssueIn):
    """Give a draft its number in its fiscal year (gap-free), its due date and the parties' legal details; it is
    immutable from then on. Sales managers and administrators."""
    invoice = services_invoices.issue_invoice(
        actor=request.user,
        invoice=_invoices().get(request, pk),
        version=payload.version,
        issue_date=payload.issue_date,
    )
    return _invoices().get(request, invoice.pk)


@invoices_router.post(
    "/{int:pk}/credit",
    response=responses({201: InvoiceOut}, 404, 409),
    tags=["invoices"],
    operation_id="invoices_credit",
)
def credit(request, pk: int, payload: CreditIn):
    """Issue a credit note for some lines or the whole invoice; answers the credit note."""
    lines = [
        {"line": row.line, **({"quantity": row.quantity} if row.quantity is not None else {})}
        for row in payload.lines
    ]
    note = services_invoices.credit_invoice(
        actor=request.user,
        invoice=_invoices().get(request, pk),
        lines=lines,
        full=payload.full,
        note=payload.note,
    )
    return Status(201, _invoices().get(request, note.pk))


@invoices_router.post(
    "/from-quote/{int:quote_id}",
    response=responses({201: InvoiceOut}, 404, 409),
    tags=["invoices"],
    operation_id="invoices_from_quote",
)
def from_quote(request, quote_id: int):
    """A draft invoice from a quote you may see: its customer, deal, discount, terms and lines."""
    quote = find_visible(Quote.objects.visible_to(request.user), quote_id)
    invoice = services_invoices.invoice_from_quote(actor=request.user, quote=quote)
    return Status(201, _invoices().get(request, invoice.pk))


@payments_router.post(
    "/{int:pk}/allocate",
    response=responses({200: PaymentOut}, 404, 409),
    tags=["payments"],
    operation_id="payments_allocate",
)
def allocate(request, pk: int, payload: AllocateIn):
    """Allocate what is left of a payment: the amounts given, or the customer's oldest open invoices first."""
    payment = services_payments.allocate_payment(
        actor=request.user,
        payment=_payments().get(request, pk),
        allocations=[row.model_dump() for row in payload.allocations] or None,
    )
    return _payments().get(request, payment.pk)


@payments_router.post(
    "/{int:pk}/cheque-status",
    response=responses({200: PaymentOut}, 404, 409),
    tags=["payments"],
    operation_id="payments_cheque_status",
)
def cheque_status(request, pk: int, payload: ChequeStatusIn):
    """A cheque clears or bounces; a bounced cheque's allocations are undone."""
    payment = services_payments.set_cheque_status(
        actor=request.user, payment=_payments().get(request, pk), status=payload.status
    )
    return _payments().get(request, payment.pk)


@payments_router.get(
    "/balance", response=responses({200: BalanceOut}, 404), tags=["payments"], operation_id="payments_balance"
)
def balance(
    request,
    company: int | None = Query(None, ge=1, le=MAX_ID),
    contact: int | None = Query(None, ge=1, le=MAX_ID),
):
    """What a company or a contact you may see owes: issued invoices − credit notes − payments."""
    if (company is None) == (contact is None):
        raise ValidationFailed([{"field": "company", "message": _("Give either a company or a contact.")}])
    model, pk = (Company, company) if company is not None else (Contact, contact)
    try:
        customer = model.objects.visible_to(request.user).get(pk=pk)
    except model.DoesNotExist:
        raise Http404 from None
    return {
        "customer": str(customer),
        "company_id": company,
        "contact_id": contact,
        "balance": services_payments.customer_balance(customer),
        "open_invoices": customer_invoices(request.user, customer).filter(status__in=OPEN).count(),
    }
