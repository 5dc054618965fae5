"""Changing many records at once, in Chromium: a manager ticks every deal on a page of 30 and assigns them to a
rep in one go; the list says how many changed. In Persian and English, at 1440 px and 390 px."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
CHANGED = {"en": "30 records changed.", "fa": "۳۰ رکورد تغییر کرد."}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_manager_assigns_thirty_deals_at_once(
    browser, live_server, manager_a, rep_a, rep_a2, pipeline, language
):
    for i in range(30):
        create_deal(actor=rep_a, values={"title": f"Deal {i}"})
    page = signed_in(browser, live_server, manager_a, language)
    page.goto("/deals/?page_size=50")
    page.check("[data-check-all]")
    expect(page.locator("input[name=ids]:checked")).to_have_count(30)
    page.select_option("#bulk-form select[name=action]", "assign")
    page.select_option("#bulk-form select[name=owner]", str(rep_a2.pk))
    fits(page, f"bulk-assign-{language}")
    page.click("#bulk-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(CHANGED[language])
    assert set(Deal.objects.values_list("owner_id", flat=True)) == {rep_a2.pk}
    page.context.close()
