import datetime as dt

import pytest
from django.utils import timezone, translation

from peyvand.billing import services_payments
from peyvand.billing.models import InvoiceStatus
from peyvand.billing.periodic import mark_overdue_invoices, send_payment_reminders
from peyvand.core import events
from peyvand.messaging.models import Outbox, OutboxStatus
from peyvand.notifications.models import Notification
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


# ── Payment reminders ───────────────────────────────────────────────────────────────────────────────────────────


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def test_a_reminder_before_the_due_date_notifies_the_owner_and_emails_the_customer_once(
    manager_a, mailoutbox
):
    customer = company(manager_a)
    customer.emails = ["billing@parsian.example"]
    customer.save()
    invoice = issued(manager_a, customer, issue_date=dt.date(2026, 1, 1))  # due 31 January, 3 days' notice
    assert send_payment_reminders(_at(dt.date(2026, 1, 27))) == 0  # four days before: too early
    assert send_payment_reminders(_at(dt.date(2026, 1, 28))) == 1
    assert send_payment_reminders(_at(dt.date(2026, 1, 29))) == 0  # the same reminder is not sent twice

    sent = Outbox.objects.get(record_type="invoice", record_id=invoice.pk)
    assert sent.to == "billing@parsian.example" and invoice.number in sent.subject
    assert sent.source == f"billing-reminder:{invoice.pk}:2026-01-31:before"
    assert [m.to for m in mailoutbox if "billing@parsian.example" in m.to] == [["billing@parsian.example"]]
    note = Notification.objects.get(recipient=manager_a, kind="billing_reminder")
    assert note.key == sent.source and note.url.endswith(f"/invoices/{invoice.pk}/")
    with translation.override("fa"):
        assert "سررسید" in note.text_title() and "Invoice" not in note.text_title()
    with translation.override("en"):
        assert note.text_title().startswith("Invoice ") and "is due on" in note.text_title()


def test_a_reminder_after_the_due_date_is_sent_once_while_the_invoice_is_owed(manager_a):
    customer = company(manager_a)
    customer.emails = ["billing@parsian.example"]
    customer.save()
    owed = issued(
        manager_a, customer, issue_date=dt.date(2026, 1, 1)
    )  # due 31 January, reminded 7 days after
    paid = issued(manager_a, customer, issue_date=dt.date(2026, 1, 1))
    services_payments.record_payment(
        actor=manager_a,
        values={
            "company": customer.pk,
            "amount": str(paid.total),
            "method": "transfer",
            "received_on": "2026-01-20",
            "allocations": [{"invoice": paid.pk, "amount": str(paid.total)}],
        },
    )
    assert send_payment_reminders(_at(dt.date(2026, 2, 6))) == 0  # six days after: not yet
    assert send_payment_reminders(_at(dt.date(2026, 2, 7))) == 1
    assert send_payment_reminders(_at(dt.date(2026, 2, 20))) == 0
    keys = set(Outbox.objects.values_list("source", flat=True))
    assert keys == {f"billing-reminder:{owed.pk}:2026-01-31:after"}
    assert Notification.objects.filter(recipient=manager_a, kind="billing_reminder").count() == 1


def test_a_customer_without_an_email_still_gets_its_owner_notified(manager_a):
    invoice = issued(manager_a, company(manager_a), issue_date=dt.date(2026, 1, 1))
    assert send_payment_reminders(_at(dt.date(2026, 1, 30))) == 1
    assert not Outbox.objects.exists()
    note = Notification.objects.get(recipient=manager_a, kind="billing_reminder")
    assert invoice.number in note.text_title() and "no e-mail" in note.text_body()


def test_a_failed_reminder_email_is_tried_again_on_the_next_run(manager_a, settings):
    customer = company(manager_a)
    customer.emails = ["billing@parsian.example"]
    customer.save()
    issued(manager_a, customer, issue_date=dt.date(2026, 1, 1))
    settings.EMAIL_BACKEND = "tests.billing.test_periodic.BrokenMail"
    send_payment_reminders(_at(dt.date(2026, 1, 30)))
    assert Outbox.objects.get().status == OutboxStatus.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_payment_reminders(_at(dt.date(2026, 1, 30))) == 1
    assert sorted(Outbox.objects.values_list("status", flat=True)) == [OutboxStatus.FAILED, OutboxStatus.SENT]


class BrokenMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("the mail server is down")


def test_with_customer_reminders_off_only_the_owner_is_reminded(manager_a, admin):
    from peyvand.billing.services_catalog import save_billing_settings

    save_billing_settings(actor=admin, values={"remind_customers": False})
    customer = company(manager_a)
    customer.emails = ["billing@parsian.example"]
    customer.save()
    invoice = issued(manager_a, customer, issue_date=dt.date(2026, 1, 1))
    assert send_payment_reminders(_at(dt.date(2026, 1, 30))) == 1
    assert not Outbox.objects.exists()
    note = Notification.objects.get(recipient=manager_a, kind="billing_reminder")
    assert invoice.number in note.text_title()
    assert "no e-mail" not in note.text_body() and "e-mailed" not in note.text_body()
