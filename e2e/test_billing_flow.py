"""From deal to money in Chromium, in Persian and English, at 1440 px and 390 px: a rep adds products to a deal and
makes a quote of it (its discount within the rep's ceiling, so it needs no manager) and sends it; the customer opens
the signed link in a new browser context (not signed in, like a private window) and accepts it; a manager turns the
quote into an invoice in one click, issues it, records a partial payment by cheque and the rest by bank transfer,
sees the invoice paid and the customer owing nothing, and downloads the invoice's PDF, whose text holds the
amount in Persian words and Jalali dates in Persian digits."""

import io
import re

import pypdf
import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from e2e.conftest import fits, new_page, signed_in
from e2e.test_billing_invoices import _pay
from peyvand.billing.models import Invoice, InvoiceStatus, Payment, Quote, QuoteStatus
from peyvand.billing.words import amount_in_words
from peyvand.core import jalali
from tests.billing.quote_factories import make_deal, make_product
from tests.billing.test_pdf import printed

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_deals_products_are_quoted_accepted_online_invoiced_and_paid_by_cheque_and_transfer(
    browser, live_server, rep_a, manager_a, pipeline, language, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # the PDFs kept among the quote's and the invoice's files
    deal = make_deal(rep_a)
    printer = make_product(rep_a, name="چاپگر لیزری", code="LP-200", price="10000000")

    # a rep adds two printers at 5% off (within a rep's ceiling) on the deal's page and makes a quote of them
    rep = signed_in(browser, live_server, rep_a, language)
    rep.goto(f"/deals/{deal.pk}/")
    rep.select_option("#deal-line-product", str(printer.pk))
    rep.fill("#deal-line-quantity", "2")
    rep.fill("#deal-line-discount", "5")
    rep.locator("#deal-lines button.primary").first.click()
    expect(rep.locator("#deal-lines table")).to_contain_text("LP-200")
    fits(rep, f"flow-deal-lines-{language}")
    rep.click("#make-quote")
    rep.wait_for_url("**/quotes/*/")
    quote = Quote.objects.get(deal=deal)
    expect(rep.locator("#quote-lines")).to_contain_text("LP-200")
    expect(rep.locator("#quote-pdf")).to_be_visible()
    fits(rep, f"flow-quote-draft-{language}")
    rep.click("#send-quote")
    expect(rep.locator("#quote-status")).to_have_class(re.compile(r"status-sent"))
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT and quote.approved_by is None
    ((name, content, mimetype),) = mail.outbox[-1].attachments  # the e-mail carries the quote's PDF
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    fits(rep, f"flow-quote-sent-{language}")
    link = rep.locator("#quote-link").input_value()
    rep.context.close()

    # the customer, not signed in, opens the link in a context of their own and accepts with their name
    customer = new_page(browser, live_server)
    customer.goto(re.sub(r"^https?://[^/]+", "", link) + f"?lang={language}")
    expect(customer.locator("#public-quote")).to_contain_text("LP-200")
    fits(customer, f"flow-public-{language}")
    customer.fill("#accept-name", "کیان شیرازی" if language == "fa" else "Kian Shirazi")
    customer.click("#accept-quote")
    expect(customer.locator("#public-done")).to_be_visible()
    customer.context.close()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED

    # a manager turns the accepted quote into an invoice in one click and issues it
    page = signed_in(browser, live_server, manager_a, language)
    page.goto(f"/quotes/{quote.pk}/")
    expect(page.locator("#quote-answer")).to_contain_text("شیرازی" if language == "fa" else "Shirazi")
    fits(page, f"flow-quote-accepted-{language}")
    page.click("#quote-to-invoice")
    page.wait_for_url(re.compile(r"/invoices/\d+/$"))
    invoice = Invoice.objects.get(quote=quote)
    assert page.url.endswith(f"/invoices/{invoice.pk}/")
    # 2 × 10,000,000 − 5% = 19,000,000 + 10% tax = 20,900,000 Rial, 2,090,000 Toman
    assert (invoice.status, invoice.total, invoice.company_id) == (
        InvoiceStatus.DRAFT,
        20_900_000,
        deal.company_id,
    )
    fits(page, f"flow-invoice-draft-{language}")
    page.click("#issue-invoice")
    expect(page.locator("#invoice-status")).to_have_class(re.compile(r"status-issued"))

    # a partial payment by cheque (its due date picked on the Jalali calendar in Persian), the rest by transfer
    _pay(page, amount="900000", method="cheque", language=language, cheque=True)
    page.goto(f"/invoices/{invoice.pk}/")
    expect(page.locator("#invoice-status")).to_have_class(re.compile(r"status-partly_paid"))
    _pay(page, amount="1190000", method="transfer", language=language)
    page.goto(f"/invoices/{invoice.pk}/")
    expect(page.locator("#invoice-status")).to_have_class(re.compile(r"status-paid"))
    fits(page, f"flow-invoice-paid-{language}")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (InvoiceStatus.PAID, 0)
    assert sorted(Payment.objects.values_list("method", "amount")) == [
        ("cheque", 9_000_000),
        ("transfer", 11_900_000),
    ]

    # the deal's customer owes nothing, on the company's page
    page.goto(f"/companies/{deal.company_id}/")
    owed = page.locator("#customer-balance-amount")
    expect(owed).to_be_visible()
    assert set(re.sub(r"\D", "", owed.inner_text().translate(TO_LATIN))) == {"0"}, owed.inner_text()
    fits(page, f"flow-company-balance-{language}")

    # the invoice's PDF: the page's language, and the Persian print with its amount in words and Jalali dates
    page.goto(f"/invoices/{invoice.pk}/")
    href = page.locator("#invoice-pdf").get_attribute("href")
    download = page.context.request.get(href)
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    text = _pdf_text(download.body())
    persian = text if language == "fa" else _pdf_text(page.context.request.get(f"{href}?language=fa").body())
    with translation.override("fa"):
        issued_on = jalali.format_date(invoice.issue_date)
    assert re.fullmatch(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}", issued_on)
    assert printed(issued_on, persian)
    assert amount_in_words(invoice.total, invoice.currency, language="fa") in persian
    if language == "en":
        assert amount_in_words(invoice.total, invoice.currency, language="en") in text
    page.context.close()
