"""The way into billing in Chromium, in Persian and English: the phone menu's Billing entry opens the hub, whose
cards show the figures and lead to the lists, with the entry still marked as the current section."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.billing import services_invoices
from peyvand.contacts.models import Company

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_menu_leads_to_the_billing_hub_and_its_cards_to_the_lists(
    browser, live_server, manager_a, language
):
    customer = Company.objects.create(name="پارسیان تجارت", owner=manager_a, team=manager_a.team)
    draft = services_invoices.create_invoice(
        actor=manager_a,
        values={
            "company": customer.pk,
            "lines": [{"description": "پشتیبانی سالانه", "unit_price": "25000000"}],
        },
    )
    services_invoices.issue_invoice(actor=manager_a, invoice=draft, issue_date=dt.date(2025, 1, 5))
    page = signed_in(browser, live_server, manager_a, language)
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("[data-menu-toggle]")
    page.click("#mainnav a[href='/billing/']")
    page.wait_for_url(re.compile(r"/billing/$"))
    expect(page.locator("h1")).to_have_text("مالی" if language == "fa" else "Billing")
    invoices = page.locator("[data-card=invoices]")
    expect(invoices).to_contain_text("۲٬۵۰۰٬۰۰۰" if language == "fa" else "2,500,000")
    expect(page.locator("[data-card=overdue]")).to_contain_text("۱" if language == "fa" else "1 invoice")
    expect(page.locator("[data-card=tax-export]")).to_be_visible()
    expect(page.locator("[data-card=settings]")).to_have_count(0)  # administrators only
    fits(page, f"billing-home-{language}")
    page.set_viewport_size({"width": 390, "height": 844})
    invoices.locator("a").click()
    page.wait_for_url(re.compile(r"/invoices/$"))
    expect(page.locator("#mainnav a[aria-current=page]")).to_have_attribute("href", "/billing/")
