"""The SLA settings in Chromium, in Persian and English, at 1440 px and 390 px: an administrator reaches the section
from the settings hub, adds a policy for a customer tier, changes it, and adds a ticket category. Every page is
whole in its language, as the crawl (e2e/test_crawl.py) judges pages."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from e2e.test_billing_catalog import whole
from peyvand.billing.models import CustomerTier
from peyvand.service.models import SLAPolicy, TicketCategory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WORDS = {
    "fa": {"tier": "طلایی", "policy": "مشتریان طلایی", "category": "چاپگرها", "hub": "سیاست‌های SLA"},
    "en": {"tier": "Gold", "policy": "Gold customers", "category": "Printers", "hub": "SLA policies"},
}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_administrator_adds_and_changes_an_sla_policy_and_a_ticket_category(
    browser, live_server, admin, language
):
    words = WORDS[language]
    CustomerTier.objects.create(name=words["tier"])
    page = signed_in(browser, live_server, admin, language)
    page.goto("/settings/")
    page.get_by_role("link", name=words["hub"]).click()
    page.wait_for_url("**/settings/service/sla/")
    whole(page, language)
    fits(page, f"sla-settings-empty-{language}")

    page.locator("main .page-head a.primary").click()
    page.wait_for_url("**/policies/new/")
    page.fill("#id_name", words["policy"])
    page.select_option("#id_priority", "high")
    page.select_option("#id_customer_tier", label=words["tier"])
    page.fill("#id_first_response_minutes", "۶۰" if language == "fa" else "60")
    page.fill("#id_resolution_minutes", "480")
    page.fill("#id_day_start", "08:30")
    page.fill("#id_day_end", "16:30")
    whole(page, language)
    fits(page, f"sla-policy-form-{language}")
    page.locator("form.card button.primary").click()
    page.wait_for_url("**/settings/service/sla/")
    expect(page.locator("#policies table")).to_contain_text(words["policy"])
    expect(page.locator("#policies table")).to_contain_text(words["tier"])
    expect(page.locator("#policies table")).to_contain_text("۶۰" if language == "fa" else "60 min")
    policy = SLAPolicy.objects.get()
    assert policy.first_response_minutes == 60 and policy.customer_tier.name == words["tier"]
    assert policy.day_start.strftime("%H:%M") == "08:30"

    page.get_by_role("link", name=words["policy"]).click()
    page.fill("#id_resolution_minutes", "960")
    page.fill("#id_day_end", "08:00")  # before the start: refused on its field
    page.locator("form.card button.primary").click()
    expect(page.locator("form.card")).to_contain_text(
        "روز کاری باید پس از آغازش پایان یابد"
        if language == "fa"
        else "The working day must end after it starts"
    )
    fits(page, f"sla-policy-refused-{language}")
    page.fill("#id_day_end", "17:00")
    page.locator("form.card button.primary").click()
    page.wait_for_url("**/settings/service/sla/")
    policy.refresh_from_db()
    assert policy.resolution_minutes == 960

    page.fill("#id_category_name", words["category"])
    page.locator("#categories button.primary").click()
    expect(page.locator("#categories")).to_contain_text(words["category"])
    assert TicketCategory.objects.get().name == words["category"]
    whole(page, language)
    fits(page, f"sla-settings-{language}")
