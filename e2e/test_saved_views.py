"""Saved views, in Chromium: filter a list, save the view under a name, come back to the plain list and reopen the
view from its menu. In Persian and English, at 1440 px and 390 px."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.sales.models import DealStatus
from peyvand.sales.services import create_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
MENU = {"en": "Saved views", "fa": "نماهای ذخیره‌شده"}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_filtered_list_is_saved_and_reopened(browser, live_server, rep_a, pipeline, language):
    create_deal(actor=rep_a, values={"title": "Still open"})
    won = create_deal(actor=rep_a, values={"title": "Already won"})
    won.status = DealStatus.WON
    won.save(update_fields=["status"])
    page = signed_in(browser, live_server, rep_a, language)
    page.goto("/deals/")
    page.select_option("form.filters select[name=status]", "open")
    page.wait_for_url("**/deals/?*status=open*")
    expect(page.locator("#results")).not_to_contain_text("Already won")
    page.fill(".save-view input[name=name]", "Open ones")
    page.click(".save-view button[type=submit]")
    page.wait_for_url("**/deals/?*status=open*")

    page.goto("/deals/")
    expect(page.locator("#results")).to_contain_text("Already won")
    page.get_by_text(MENU[language], exact=True).click()
    page.get_by_role("link", name="Open ones").click()
    page.wait_for_url("**/deals/?*status=open*")
    expect(page.locator("#results")).not_to_contain_text("Already won")
    expect(page.locator("#results")).to_contain_text("Still open")
    fits(page, f"saved-views-{language}")
    page.context.close()
