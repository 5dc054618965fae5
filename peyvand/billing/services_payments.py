"""Payments: recording money received, allocating it to the customer's open invoices, cheques that clear or
bounce, and a customer's balance.

A payment never gives more than its amount, nor an invoice more than it owes; whatever is not allocated stays on
the customer's account. Invoices' figures follow through ``services_invoices.refresh_invoice``.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from peyvand.billing import permissions
from peyvand.billing.amounts import ZERO, round_money
from peyvand.billing.models import (
    ChequeStatus,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
)
from peyvand.billing.services_invoices import OPEN_STATUSES, refresh_invoice
from peyvand.contacts.models import Company, Contact
from peyvand.core import events
from peyvand.core.audit import write_audit
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.core.records import create_record, field_error, resolve_reference, update_record
from peyvand.core.text import clean_display_text

MAX_AMOUNT = Decimal("999999999999999999")
EDITABLE_FIELDS = (
    "reference",
    "note",
    "cheque_number",
    "cheque_bank",
    "cheque_due_date",
    "received_on",
    "owner",
)


def _refuse(actor) -> None:
    if not permissions.can_record_payments(actor):
        raise PeyvandError(
            permissions.PAYMENT_FORBIDDEN,
            _("Only a sales manager or an administrator can record payments."),
            status=403,
        )


def _amount(raw: Any, field: str, *, currency: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise field_error(field, _("Enter an amount.")) from None
    if not value.is_finite() or not 0 < value <= MAX_AMOUNT:
        raise field_error(field, _("Enter an amount above zero."))
    return round_money(value, currency)


def _customer_filter(payment_or_invoice) -> Q:
    if payment_or_invoice.company_id is not None:
        return Q(company_id=payment_or_invoice.company_id)
    return Q(company__isnull=True, contact_id=payment_or_invoice.contact_id)


def open_invoices(payment: Payment):
    """The customer's issued invoices that still owe something, oldest (by due date, then number) first."""
    return (
        Invoice.objects.filter(_customer_filter(payment), kind=InvoiceKind.INVOICE, status__in=OPEN_STATUSES)
        .filter(balance__gt=0, currency=payment.currency)
        .order_by("due_date", "issue_date", "sequence", "pk")
    )


def _clean_values(actor, values: dict[str, Any]) -> dict[str, Any]:
    errors = []
    method = values.get("method")
    if method not in PaymentMethod.values:
        errors.append({"field": "method", "message": _("Choose cash, card, bank transfer or cheque.")})
    if not values.get("received_on"):
        errors.append({"field": "received_on", "message": _("This field is required.")})
    cheque = method == PaymentMethod.CHEQUE
    if cheque:
        if not clean_display_text(values.get("cheque_number")):
            errors.append({"field": "cheque_number", "message": _("A cheque needs its number.")})
        if not values.get("cheque_due_date"):
            errors.append({"field": "cheque_due_date", "message": _("A cheque needs its due date.")})
        status = values.get("cheque_status") or ChequeStatus.PENDING
        if status not in ChequeStatus.values:
            errors.append({"field": "cheque_status", "message": _("Choose not yet due, cleared or bounced.")})
    if errors:
        raise ValidationFailed(errors)
    cleaned: dict[str, Any] = {
        "method": method,
        "received_on": values["received_on"],
        "reference": clean_display_text(values.get("reference"))[:100],
        "note": str(values.get("note") or "")[:5000],
        "cheque_number": clean_display_text(values.get("cheque_number"))[:40] if cheque else "",
        "cheque_bank": clean_display_text(values.get("cheque_bank"))[:100] if cheque else "",
        "cheque_due_date": values.get("cheque_due_date") if cheque else None,
        "cheque_status": (values.get("cheque_status") or ChequeStatus.PENDING) if cheque else "",
        "owner": values.get("owner"),
    }
    if values.get("currency"):
        cleaned["currency"] = str(values["currency"])[:3].upper()
    return cleaned


@transaction.atomic
def record_payment(*, actor, values: dict[str, Any]) -> Payment:
    """Record money received from a company or a contact and allocate it: ``allocations`` (``[{"invoice": id,
    "amount": a}]``) as given, else, with ``auto_allocate``, to the oldest open invoices first. The rest stays on
    the customer's account. A bounced cheque allocates nothing."""
    _refuse(actor)
    company = resolve_reference(Company, values.get("company"), actor, "company")
    contact = resolve_reference(Contact, values.get("contact"), actor, "contact")
    if company is None and contact is None:
        raise field_error("company", _("Choose the company or the contact who paid."))
    cleaned = _clean_values(actor, values)
    currency = cleaned.get("currency") or Payment._meta.get_field("currency").get_default()
    cleaned["amount"] = _amount(values.get("amount"), "amount", currency=currency)
    payment = create_record(Payment, actor=actor, values={"company": company, "contact": contact, **cleaned})
    allocations = values.get("allocations") or []
    if allocations:
        allocate_payment(actor=actor, payment=payment, allocations=allocations)
    elif values.get("auto_allocate"):
        allocate_payment(actor=actor, payment=payment)
    payment.refresh_from_db()
    events.emit(events.payment_recorded, Payment, payment=payment, actor=actor)
    return payment


@transaction.atomic
def update_payment(*, actor, payment: Payment, version: int | None, values: dict[str, Any]) -> Payment:
    """Correct a payment's reference, note or cheque details; a cheque's status changes through
    ``set_cheque_status``, and the amount, method and customer are fixed once recorded."""
    _refuse(actor)
    fixed = {"amount", "method", "company", "contact", "currency"} & {
        k for k, v in values.items() if v is not None
    }
    if fixed:
        name = sorted(fixed)[0]
        raise field_error(
            name,
            _("A recorded payment keeps its amount, method and customer; record another payment instead."),
        )
    status = values.get("cheque_status")
    cleaned = {k: v for k, v in values.items() if k in EDITABLE_FIELDS}
    for name in ("reference", "cheque_number", "cheque_bank"):
        if name in cleaned:
            cleaned[name] = clean_display_text(cleaned[name])
    if payment.method != PaymentMethod.CHEQUE:
        for name in ("cheque_number", "cheque_bank", "cheque_due_date"):
            cleaned.pop(name, None)
    payment = update_record(payment, actor=actor, version=version, values=cleaned)
    if status and status != payment.cheque_status:
        payment = set_cheque_status(actor=actor, payment=payment, status=status)
    return payment


def _as_pk(raw: Any) -> int | None:
    try:
        return int(raw.pk if isinstance(raw, Invoice) else str(raw).strip())
    except (TypeError, ValueError):
        return None


@transaction.atomic
def allocate_payment(*, actor, payment: Payment, allocations: list[dict[str, Any]] | None = None) -> Payment:
    """Allocate what is left of a payment to the customer's open invoices: the amounts given, or oldest-first.
    Refuses, naming the row, an invoice of another customer, an amount over what the invoice owes or over what is
    left of the payment."""
    _refuse(actor)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.method == PaymentMethod.CHEQUE and payment.cheque_status == ChequeStatus.BOUNCED:
        raise PeyvandError(
            "payment.bounced",
            _("A bounced cheque pays nothing; record the payment that replaces it."),
            status=409,
        )
    left = payment.amount - payment.allocated
    candidates = {invoice.pk: invoice for invoice in open_invoices(payment).select_for_update()}
    plan: list[tuple[Invoice, Decimal]] = []
    if allocations:
        errors = []
        for i, row in enumerate(allocations):
            row = row if isinstance(row, dict) else {}
            invoice = candidates.get(_as_pk(row.get("invoice")))
            if invoice is None:
                errors.append(
                    {
                        "field": f"allocations.{i}.invoice",
                        "message": _("Choose an open invoice of this payment's customer."),
                    }
                )
                continue
            try:
                amount = _amount(row.get("amount"), f"allocations.{i}.amount", currency=payment.currency)
            except ValidationFailed as exc:
                errors += exc.errors
                continue
            already = sum((a for inv, a in plan if inv.pk == invoice.pk), ZERO)
            if amount + already > invoice.balance:
                errors.append(
                    {
                        "field": f"allocations.{i}.amount",
                        "message": _("Invoice %(number)s owes only %(balance)s.")
                        % {"number": invoice.number, "balance": invoice.balance},
                    }
                )
                continue
            plan.append((invoice, amount))
        if not errors and sum((a for _inv, a in plan), ZERO) > left:
            errors.append(
                {
                    "field": "allocations",
                    "message": _("The allocations add up to more than is left of the payment (%(left)s).")
                    % {"left": left},
                }
            )
        if errors:
            raise ValidationFailed(errors)
    else:
        for invoice in candidates.values():  # already oldest first
            if left - sum((a for _inv, a in plan), ZERO) <= 0:
                break
            plan.append((invoice, min(invoice.balance, left - sum((a for _inv, a in plan), ZERO))))
    for invoice, amount in plan:
        allocation, created = PaymentAllocation.objects.get_or_create(
            payment=payment, invoice=invoice, defaults={"amount": amount}
        )
        if not created:
            allocation.amount += amount
            allocation.save(update_fields=["amount"])
    if plan:
        total = sum((a for _inv, a in plan), ZERO)
        payment.allocated += total
        payment.version += 1
        payment.save(update_fields=["allocated", "version", "updated_at"])
        write_audit(
            instance=payment,
            actor=actor,
            action=AuditAction.UPDATE,
            changes={"allocated": [str(payment.allocated - total), str(payment.allocated)]},
            note=", ".join(f"{inv.number}: {a}" for inv, a in plan)[:255],
        )
        for invoice, _amount_given in plan:
            refresh_invoice(invoice, actor=actor)
    return payment


@transaction.atomic
def set_cheque_status(*, actor, payment: Payment, status: str) -> Payment:
    """A cheque clears or bounces. A bounced cheque's allocations are undone, so its invoices owe again."""
    _refuse(actor)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.method != PaymentMethod.CHEQUE:
        raise field_error("cheque_status", _("Only a cheque has a status."))
    if status not in ChequeStatus.values:
        raise field_error("cheque_status", _("Choose not yet due, cleared or bounced."))
    if status == payment.cheque_status:
        return payment
    old = payment.cheque_status
    invoices = []
    if status == ChequeStatus.BOUNCED:
        invoices = list(Invoice.objects.filter(allocations__payment=payment))
        payment.allocations.all().delete()
        payment.allocated = ZERO
    payment.cheque_status = status
    payment.version += 1
    payment.save(update_fields=["cheque_status", "allocated", "version", "updated_at"])
    write_audit(
        instance=payment, actor=actor, action=AuditAction.UPDATE, changes={"cheque_status": [old, status]}
    )
    for invoice in invoices:
        refresh_invoice(invoice, actor=actor)
    return payment


def refuse_deleting_allocated(sender, instance: Payment, update_fields=None, **kwargs) -> None:
    """``pre_save`` of Payment: a payment still allocated to invoices is not deleted (its invoices would owe less
    than they do)."""
    if instance.pk and instance.deleted_at is not None and instance.allocations.exists():
        raise PeyvandError(
            "payment.allocated",
            _("This payment pays invoices; a bounced cheque is marked bounced instead of being deleted."),
            status=409,
        )


def customer_balance(customer) -> Decimal:
    """What a company or a contact owes: issued invoices − credit notes − payments (a negative balance is money
    on their account). A bounced cheque counts for nothing; for a company, its own documents only."""
    where = (
        Q(company=customer) if isinstance(customer, Company) else Q(contact=customer, company__isnull=True)
    )
    documents = Invoice.objects.filter(where).exclude(status=InvoiceStatus.DRAFT)
    invoiced = documents.filter(kind=InvoiceKind.INVOICE).aggregate(s=Sum("total"))["s"] or ZERO
    credited = documents.filter(kind=InvoiceKind.CREDIT_NOTE).aggregate(s=Sum("total"))["s"] or ZERO
    paid = (
        Payment.objects.filter(where)
        .exclude(method=PaymentMethod.CHEQUE, cheque_status=ChequeStatus.BOUNCED)
        .aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    return (invoiced - credited - paid).quantize(Decimal("0.01"))
