import datetime as dt

import pytest

from peyvand.billing import services_invoices, services_payments
from peyvand.billing.models import ChequeStatus, InvoiceStatus, Payment, PaymentAllocation
from peyvand.contacts.models import Contact
from peyvand.core import events
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.records import delete_record
from tests.billing.helpers_invoices import company, issued, rial

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 4, 10)


def pay(actor, customer, amount, **values):
    return services_payments.record_payment(
        actor=actor,
        values={"company": customer.pk, "amount": amount, "method": "transfer", "received_on": DAY, **values},
    )


def test_a_partial_payment_leaves_the_invoice_partly_paid_with_its_balance(manager_a):
    customer = company(manager_a)
    invoice = issued(manager_a, customer, amount="1000")
    payment = pay(manager_a, customer, "400", allocations=[{"invoice": invoice.pk, "amount": "400"}])
    invoice.refresh_from_db()
    assert (invoice.paid, invoice.balance, invoice.status) == (
        rial(400),
        rial(600),
        InvoiceStatus.PARTLY_PAID,
    )
    assert payment.allocated == rial(400)


def test_a_cheque_and_a_transfer_together_pay_the_invoice_and_announce_it_once(
    manager_a, django_capture_on_commit_callbacks
):
    customer = company(manager_a)
    invoice = issued(manager_a, customer, amount="1000")
    heard = []
    events.invoice_paid.connect(paid := lambda sender, invoice, actor, **kw: heard.append(invoice.pk))
    events.payment_recorded.connect(
        recorded := lambda sender, payment, actor, **kw: heard.append(payment.method)
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            cheque = pay(
                manager_a,
                customer,
                "300",
                method="cheque",
                cheque_number="123456",
                cheque_bank="Mellat",
                cheque_due_date=dt.date(2026, 5, 1),
                auto_allocate=True,
            )
        with django_capture_on_commit_callbacks(execute=True):
            pay(manager_a, customer, "700", auto_allocate=True)
    finally:
        events.invoice_paid.disconnect(paid)
        events.payment_recorded.disconnect(recorded)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.balance == 0 and invoice.paid_at is not None
    assert cheque.cheque_status == ChequeStatus.PENDING
    assert heard == ["cheque", invoice.pk, "transfer"]
    assert services_payments.customer_balance(customer) == 0


def test_automatic_allocation_pays_the_oldest_invoices_first_and_keeps_the_rest_on_account(manager_a):
    customer = company(manager_a)
    newer = issued(manager_a, customer, amount="500", issue_date=dt.date(2026, 4, 5))
    older = issued(manager_a, customer, amount="300", issue_date=dt.date(2026, 4, 1))
    payment = pay(manager_a, customer, "1000", auto_allocate=True)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.status == newer.status == InvoiceStatus.PAID
    assert payment.allocated == rial(800)
    assert services_payments.customer_balance(customer) == rial(-200)


def test_automatic_allocation_stops_when_the_payment_runs_out(manager_a):
    customer = company(manager_a)
    older = issued(manager_a, customer, amount="300", issue_date=dt.date(2026, 4, 1))
    newer = issued(manager_a, customer, amount="500", issue_date=dt.date(2026, 4, 5))
    pay(manager_a, customer, "400", auto_allocate=True)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.balance, newer.balance) == (rial(0), rial(400))
    assert newer.status == InvoiceStatus.PARTLY_PAID


def test_an_allocation_over_the_invoices_balance_is_refused_by_its_row(manager_a):
    customer = company(manager_a)
    invoice = issued(manager_a, customer, amount="1000")
    with pytest.raises(ValidationFailed) as refused:
        pay(manager_a, customer, "2000", allocations=[{"invoice": invoice.pk, "amount": "1500"}])
    assert refused.value.errors[0]["field"] == "allocations.0.amount"
    assert not Payment.objects.exists()


def test_allocations_over_the_payments_amount_are_refused(manager_a):
    customer = company(manager_a)
    a = issued(manager_a, customer, amount="1000")
    b = issued(manager_a, customer, amount="1000")
    with pytest.raises(ValidationFailed) as refused:
        pay(
            manager_a,
            customer,
            "500",
            allocations=[{"invoice": a.pk, "amount": "300"}, {"invoice": b.pk, "amount": "300"}],
        )
    assert refused.value.errors[0]["field"] == "allocations"
    assert not PaymentAllocation.objects.exists()


def test_another_customers_invoice_cannot_take_the_payment(manager_a):
    invoice = issued(manager_a, company(manager_a, "Other customer"), amount="1000")
    with pytest.raises(ValidationFailed) as refused:
        pay(manager_a, company(manager_a), "500", allocations=[{"invoice": invoice.pk, "amount": "500"}])
    assert refused.value.errors[0]["field"] == "allocations.0.invoice"


def test_a_cheque_needs_its_number_and_due_date(manager_a):
    with pytest.raises(ValidationFailed) as refused:
        pay(manager_a, company(manager_a), "500", method="cheque")
    assert {e["field"] for e in refused.value.errors} == {"cheque_number", "cheque_due_date"}


def test_an_amount_of_zero_is_refused_by_name(manager_a):
    with pytest.raises(ValidationFailed) as refused:
        pay(manager_a, company(manager_a), "0")
    assert refused.value.errors[0]["field"] == "amount"


def test_a_rep_may_not_record_payments(rep_a):
    with pytest.raises(PeyvandError) as refused:
        pay(rep_a, company(rep_a), "500")
    assert refused.value.status == 403 and refused.value.code == "payment.forbidden"


def test_a_bounced_cheque_undoes_its_allocations_so_the_invoice_owes_again(manager_a):
    customer = company(manager_a)
    invoice = issued(manager_a, customer, amount="1000")
    cheque = pay(
        manager_a,
        customer,
        "1000",
        method="cheque",
        cheque_number="77",
        cheque_due_date=dt.date(2026, 5, 1),
        auto_allocate=True,
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    bounced = services_payments.set_cheque_status(actor=manager_a, payment=cheque, status="bounced")
    invoice.refresh_from_db()
    assert bounced.allocated == 0 and not bounced.allocations.exists()
    assert (invoice.status, invoice.balance, invoice.paid_at) == (InvoiceStatus.ISSUED, rial(1000), None)
    assert services_payments.customer_balance(customer) == rial(1000)
    with pytest.raises(PeyvandError) as refused:
        services_payments.allocate_payment(actor=manager_a, payment=bounced)
    assert refused.value.code == "payment.bounced"


def test_a_cleared_cheque_keeps_its_allocations(manager_a):
    customer = company(manager_a)
    invoice = issued(manager_a, customer, amount="1000")
    cheque = pay(
        manager_a,
        customer,
        "1000",
        method="cheque",
        cheque_number="8",
        cheque_due_date=DAY,
        auto_allocate=True,
    )
    services_payments.set_cheque_status(actor=manager_a, payment=cheque, status="cleared")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_money_on_account_is_allocated_later_to_a_new_invoice(manager_a):
    customer = company(manager_a)
    payment = pay(manager_a, customer, "1000")
    assert payment.allocated == 0 and services_payments.customer_balance(customer) == rial(-1000)
    invoice = issued(manager_a, customer, amount="600")
    services_payments.allocate_payment(actor=manager_a, payment=payment)
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and payment.allocated == rial(600)


def test_the_balance_is_invoices_less_credit_notes_less_payments(manager_a):
    customer = company(manager_a)
    first = issued(manager_a, customer, amount="1000")
    issued(manager_a, customer, amount="2000")
    services_invoices.credit_invoice(
        actor=manager_a, invoice=first, lines=[{"line": first.lines.get().pk, "quantity": "0.25"}]
    )
    pay(manager_a, customer, "500")
    assert services_payments.customer_balance(customer) == rial(1000 + 2000 - 250 - 500)


def test_a_contacts_balance_counts_only_what_was_billed_to_them_alone(manager_a):
    person = Contact.objects.create(last_name="Rezaei", owner=manager_a, team=manager_a.team)
    invoice = services_invoices.create_invoice(
        actor=manager_a,
        values={"contact": person.pk, "lines": [{"description": "Course", "unit_price": "800"}]},
    )
    services_invoices.issue_invoice(actor=manager_a, invoice=invoice)
    assert services_payments.customer_balance(person) == rial(800)


def test_a_payment_that_pays_invoices_is_not_deleted(manager_a):
    customer = company(manager_a)
    issued(manager_a, customer, amount="1000")
    payment = pay(manager_a, customer, "1000", auto_allocate=True)
    with pytest.raises(PeyvandError) as refused:
        delete_record(payment, actor=manager_a)
    assert refused.value.code == "payment.allocated"


def test_a_payments_amount_is_fixed_once_recorded(manager_a):
    payment = pay(manager_a, company(manager_a), "1000")
    with pytest.raises(ValidationFailed) as refused:
        services_payments.update_payment(
            actor=manager_a, payment=payment, version=payment.version, values={"amount": "5"}
        )
    assert refused.value.errors[0]["field"] == "amount"
    changed = services_payments.update_payment(
        actor=manager_a, payment=payment, version=payment.version, values={"reference": "TRX-99"}
    )
    assert changed.reference == "TRX-99"


def test_an_overdue_invoice_stays_overdue_until_paid(manager_a):
    customer = company(manager_a)
    invoice = issued(manager_a, customer, amount="1000", issue_date=dt.date(2026, 1, 1))
    assert services_invoices.mark_overdue(invoice=invoice, today=dt.date(2026, 3, 1)) is True
    assert services_invoices.mark_overdue(invoice=invoice, today=dt.date(2026, 3, 2)) is False
    pay(manager_a, customer, "400", auto_allocate=True)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OVERDUE
    pay(manager_a, customer, "600", auto_allocate=True)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_a_rep_who_owns_a_payment_cannot_delete_it_but_a_manager_can_while_it_pays_nothing(manager_a, rep_a):
    from peyvand.billing.models import Payment

    payment = pay(manager_a, company(manager_a), "1000")
    Payment.objects.filter(pk=payment.pk).update(owner=rep_a)  # the rep owns it (and so sees it)
    payment.refresh_from_db()
    with pytest.raises(PeyvandError) as refused:
        delete_record(payment, actor=rep_a)
    assert refused.value.code == "record.delete_forbidden" and refused.value.status == 403
    assert Payment.objects.get(pk=payment.pk).deleted_at is None
    delete_record(payment, actor=manager_a)
    assert Payment.all_objects.get(pk=payment.pk).deleted_at is not None
