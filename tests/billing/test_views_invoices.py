"""The invoice and payment pages through the Django test client: every page answers, a draft made in the form
is issued, a payment made in the form pays its invoice, and the company page shows the balance."""

import pytest
from django.test import Client

from tests.billing.helpers_invoices import company, draft, issued


@pytest.mark.django_db
def test_a_manager_drafts_issues_and_records_a_cheque_through_the_pages_and_sees_the_balance(manager_a):
    c = Client()
    c.force_login(manager_a)
    customer = company(manager_a)
    inv = issued(manager_a, customer)
    d = draft(manager_a, customer)
    for url in [
        "/invoices/",
        f"/invoices/{inv.pk}/",
        f"/invoices/{d.pk}/",
        "/invoices/new/",
        f"/invoices/{d.pk}/edit/",
        "/invoices/overdue/",
        f"/invoices/{inv.pk}/credit/",
        "/payments/",
        f"/payments/new/?company={customer.pk}&invoice={inv.pk}",
        f"/companies/{customer.pk}/",
        "/invoices/?overdue=true",
    ]:
        r = c.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert r.status_code == 200, (url, r.status_code, r.content[:3000])
    r = c.post(
        "/payments/new/",
        {
            "company": customer.pk,
            "invoice": inv.pk,
            "amount": "400",
            "currency": "IRR",
            "method": "cheque",
            "received_on": "1405/01/16",
            "cheque_number": "1",
            "cheque_due_date": "1405/02/11",
        },
    )
    assert r.status_code == 302, r.content.decode()[-3000:]
    r = c.get(r["Location"])
    assert r.status_code == 200
    r = c.post(
        "/invoices/new/",
        {
            "company": customer.pk,
            "currency": "IRR",
            "discount_percent": "0",
            "line_0_description": "X",
            "line_0_quantity": "1",
            "line_0_unit_price": "100",
            "line_0_tax_percent": "9",
        },
    )
    assert r.status_code == 302, r.content.decode()[-3000:]
    r = c.post(r["Location"].rstrip("/") + "/issue/", {})
    assert r.status_code == 302
    page = c.get(f"/companies/{customer.pk}/").content.decode()
    assert "customer-balance" in page
    page = c.get(f"/invoices/{inv.pk}/").content.decode()
    assert "record-payment" in page


@pytest.mark.django_db
def test_the_invoice_and_credit_note_pages_link_their_pdf(manager_a):
    import re

    from peyvand.billing import services_invoices

    c = Client()
    c.force_login(manager_a)
    inv = issued(manager_a, company(manager_a))
    note = services_invoices.credit_invoice(actor=manager_a, invoice=inv, full=True)
    for record in (inv, note):
        page = c.get(f"/invoices/{record.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        link = re.search(r'id="invoice-pdf" href="([^"]+)"', page)
        assert link and link.group(1) == f"/billing/invoice/{record.pk}/pdf/"
        r = c.get(link.group(1))
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert r.content.startswith(b"%PDF") and record.number in r["Content-Disposition"]
