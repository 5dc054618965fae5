"""Jobs of billing that the worker runs on a schedule."""

import datetime as dt
import logging

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from peyvand.billing.models import BillingSettings, Invoice, InvoiceKind, InvoiceStatus
from peyvand.billing.services_invoices import mark_overdue
from peyvand.contacts.resources import first_contact_point
from peyvand.core import jalali
from peyvand.core.money import format_money
from peyvand.core.periodic import periodic
from peyvand.messaging.models import Outbox, OutboxStatus
from peyvand.messaging.services import send
from peyvand.notifications.services import notify

log = logging.getLogger(__name__)
OWING = (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID, InvoiceStatus.OVERDUE)
BEFORE, AFTER = "before", "after"


@periodic("invoices_overdue", every=dt.timedelta(hours=1))
def mark_overdue_invoices(now: dt.datetime) -> int:
    """Issued and partly paid invoices past their due date become overdue, each once (``mark_overdue`` changes
    only an invoice not yet overdue, so a rerun marks and announces nothing twice)."""
    today = timezone.localdate(now)
    due = Invoice.objects.filter(
        kind=InvoiceKind.INVOICE,
        status__in=(InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID),
        due_date__lt=today,
        balance__gt=0,
    ).values_list("pk", flat=True)
    return sum(mark_overdue(invoice=Invoice(pk=pk), today=today) for pk in list(due))


# ── Payment reminders ───────────────────────────────────────────────────────────────────────────────────────────
# One reminder before the due date (from ``remind_days_before_due`` days before it until the day itself) and one
# after it (from ``remind_days_after_due`` days after it, while anything is owed). A window rather than one exact
# day, so a worker that was down that day still reminds. Each reminder has a key naming the invoice, its due date
# and the side; the owner's notification is unique per key and the customer's e-mail is found in the outbox by
# it (``Outbox.source``), so a rerun sends nothing twice and a changed due date reminds again.


def reminder_key(invoice: Invoice, side: str) -> str:
    return f"billing-reminder:{invoice.pk}:{invoice.due_date.isoformat()}:{side}"


def due_reminders(today: dt.date) -> list[tuple[Invoice, str]]:
    billing = BillingSettings.current()
    before_from = today + dt.timedelta(days=billing.remind_days_before_due)
    after_until = today - dt.timedelta(days=max(billing.remind_days_after_due, 1))
    owing = Invoice.objects.filter(kind=InvoiceKind.INVOICE, status__in=OWING, balance__gt=0).select_related(
        "owner", "contact", "company"
    )
    before = owing.filter(due_date__gte=today, due_date__lte=before_from)
    after = owing.filter(due_date__lte=after_until)
    return [(invoice, BEFORE) for invoice in before] + [(invoice, AFTER) for invoice in after]


def customer_email(invoice: Invoice) -> str:
    """The invoice's contact's first e-mail, else its company's."""
    for customer in (invoice.contact, invoice.company):
        if customer is not None and (address := first_contact_point(customer, email=True)):
            return address
    return ""


OWNER_TITLE = {
    BEFORE: gettext_noop("Invoice %(number)s is due on %(due)s"),
    AFTER: gettext_noop("Invoice %(number)s is overdue since %(due)s"),
}
OWNER_BODY = gettext_noop("%(customer)s still owes %(balance)s; a reminder was e-mailed to them.")
OWNER_BODY_NOT_EMAILED = gettext_noop("%(customer)s still owes %(balance)s.")
OWNER_BODY_NO_EMAIL = gettext_noop("%(customer)s still owes %(balance)s and has no e-mail address to remind.")


def _customer_message(invoice: Invoice, side: str) -> tuple[str, str]:
    """Subject and text of the customer's e-mail, in the site's language (customers have none of their own)."""
    with translation.override(django_settings.LANGUAGE_CODE):
        values = {
            "number": invoice.number,
            "due": jalali.format_date(invoice.due_date),
            "balance": format_money(invoice.balance, invoice.currency),
            "customer": str(invoice.customer or ""),
            "seller": BillingSettings.current().seller_name,
        }
        if side == BEFORE:
            subject = _("Payment reminder: invoice %(number)s is due on %(due)s") % values
            text = _(
                "Dear %(customer)s,\n\nInvoice %(number)s is due on %(due)s; %(balance)s is still to be paid. "
                "If you have already paid it, please disregard this message.\n\n%(seller)s"
            )
        else:
            subject = _("Overdue invoice %(number)s: payment was due on %(due)s") % values
            text = _(
                "Dear %(customer)s,\n\nInvoice %(number)s was due on %(due)s and %(balance)s is still unpaid. "
                "Please pay it at your earliest convenience, or tell us if anything is wrong with it.\n\n"
                "%(seller)s"
            )
        return subject, text % values


def send_reminder(invoice: Invoice, side: str) -> bool:
    """Notify the invoice's owner and e-mail the customer, each once per key; True when anything was sent."""
    key = reminder_key(invoice, side)
    remind_customer = BillingSettings.current().remind_customers
    address = customer_email(invoice) if remind_customer else ""
    with transaction.atomic():
        # A failed e-mail is tried again on the next run; a sent or queued one never.
        emailed = (
            Outbox.objects.filter(source=key).filter(~Q(status=OutboxStatus.FAILED)).exists()
            if address
            else False
        )
        sent_email = False
        if address and not emailed:
            subject, body = _customer_message(invoice, side)
            try:
                send(
                    channel="email",
                    to=address,
                    subject=subject,
                    body=body,
                    record_type="invoice",
                    record_id=invoice.pk,
                    source=key,
                )
                sent_email = True
            except Exception:
                log.exception("the payment reminder of invoice %s could not be e-mailed", invoice.pk)
        with translation.override(django_settings.LANGUAGE_CODE):
            due = jalali.format_date(invoice.due_date)
            balance = format_money(invoice.balance, invoice.currency)
        notified = notify(
            recipients=[invoice.owner],
            kind="billing_reminder",
            title=OWNER_TITLE[side],
            body=OWNER_BODY
            if address
            else OWNER_BODY_NO_EMAIL
            if remind_customer
            else OWNER_BODY_NOT_EMAILED,
            params={
                "number": invoice.number,
                "due": due,
                "customer": str(invoice.customer or ""),
                "balance": balance,
            },
            url=reverse("invoices:detail", args=[invoice.pk]),
            key=key,
        )
    return sent_email or bool(notified)


@periodic("invoice_reminders", every=dt.timedelta(hours=1))
def send_payment_reminders(now: dt.datetime) -> int:
    """Remind owners and customers of invoices coming due or overdue; returns how many invoices were reminded."""
    today = timezone.localdate(now)
    return sum(send_reminder(invoice, side) for invoice, side in due_reminders(today))
