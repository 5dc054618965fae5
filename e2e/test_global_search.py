"""Global search from the header, in Chromium: Ctrl+K, a part of a phone number, the arrow keys and Enter open the
contact; the whole results page; in Persian and English, at 1440 px and 390 px."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.contacts.services import create_company, create_contact

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_contact_is_found_by_part_of_its_phone_from_the_header(
    browser, live_server, rep_a, rep_b, language
):
    contact = create_contact(
        actor=rep_a, values={"first_name": "Sara", "last_name": "Rezaei", "phones": ["09121234567"]}
    )
    create_company(actor=rep_a, values={"name": "Rezaei Trading"})
    create_contact(
        actor=rep_b, values={"first_name": "Sara", "last_name": "Rezaei-Other", "phones": ["09121234000"]}
    )
    page = signed_in(browser, live_server, rep_a, language)

    page.keyboard.press("Control+k")
    expect(page.locator("#global-search")).to_be_focused()
    page.keyboard.type("09121234")
    expect(page.locator("#search-results .search-hit")).to_have_count(1)  # another team's Sara is not offered
    fits(page, f"global-search-{language}")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/contacts/{contact.pk}/")

    page.fill("#global-search", "Rezaei")
    expect(page.locator("#search-results .search-hit")).to_have_count(2)  # the contact and the company
    page.locator("#global-search").press("Enter")
    page.wait_for_url("**/search/?q=Rezaei")
    expect(page.locator("main")).to_contain_text("Rezaei Trading")
    fits(page, f"search-page-{language}")
    page.context.close()
