"""The SMS gateway's settings in Chromium, in Persian and English, at 1440 px and 390 px: an administrator
reaches the section from the settings hub, saves a Kavenegar gateway (the key is not shown again), makes the
webhook addresses (shown once) and sends a test SMS that reaches a local server speaking Kavenegar's protocol.
Every page is whole in its language, as the crawl (e2e/test_crawl.py) judges pages."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from e2e.test_billing_catalog import whole
from peyvand.messaging.models_sms import SmsGateway
from tests.messaging.fake_gateways import FakeKavenegar, running

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WORDS = {
    "fa": {
        "hub": "درگاه پیامک",
        "saved": "درگاه پیامک ذخیره شد.",
        "sent": "پیام آزمایشی به درگاه سپرده شد.",
        "key_set": "کلیدی تنظیم شده است",
        "hooks": "ساختن نشانی‌های وب‌هوک",
        "per_minute": "۳۰",
    },
    "en": {
        "hub": "SMS gateway",
        "saved": "The SMS gateway is saved.",
        "sent": "The test message was handed to the gateway.",
        "key_set": "A key is set",
        "hooks": "Make webhook addresses",
        "per_minute": "30",
    },
}


@pytest.fixture
def fake(settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    yield from running(FakeKavenegar)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_administrator_sets_the_sms_gateway_makes_its_webhooks_and_sends_a_test(
    browser, live_server, admin, fake, language
):
    words = WORDS[language]
    page = signed_in(browser, live_server, admin, language)
    page.goto("/settings/")
    page.get_by_role("link", name=words["hub"]).click()
    page.wait_for_url("**/settings/sms/")
    whole(page, language)
    fits(page, f"sms-settings-empty-{language}")

    page.select_option("#id_provider", "kavenegar")
    page.fill("#id_sender", "10004346")
    page.fill("#id_api_key", fake.api_key)
    page.fill("#id_per_minute", words["per_minute"])
    page.locator("form.card button.primary").click()
    expect(page.locator(".messages")).to_contain_text(words["saved"])
    gateway = SmsGateway.objects.get()
    assert (gateway.provider, gateway.sender, gateway.api_key, gateway.per_minute) == (
        "kavenegar",
        "10004346",
        fake.api_key,
        30,
    )
    assert fake.api_key not in page.content()
    assert words["key_set"] in page.get_attribute("#id_api_key", "placeholder")
    # The test server stands in for api.kavenegar.com (an option the form keeps as it is).
    SmsGateway.objects.filter(pk=gateway.pk).update(options={"base_url": fake.url})

    page.get_by_role("button", name=words["hooks"]).click()
    expect(page.locator("#webhooks dl")).to_contain_text("/delivery/")
    whole(page, language)
    fits(page, f"sms-settings-webhooks-{language}")

    page.fill("#id_test_to", "۰۹۱۲۱۲۳۴۵۶۷" if language == "fa" else "09121234567")
    page.locator("#test button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(words["sent"])
    assert [s["to"] for s in fake.sent] == ["09121234567"]
    whole(page, language)
    fits(page, f"sms-settings-{language}")
