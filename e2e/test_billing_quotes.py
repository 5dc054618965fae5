"""Quotes in Chromium: a rep adds products to a deal, makes a quote of it and sends it; the customer opens the
signed link in a new browser context (not signed in) and accepts it, and the rep sees it accepted. In Persian and
English, at 1440 px and 390 px."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, new_page, signed_in
from peyvand.billing.models import Quote, QuoteStatus
from tests.billing.quote_factories import make_deal, make_product

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
ACCEPTED = {"en": "Accepted", "fa": "پذیرفته"}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_rep_quotes_a_deals_products_and_the_customer_accepts_through_the_link(
    browser, live_server, rep_a, pipeline, language
):
    deal = make_deal(rep_a)
    printer = make_product(rep_a, name="Laser printer", code="LP-100", price="10000000")
    page = signed_in(browser, live_server, rep_a, language)
    page.goto(f"/deals/{deal.pk}/")
    page.select_option("#deal-line-product", str(printer.pk))
    page.fill("#deal-line-quantity", "3")
    page.locator("#deal-lines button.primary").first.click()
    expect(page.locator("#deal-lines table")).to_contain_text("LP-100")
    fits(page, f"quotes-deal-lines-{language}")
    deal.refresh_from_db()
    assert deal.amount == 30000000

    page.click("#make-quote")
    page.wait_for_url("**/quotes/*/")
    quote = Quote.objects.get(deal=deal)
    expect(page.locator("#quote-lines")).to_contain_text("LP-100")
    page.click("#send-quote")
    expect(page.locator("#quote-status")).not_to_have_text("")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    fits(page, f"quotes-quote-{language}")
    link = page.locator("#quote-link").input_value()

    customer = new_page(browser, live_server)  # a new context: no session, no cookie of the rep's
    customer.goto(
        link.replace(live_server.url, "").replace("http://127.0.0.1:8000", "") + f"?lang={language}"
    )
    expect(customer.locator("#public-quote")).to_contain_text("LP-100")
    fits(customer, f"quotes-public-{language}")
    customer.fill("#accept-name", "Kian Shirazi")
    customer.click("#accept-quote")
    expect(customer.locator("#public-done")).to_contain_text("Kian Shirazi")
    fits(customer, f"quotes-public-accepted-{language}")

    page.reload()
    expect(page.locator("#quote-status")).to_contain_text(ACCEPTED[language])
    expect(page.locator("#quote-answer")).to_contain_text("Kian Shirazi")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED and quote.responder_address == "127.0.0.1"
