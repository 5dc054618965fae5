"""Invoices and payments in Chromium, in Persian and English: a manager issues an invoice, records a partial payment
by cheque (its due date picked from the calendar) and the rest by bank transfer, sees the invoice paid and the
customer owing nothing on the company's page, and downloads the invoice's PDF."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.billing import services_invoices
from peyvand.billing.models import Invoice, InvoiceStatus, Payment
from peyvand.contacts.models import Company

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _pay(page, *, amount: str, method: str, language: str, cheque: bool = False):
    """Fill the payment form opened from the invoice's page and save it."""
    page.click("#record-payment")
    page.wait_for_url(re.compile(r"/payments/new/"))
    page.fill("#id_amount", amount)
    cheque_number = page.locator(".field:has(#id_cheque_number)")
    page.select_option("#id_method", method)
    if not cheque:
        expect(cheque_number).to_be_hidden()  # the cheque's fields show only for a cheque (app.css)
    else:
        expect(cheque_number).to_be_visible()
        page.fill("#id_cheque_number", "778899")
        page.fill("#id_cheque_bank", "Mellat" if language == "en" else "ملت")
        if language == "fa":
            page.click("#id_cheque_due_date")
            calendar = page.locator("jdp-container")
            expect(calendar).to_be_visible()
            page.wait_for_timeout(400)  # it fades in
            calendar.locator(".jdp-day:not(.disabled-day):not(.not-in-month)", has_text="20").first.click()
            if calendar.locator(".jdp-btn-close").is_visible():  # a date without a time closes on its own
                calendar.locator(".jdp-btn-close").click()
            expect(page.locator("#id_cheque_due_date")).to_have_value(re.compile(r"^14\d\d/\d\d/20$"))
        else:
            page.fill("#id_cheque_due_date", "2026-05-20")
        fits(page, f"billing-payment-cheque-{language}")
    page.click("form button[type=submit].primary")
    page.wait_for_url(re.compile(r"/payments/\d+/$"))


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_manager_issues_an_invoice_is_paid_by_cheque_and_transfer_and_downloads_its_pdf(
    browser, live_server, manager_a, language
):
    customer = Company.objects.create(name="پارسیان تجارت", owner=manager_a, team=manager_a.team)
    draft = services_invoices.create_invoice(
        actor=manager_a,
        values={
            "company": customer.pk,
            "lines": [{"description": "پشتیبانی سالانه", "quantity": "2", "unit_price": "5000000"}],
        },
    )
    page = signed_in(browser, live_server, manager_a, language)

    page.goto(f"/invoices/{draft.pk}/")
    fits(page, f"billing-invoice-draft-{language}")
    page.click("#issue-invoice")
    expect(page.locator("#invoice-status")).to_have_class(re.compile(r"status-issued"))
    invoice = Invoice.objects.get(pk=draft.pk)
    assert invoice.status == InvoiceStatus.ISSUED and invoice.total == 10_000_000  # Rial: 1,000,000 Toman

    _pay(page, amount="400000", method="cheque", language=language, cheque=True)
    page.goto(f"/invoices/{invoice.pk}/")
    expect(page.locator("#invoice-status")).to_have_class(re.compile(r"status-partly_paid"))
    _pay(page, amount="600000", method="transfer", language=language)

    page.goto(f"/invoices/{invoice.pk}/")
    expect(page.locator("#invoice-status")).to_have_class(re.compile(r"status-paid"))
    balance = page.locator("#invoice-balance")
    expect(balance).to_contain_text("۰" if language == "fa" else "0")
    fits(page, f"billing-invoice-paid-{language}")
    cheque = Payment.objects.get(method="cheque")
    assert cheque.amount == 4_000_000 and cheque.cheque_number == "778899"
    if language == "fa":  # the 20th of a Jalali month
        import jdatetime

        assert jdatetime.date.fromgregorian(date=cheque.cheque_due_date).day == 20

    page.goto(f"/companies/{customer.pk}/")
    amount = page.locator("#customer-balance-amount")
    expect(amount).to_be_visible()
    digits = re.sub(r"\D", "", amount.inner_text().translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))
    assert set(digits) == {"0"}, amount.inner_text()
    fits(page, f"billing-company-balance-{language}")

    page.goto(f"/invoices/{invoice.pk}/")
    href = page.locator("#invoice-pdf").get_attribute("href")
    response = page.context.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    page.goto("/payments/")
    fits(page, f"billing-payments-list-{language}")
    page.context.close()
