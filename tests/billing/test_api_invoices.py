"""Invoices and payments over real HTTP: the generic routes, issue, credit, payments with allocations, the
balance, and another team's rep who finds nothing."""

import pytest

from peyvand.billing.models import Invoice, InvoiceStatus
from tests.billing.helpers_invoices import company

pytestmark = pytest.mark.django_db

LINES = [{"description": "Consulting", "quantity": "2", "unit_price": "5000000", "tax_percent": "10"}]


def test_a_draft_is_created_issued_paid_by_cheque_and_transfer_and_the_balance_is_zero(api_for, manager_a):
    api = api_for(manager_a)
    customer = company(manager_a)
    made = api.post("/invoices", {"company": customer.pk, "lines": LINES})
    assert made.status_code == 201, made.json()
    invoice = made.json()
    assert invoice["status"] == "draft" and invoice["total"] == "11000000.00" and invoice["number"] == ""
    issued = api.post(
        f"/invoices/{invoice['id']}/issue", {"version": invoice["version"], "issue_date": "2026-04-01"}
    )
    assert issued.status_code == 200, issued.json()
    assert issued.json()["number"] == "INV-1405-00001" and issued.json()["balance"] == "11000000.00"
    cheque = api.post(
        "/payments",
        {
            "company": customer.pk,
            "amount": "4000000",
            "method": "cheque",
            "received_on": "2026-04-05",
            "cheque_number": "556677",
            "cheque_bank": "Melli",
            "cheque_due_date": "2026-05-05",
            "allocations": [{"invoice": invoice["id"], "amount": "4000000"}],
        },
    )
    assert cheque.status_code == 201, cheque.json()
    assert cheque.json()["allocations"][0]["invoice_number"] == "INV-1405-00001"
    assert api.get(f"/invoices/{invoice['id']}").json()["status"] == "partly_paid"
    transfer = api.post(
        "/payments",
        {
            "company": customer.pk,
            "amount": "7000000",
            "method": "transfer",
            "received_on": "2026-04-06",
            "auto_allocate": True,
        },
    )
    assert transfer.status_code == 201
    final = api.get(f"/invoices/{invoice['id']}").json()
    assert final["status"] == "paid" and final["balance"] == "0.00"
    balance = api.get("/payments/balance", company=customer.pk).json()
    assert balance["balance"] == "0.00" and balance["open_invoices"] == 0


def test_an_issued_invoice_answers_409_to_a_change_and_to_a_delete(api_for, manager_a):
    api = api_for(manager_a)
    invoice = api.post("/invoices", {"company": company(manager_a).pk, "lines": LINES}).json()
    api.post(f"/invoices/{invoice['id']}/issue", {})
    current = api.get(f"/invoices/{invoice['id']}").json()
    changed = api.patch(f"/invoices/{invoice['id']}", {"version": current["version"], "note": "x"})
    assert changed.status_code == 409 and changed.json()["code"] == "invoice.immutable"
    deleted = api.delete(f"/invoices/{invoice['id']}")
    assert deleted.status_code == 409
    assert Invoice.objects.get(pk=invoice["id"]).deleted_at is None


def test_a_credit_note_over_http_cancels_the_invoice(api_for, manager_a):
    api = api_for(manager_a)
    invoice = api.post("/invoices", {"company": company(manager_a).pk, "lines": LINES}).json()
    api.post(f"/invoices/{invoice['id']}/issue", {})
    credit = api.post(f"/invoices/{invoice['id']}/credit", {"full": True})
    assert credit.status_code == 201, credit.json()
    assert credit.json()["kind"] == "credit_note" and credit.json()["credits_id"] == invoice["id"]
    assert Invoice.objects.get(pk=invoice["id"]).status == InvoiceStatus.CANCELLED


def test_an_allocation_over_the_balance_answers_422_naming_the_row(api_for, manager_a):
    api = api_for(manager_a)
    customer = company(manager_a)
    invoice = api.post("/invoices", {"company": customer.pk, "lines": LINES}).json()
    api.post(f"/invoices/{invoice['id']}/issue", {})
    refused = api.post(
        "/payments",
        {
            "company": customer.pk,
            "amount": "20000000",
            "method": "cash",
            "received_on": "2026-04-05",
            "allocations": [{"invoice": invoice["id"], "amount": "20000000"}],
        },
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "allocations.0.amount"


def test_a_rep_drafts_but_is_refused_issuing_and_recording_payments(api_for, rep_a):
    api = api_for(rep_a)
    customer = company(rep_a)
    invoice = api.post("/invoices", {"company": customer.pk, "lines": LINES})
    assert invoice.status_code == 201
    assert api.post(f"/invoices/{invoice.json()['id']}/issue", {}).status_code == 403
    paid = api.post(
        "/payments", {"company": customer.pk, "amount": "1", "method": "cash", "received_on": "2026-04-05"}
    )
    assert paid.status_code == 403


def test_another_teams_rep_finds_neither_the_invoice_nor_the_payment_nor_the_balance(
    api_for, manager_a, rep_b
):
    api = api_for(manager_a)
    customer = company(manager_a)
    invoice = api.post("/invoices", {"company": customer.pk, "lines": LINES}).json()
    api.post(f"/invoices/{invoice['id']}/issue", {})
    payment = api.post(
        "/payments", {"company": customer.pk, "amount": "100", "method": "cash", "received_on": "2026-04-05"}
    ).json()
    other = api_for(rep_b)
    assert other.get(f"/invoices/{invoice['id']}").status_code == 404
    assert other.post(f"/invoices/{invoice['id']}/credit", {"full": True}).status_code == 404
    assert other.get(f"/payments/{payment['id']}").status_code == 404
    assert other.get("/payments/balance", company=customer.pk).status_code == 404
    assert other.get("/invoices").json()["count"] == 0


def test_the_overdue_filter_lists_invoices_owed_after_their_due_date(api_for, manager_a):
    api = api_for(manager_a)
    invoice = api.post("/invoices", {"company": company(manager_a).pk, "lines": LINES}).json()
    api.post(f"/invoices/{invoice['id']}/issue", {"issue_date": "2024-01-01"})
    api.post("/invoices", {"company": company(manager_a, "Fresh").pk, "lines": LINES})
    assert [row["id"] for row in api.get("/invoices", overdue="true").json()["items"]] == [invoice["id"]]
