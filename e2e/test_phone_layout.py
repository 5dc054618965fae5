"""The app on a phone, in Chromium at 390 px: a compact header whose menu button opens the navigation, lists as
cards with each value named, and no page wider than the screen. In Persian and English."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.contacts.services import create_company, create_contact
from peyvand.sales.services import create_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
CONTACTS = {"en": "Contacts", "fa": "مخاطب‌ها"}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_menu_opens_from_a_button_and_lists_become_cards(browser, live_server, rep_a, pipeline, language):
    company = create_company(actor=rep_a, values={"name": "پارس‌فولاد"})
    contact = create_contact(
        actor=rep_a,
        values={"first_name": "Sara", "last_name": "Rezaei", "company": company, "phones": ["09121234567"]},
    )
    create_deal(actor=rep_a, values={"title": "Warehouse scanners", "contact": contact, "company": company})
    page = signed_in(browser, live_server, rep_a, language)
    page.set_viewport_size({"width": 390, "height": 844})

    nav = page.locator("#mainnav")
    expect(nav).to_be_hidden()
    page.click("[data-menu-toggle]")
    expect(nav).to_be_visible()
    nav.get_by_role("link", name=CONTACTS[language], exact=True).click()
    page.wait_for_url("**/contacts/")
    expect(page.locator("#mainnav")).to_be_hidden()  # a new page starts with the menu closed

    card = page.locator("table.table tbody tr").first
    expect(page.locator("table.table thead")).to_be_hidden()
    expect(card.locator("td").nth(1)).to_have_attribute("data-label", re.compile(r".+"))
    for url in ("/", "/contacts/", "/deals/", "/activities/", f"/contacts/{contact.pk}/", "/calendar/"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
    page.goto("/deals/")
    fits(page, f"phone-deals-{language}")
    page.context.close()
