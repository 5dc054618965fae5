"""A call created from a deal's page without leaving it, in Chromium: "+ Call" opens a dialog naming the deal, a
missing subject is refused inside the dialog, saving closes it and the call is on the deal's timeline. In Persian
and English, at 1440 px and 390 px."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.activities.models import Activity
from peyvand.sales.services import create_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_call_is_logged_from_a_deal_in_a_dialog(browser, live_server, rep_a, pipeline, language):
    deal = create_deal(actor=rep_a, values={"title": "Warehouse scanners"})
    page = signed_in(browser, live_server, rep_a, language)
    page.goto(f"/deals/{deal.pk}/")

    page.click(".quick-add a[href*='kind=call']")
    dialog = page.locator("#quick-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".linked-record a")).to_have_text("Warehouse scanners")
    fits(page, f"quick-call-dialog-{language}")
    dialog.locator("button[type=submit]").click()  # no subject yet
    expect(dialog.locator(".field-error")).to_be_visible()
    dialog.locator("#id_subject").fill("Demo of the scanners")
    dialog.locator("button[type=submit]").click()

    expect(page.locator(".timeline")).to_contain_text("Demo of the scanners")
    assert page.url.endswith(f"/deals/{deal.pk}/")
    expect(page.locator("#quick-dialog")).not_to_be_visible()
    call = Activity.objects.get(subject="Demo of the scanners")
    assert (call.kind, call.record_type, call.record_id) == ("call", "deal", deal.pk)
    page.context.close()
