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


def test_each_role_gets_what_it_may_from_every_invoice_and_payment_operation(
    api_for, admin, manager_a, rep_a, rep_b
):
    """The permission matrix of invoices and payments (tests/test_permissions.py names this test): reps draft
    and read their own; managers and admins issue, credit and record payments; team B's rep finds nothing."""
    import datetime as dt

    from peyvand.billing import services_invoices, services_payments
    from peyvand.billing.models import Quote, QuoteLine, QuoteStatus
    from peyvand.core.records import delete_record

    customer = company(rep_a)
    clients = {user.username: api_for(user) for user in (admin, manager_a, rep_a, rep_b)}

    def fresh_draft():
        return services_invoices.create_invoice(actor=rep_a, values={"company": customer.pk, "lines": LINES})

    def fresh_issued():
        return services_invoices.issue_invoice(actor=manager_a, invoice=fresh_draft())

    def fresh_payment():
        return services_payments.record_payment(
            actor=manager_a,
            values={
                "company": customer.pk,
                "amount": "100",
                "method": "cash",
                "received_on": dt.date(2026, 4, 5),
            },
        )

    def quote():
        made = Quote.objects.create(
            owner=rep_a,
            team=rep_a.team,
            company=customer,
            number=f"Q-{Quote.objects.count() + 1}",
            issue_date=dt.date(2026, 4, 1),
            valid_until=dt.date(2026, 4, 30),
            status=QuoteStatus.ACCEPTED,
        )
        QuoteLine.objects.create(quote=made, description="Router", unit_price=100)
        return made

    def deleted_draft():
        return delete_record(fresh_draft(), actor=rep_a)

    answers = {"admin": {}, "manager_a": {}, "rep_a": {}, "rep_b": {}}
    for name, api in clients.items():
        d, i, p = fresh_draft(), fresh_issued(), fresh_payment()
        got = answers[name]
        got["invoices_list"] = api.get("/invoices").status_code
        got["invoices_create"] = api.post("/invoices", {"company": customer.pk, "lines": LINES}).status_code
        got["invoices_read"] = api.get(f"/invoices/{d.pk}").status_code
        got["invoices_update"] = api.patch(
            f"/invoices/{d.pk}", {"version": d.version, "note": "n"}
        ).status_code
        got["invoices_update_issued"] = api.patch(
            f"/invoices/{i.pk}", {"version": i.version, "note": "n"}
        ).status_code
        got["invoices_delete_issued"] = api.delete(f"/invoices/{i.pk}").status_code
        got["invoices_restore"] = api.post(f"/invoices/{deleted_draft().pk}/restore").status_code
        got["invoices_audit"] = api.get(f"/invoices/{d.pk}/audit").status_code
        got["invoices_issue"] = api.post(f"/invoices/{d.pk}/issue", {}).status_code
        got["invoices_credit"] = api.post(f"/invoices/{i.pk}/credit", {"full": True}).status_code
        got["invoices_from_quote"] = api.post(f"/invoices/from-quote/{quote().pk}").status_code
        got["payments_list"] = api.get("/payments").status_code
        got["payments_create"] = api.post(
            "/payments",
            {"company": customer.pk, "amount": "5", "method": "cash", "received_on": "2026-04-05"},
        ).status_code
        got["payments_read"] = api.get(f"/payments/{p.pk}").status_code
        got["payments_update"] = api.patch(
            f"/payments/{p.pk}", {"version": p.version, "reference": "R"}
        ).status_code
        got["payments_audit"] = api.get(f"/payments/{p.pk}/audit").status_code
        got["payments_allocate"] = api.post(f"/payments/{p.pk}/allocate", {}).status_code
        got["payments_cheque_status"] = api.post(
            f"/payments/{p.pk}/cheque-status", {"status": "cleared"}
        ).status_code
        got["payments_balance"] = api.get("/payments/balance", company=customer.pk).status_code
        got["payments_delete"] = api.delete(f"/payments/{fresh_payment().pk}").status_code
        p2 = fresh_payment()
        delete_record(p2, actor=manager_a)
        got["payments_restore"] = api.post(f"/payments/{p2.pk}/restore").status_code

    manager = {
        "invoices_list": 200,
        "invoices_create": 201,
        "invoices_read": 200,
        "invoices_update": 200,
        "invoices_update_issued": 409,
        "invoices_delete_issued": 409,
        "invoices_restore": 403,
        "invoices_audit": 200,
        "invoices_issue": 200,
        "invoices_credit": 201,
        "invoices_from_quote": 201,
        "payments_list": 200,
        "payments_create": 201,
        "payments_read": 200,
        "payments_update": 200,
        "payments_audit": 200,
        "payments_allocate": 200,
        "payments_cheque_status": 422,  # a cash payment has no cheque status
        "payments_balance": 200,
        "payments_delete": 204,
        "payments_restore": 403,
    }
    assert answers["manager_a"] == manager
    assert answers["admin"] == {**manager, "invoices_restore": 200, "payments_restore": 200}
    # the rep owns the drafts and the customer, not the payments (recorded by the manager)
    assert answers["rep_a"] == {
        **manager,
        "invoices_restore": 403,
        "invoices_issue": 403,
        "invoices_credit": 403,
        "invoices_update_issued": 409,
        "payments_create": 403,
        "payments_read": 404,
        "payments_update": 404,
        "payments_audit": 404,
        "payments_allocate": 404,
        "payments_cheque_status": 404,
        "payments_delete": 404,
        "payments_restore": 404,
    }
    stranger = answers["rep_b"]
    assert stranger["invoices_list"] == stranger["payments_list"] == 200
    assert stranger["invoices_create"] == 422  # the company is not theirs to bill
    assert stranger["payments_create"] == 403
    assert all(
        status == 404
        for op, status in stranger.items()
        if op not in ("invoices_list", "payments_list", "invoices_create", "payments_create")
    ), stranger
