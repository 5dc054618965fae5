"""Invoices (with credit notes) and payments as record types: API, pages, export, timeline, automation, search."""

from django.db.models.signals import pre_save
from django.urls import path

from peyvand.billing import permissions, services_invoices, services_payments
from peyvand.billing import selectors_invoices as selectors
from peyvand.billing.models import Invoice, Payment
from peyvand.billing.schemas_invoices import (
    InvoiceIn,
    InvoiceOut,
    InvoicePatch,
    PaymentIn,
    PaymentOut,
    PaymentPatch,
)
from peyvand.core import registry
from peyvand.core.registry import FieldSpec as F
from peyvand.core.rest import Resource

INVOICES = Resource(
    name="invoices",
    model=Invoice,
    visible=selectors.invoices_visible_to,
    list_spec=selectors.INVOICE_LIST,
    create=services_invoices.create_invoice,
    update_service=services_invoices.update_invoice,
    schema_in=InvoiceIn,
    schema_patch=InvoicePatch,
    schema_out=InvoiceOut,
)

PAYMENTS = Resource(
    name="payments",
    model=Payment,
    visible=selectors.payments_visible_to,
    list_spec=selectors.PAYMENT_LIST,
    create=services_payments.record_payment,
    update_service=services_payments.update_payment,
    schema_in=PaymentIn,
    schema_patch=PaymentPatch,
    schema_out=PaymentOut,
)

INVOICE_FIELDS = (
    F("number", editable=False, automation=True),
    F("kind", editable=False, automation=True),
    F("status", editable=False, automation=True),
    F("company"),
    F("contact"),
    F("deal"),
    F("currency", automation=True),
    F("discount_percent"),
    F("issue_date", automation=True),
    F("due_date", automation=True),
    F("total", editable=False, automation=True, money=True),
    F("paid", editable=False, automation=True, money=True),
    F("credited", editable=False, money=True),
    F("balance", editable=False, automation=True, money=True),
    F("terms", exportable=False),
    F("note", exportable=False),
    F("owner"),
    F("team", editable=False, exportable=False),
)

PAYMENT_FIELDS = (
    F("company"),
    F("contact"),
    F("amount", automation=True, money=True),
    F("currency"),
    F("method", automation=True),
    F("received_on", automation=True),
    F("reference"),
    F("cheque_number"),
    F("cheque_bank"),
    F("cheque_due_date"),
    F("cheque_status", automation=True),
    F("allocated", editable=False, money=True),
    F("note", exportable=False),
    F("owner"),
    F("team", editable=False, exportable=False),
)


def _customer(record) -> list:
    """Work on an invoice or a payment is also for its customer."""
    return [r for r in (getattr(record, "contact", None), getattr(record, "company", None)) if r is not None]


def register() -> None:
    from peyvand.billing import views_invoices, views_payments
    from peyvand.billing.api_invoices import invoices_router, payments_router

    pre_save.connect(
        services_invoices.refuse_changes_to_issued, sender=Invoice, dispatch_uid="billing.invoice_immutable"
    )
    pre_save.connect(
        services_payments.refuse_deleting_allocated, sender=Payment, dispatch_uid="billing.payment_allocated"
    )
    registry.register(
        registry.RecordType(
            name="invoice",
            plural="invoices",
            model=Invoice,
            resource=INVOICES,
            screen=views_invoices.INVOICE_SCREEN,
            fields=INVOICE_FIELDS,
            concerns=_customer,
            api_router=invoices_router,
            ui_urls=(
                path("overdue/", views_invoices.overdue_view, name="overdue"),
                path("<int:pk>/issue/", views_invoices.issue_view, name="issue"),
                path("<int:pk>/credit/", views_invoices.credit_view, name="credit"),
            ),
        )
    )
    registry.register(
        registry.RecordType(
            name="payment",
            plural="payments",
            model=Payment,
            resource=PAYMENTS,
            screen=views_payments.PAYMENT_SCREEN,
            fields=PAYMENT_FIELDS,
            concerns=_customer,
            api_router=payments_router,
            extra={"can_delete": permissions.can_delete_payment},
            ui_urls=(path("<int:pk>/cheque/", views_payments.cheque_view, name="cheque"),),
        )
    )
    registry.register_record_section("billing/invoices/_balance_section.html")
