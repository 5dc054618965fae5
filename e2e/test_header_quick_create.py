"""The header's "+ New" in Chromium: from the dashboard a rep opens "Call", finds a deal in the record picker, saves,
and stays on the dashboard with a message linking to the new call, which is on the deal; a contact is made the
same way. In Persian and English, at 1440 px and 390 px, without horizontal scroll."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.activities.models import Activity
from peyvand.contacts.models import Contact
from peyvand.sales.services import create_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_call_about_a_picked_deal_is_made_from_the_dashboard(
    browser, live_server, rep_a, pipeline, language
):
    deal = create_deal(actor=rep_a, values={"title": "Warehouse scanners"})
    page = signed_in(browser, live_server, rep_a, language)
    page.goto("/dashboard/")

    page.locator(".new-menu > summary").click()
    expect(page.locator(".new-menu-items")).to_be_visible()
    fits(page, f"header-new-menu-{language}")
    page.locator(".new-menu-items a[data-new=call]").click()
    dialog = page.locator("#quick-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator(".new-menu-items")).not_to_be_visible()
    expect(dialog.locator("[data-picked]")).to_be_hidden()

    dialog.locator("#record-search").fill("Warehouse")
    hit = dialog.locator("[data-pick-record][data-record-type=deal]", has_text="Warehouse scanners")
    hit.click()
    expect(dialog.locator("[data-picked]")).to_contain_text("Warehouse scanners")
    fits(page, f"header-new-call-{language}")
    dialog.locator("#id_subject").fill("Ask about the budget")
    dialog.locator("button[type=submit]").click()

    message = page.locator(".messages a", has_text="Ask about the budget")
    expect(message).to_be_visible()
    assert page.url.endswith("/dashboard/")
    call = Activity.objects.get(subject="Ask about the budget")
    assert (call.kind, call.record_type, call.record_id, call.owner) == ("call", "deal", deal.pk, rep_a)
    assert message.get_attribute("href") == f"/activities/{call.pk}/"
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_contact_is_made_from_the_header_without_leaving_the_page(browser, live_server, rep_a, language):
    page = signed_in(browser, live_server, rep_a, language)
    page.goto("/activities/")
    page.locator(".new-menu > summary").click()
    page.locator(".new-menu-items a[data-new=contact]").click()
    dialog = page.locator("#quick-dialog")
    expect(dialog.locator("#id_last_name")).to_be_visible()
    fits(page, f"header-new-contact-{language}")
    dialog.locator("#id_first_name").fill("Sara")
    dialog.locator("#id_last_name").fill("Karimi")
    dialog.locator("button[type=submit]").click()
    expect(page.locator(".messages a", has_text="Karimi")).to_be_visible()
    assert page.url.endswith("/activities/")
    assert Contact.objects.filter(last_name="Karimi", owner=rep_a).exists()
    page.context.close()
