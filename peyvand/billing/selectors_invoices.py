"""Reads of invoices, credit notes and payments, already limited to what the user may see."""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peyvand.billing.models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
)
from peyvand.core.listing import Filter, ListSpec, as_bool, as_date, as_int

OPEN = (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID, InvoiceStatus.OVERDUE)


def _overdue(raw: str) -> Q:
    """``overdue=1``: still owed after the due date, whether or not the periodic job has marked it yet."""
    wanted = as_bool(raw)
    condition = Q(kind=InvoiceKind.INVOICE, status__in=OPEN, due_date__lt=timezone.localdate(), balance__gt=0)
    return condition if wanted else ~condition


INVOICE_LIST = ListSpec(
    entity="invoice",
    ordering=("created_at", "updated_at", "issue_date", "due_date", "number", "total", "balance"),
    default_ordering="-created_at",
    filters={
        "owner": Filter("owner_id", as_int, _("Owner")),
        "team": Filter("team_id", as_int, _("Team")),
        "status": Filter("status", label=_("Status")),
        "kind": Filter("kind", label=_("Kind")),
        "company": Filter("company_id", as_int, _("Company")),
        "contact": Filter("contact_id", as_int, _("Contact")),
        "deal": Filter("deal_id", as_int, _("Deal")),
        "overdue": Filter("pk__in", lambda raw: _overdue_ids(raw), _("Overdue")),
        "issued_after": Filter("issue_date__gte", as_date, _("Issued from")),
        "issued_before": Filter("issue_date__lte", as_date, _("Issued until")),
        "due_after": Filter("due_date__gte", as_date, _("Due from")),
        "due_before": Filter("due_date__lte", as_date, _("Due until")),
    },
)


def _overdue_ids(raw: str):
    return Invoice.objects.filter(_overdue(raw)).values("pk")


PAYMENT_LIST = ListSpec(
    entity="payment",
    ordering=("received_on", "amount", "created_at", "cheque_due_date"),
    default_ordering="-received_on",
    filters={
        "owner": Filter("owner_id", as_int, _("Owner")),
        "team": Filter("team_id", as_int, _("Team")),
        "method": Filter("method", label=_("Method")),
        "cheque_status": Filter("cheque_status", label=_("Cheque status")),
        "company": Filter("company_id", as_int, _("Company")),
        "contact": Filter("contact_id", as_int, _("Contact")),
        "received_after": Filter("received_on__gte", as_date, _("Received from")),
        "received_before": Filter("received_on__lte", as_date, _("Received until")),
    },
)


def invoices_visible_to(user) -> QuerySet[Invoice]:
    return (
        Invoice.objects.visible_to(user)
        .select_related("owner", "team", "company", "contact", "deal", "credits")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.select_related("product")))
    )


def payments_visible_to(user) -> QuerySet[Payment]:
    return (
        Payment.objects.visible_to(user)
        .select_related("owner", "team", "company", "contact")
        .prefetch_related(
            Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("invoice"))
        )
    )


def overdue_invoices_visible_to(user, *, today: dt.date | None = None) -> QuerySet[Invoice]:
    """Invoices still owed after their due date, the longest overdue first."""
    today = today or timezone.localdate()
    return (
        invoices_visible_to(user)
        .filter(kind=InvoiceKind.INVOICE, status__in=OPEN, due_date__lt=today, balance__gt=0)
        .order_by("due_date", "pk")
    )


def allocations_of(invoice: Invoice) -> QuerySet[PaymentAllocation]:
    """The payments that paid an invoice (the invoice is already visible; so are its payments' amounts)."""
    return PaymentAllocation.objects.filter(invoice=invoice).select_related("payment").order_by("created_at")


def credit_notes_of(invoice: Invoice) -> QuerySet[Invoice]:
    return Invoice.objects.filter(credits=invoice, kind=InvoiceKind.CREDIT_NOTE).order_by("issue_date", "pk")


def customer_invoices(user, customer) -> QuerySet[Invoice]:
    field = "company" if customer._meta.model_name == "company" else "contact"
    return invoices_visible_to(user).filter(**{field: customer}).exclude(status=InvoiceStatus.DRAFT)
