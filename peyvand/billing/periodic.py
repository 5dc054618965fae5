"""Jobs of billing that the worker runs on a schedule."""

import datetime as dt

from django.utils import timezone

from peyvand.billing.models import Invoice, InvoiceKind, InvoiceStatus
from peyvand.billing.services_invoices import mark_overdue
from peyvand.core.periodic import periodic


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
