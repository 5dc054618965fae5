import datetime as dt

import pytest
from django.utils import timezone

from peyvand.billing.models import InvoiceStatus
from peyvand.billing.periodic import mark_overdue_invoices
from peyvand.core import events
from tests.billing.helpers_invoices import company, issued

pytestmark = pytest.mark.django_db


def test_invoices_past_their_due_date_become_overdue_and_are_announced_once(
    manager_a, django_capture_on_commit_callbacks
):
    customer = company(manager_a)
    late = issued(manager_a, customer, issue_date=dt.date(2026, 1, 1))  # due 31 January
    on_time = issued(manager_a, customer, issue_date=dt.date(2026, 3, 1))  # due 31 March
    heard = []
    events.invoice_overdue.connect(handler := lambda sender, invoice, actor, **kw: heard.append(invoice.pk))
    now = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert mark_overdue_invoices(now) == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert mark_overdue_invoices(now) == 0
    finally:
        events.invoice_overdue.disconnect(handler)
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.status == InvoiceStatus.OVERDUE and on_time.status == InvoiceStatus.ISSUED
    assert heard == [late.pk]
