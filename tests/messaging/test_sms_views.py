"""The SMS gateway's settings page (administrators only, the key never shown again, a test message) and its
public webhooks, authenticated by the secret in their address, through the real HTTP endpoints."""

import re

import pytest
from django.urls import reverse

from peyvand.contacts.services import create_contact
from peyvand.messaging import services_sms
from peyvand.messaging.models import Outbox
from peyvand.messaging.models_sms import InboundSms, SmsGateway
from peyvand.messaging.services import send
from tests.messaging.fake_gateways import FakeKavenegar, running

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def fake(settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    yield from running(FakeKavenegar)


@pytest.fixture
def gateway(fake, admin):
    return services_sms.save_gateway(
        actor=admin,
        provider="kavenegar",
        sender="10004346",
        api_key=fake.api_key,
        options={"base_url": fake.url},
    )


def _webhooks(client, admin) -> dict[str, str]:
    client.force_login(admin)
    page = client.post(reverse("sms-token")).content.decode()
    found = dict(re.findall(r"(http://testserver/sms/webhook/\d+/[^/]+/(delivery|inbound)/)", page))
    return {kind: url.removeprefix("http://testserver") for url, kind in found.items()}


def test_an_administrator_saves_the_gateway_and_its_key_is_never_shown_again(client, admin):
    client.force_login(admin)
    answer = client.post(
        reverse("sms-settings"),
        {
            "provider": "smsir",
            "sender": "30007732903879",
            "api_key": "secret-key-123",
            "per_minute": "30",
            "active": "on",
            "method": "GET",
            "number_format": "national",
        },
    )
    assert answer.status_code == 302
    gateway = SmsGateway.objects.get()
    assert (gateway.provider, gateway.sender, gateway.api_key, gateway.per_minute) == (
        "smsir",
        "30007732903879",
        "secret-key-123",
        30,
    )
    page = client.get(reverse("sms-settings")).content.decode()
    assert "secret-key-123" not in page
    assert "A key is set" in page
    # Saving again without typing a key keeps the one set.
    client.post(
        reverse("sms-settings"), {"provider": "smsir", "sender": "3000", "per_minute": "30", "active": "on"}
    )
    gateway.refresh_from_db()
    assert (gateway.sender, gateway.api_key) == ("3000", "secret-key-123")


def test_a_sales_rep_may_not_open_the_sms_settings(client, rep_a):
    client.force_login(rep_a)
    assert client.get(reverse("sms-settings")).status_code == 403
    assert client.post(reverse("sms-test"), {"to": "09121234567"}).status_code == 403


def test_a_private_address_for_a_generic_gateway_is_refused_on_the_form(client, admin, settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = []
    client.force_login(admin)
    answer = client.post(
        reverse("sms-settings"),
        {
            "provider": "generic",
            "url": "http://10.0.0.1/send?to={to}&text={text}",
            "per_minute": "60",
            "active": "on",
            "method": "GET",
        },
    )
    assert answer.status_code == 400
    assert "Private or local network addresses may not be called." in answer.content.decode()
    assert not SmsGateway.objects.exists()


def test_the_test_button_sends_a_message_through_the_gateway(client, admin, fake, gateway):
    client.force_login(admin)
    answer = client.post(reverse("sms-test"), {"to": "09121234567"}, follow=True)
    assert "The test message was handed to the gateway." in answer.content.decode()
    (sent,) = fake.sent
    assert sent["to"] == "09121234567"


def test_the_webhook_secret_is_shown_once_and_kept_only_as_a_hash(client, admin, gateway):
    urls = _webhooks(client, admin)
    token = urls["delivery"].split("/")[4]
    gateway.refresh_from_db()
    assert (
        gateway.webhook_token_hash == services_sms.token_hash(token)
        and token not in gateway.webhook_token_hash
    )
    assert token not in client.get(reverse("sms-settings")).content.decode()


def test_a_delivery_report_posted_to_the_webhook_marks_the_message_delivered(client, admin, fake, gateway):
    urls = _webhooks(client, admin)
    message = send(channel="sms", to="+989121234567", body="سلام")
    message.refresh_from_db()
    client.logout()
    answer = client.post(urls["delivery"], {"messageid": message.provider_message_id, "status": "10"})
    assert answer.status_code == 200 and answer.json()["applied"] == 1
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.events.get(kind="delivered").detail == {"provider": "kavenegar", "status": 10}
    client.post(urls["delivery"], {"messageid": message.provider_message_id, "status": "10"})
    assert message.events.filter(kind="delivered").count() == 1


def test_a_webhook_with_a_wrong_secret_is_not_found(client, admin, gateway):
    urls = _webhooks(client, admin)
    wrong = urls["delivery"].replace(urls["delivery"].split("/")[4], "not-the-secret")
    assert client.post(wrong, {"messageid": "1", "status": "10"}).status_code == 404
    assert (
        client.post(f"/sms/webhook/{gateway.pk + 1}/x/inbound/", {"from": "09121234567"}).status_code == 404
    )


def test_an_inbound_sms_lands_once_on_the_senders_contact_page(client, admin, rep_a, gateway):
    contact = create_contact(actor=rep_a, values={"last_name": "Karimi", "phones": ["09121234567"]})
    urls = _webhooks(client, admin)
    client.logout()
    fields = {"messageid": "771", "from": "09121234567", "to": "10004346", "message": "لطفاً تماس بگیرید"}
    for _ in range(2):
        assert client.post(urls["inbound"], fields).status_code == 200
    sms = InboundSms.objects.get()
    assert (sms.from_number, sms.to_line, sms.provider_message_id) == ("+989121234567", "10004346", "771")
    client.force_login(rep_a)
    page = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "لطفاً تماس بگیرید" in page


def test_the_persian_page_is_translated(client, admin):
    client.cookies["django_language"] = "fa"
    client.force_login(admin)
    page = client.get(reverse("sms-settings")).content.decode()
    assert "درگاه پیامک" in page and "کاوه‌نگار" in page


def test_the_page_says_when_the_environment_sets_the_gateway(client, admin, settings):
    settings.PEYVAND_SMS_PROVIDER = "kavenegar"
    settings.PEYVAND_SMS_API_KEY = "env-key-xyz"
    client.force_login(admin)
    page = client.get(reverse("sms-settings")).content.decode()
    assert "The server&#x27;s environment sets the gateway" in page or "environment sets the gateway" in page
    assert "env-key-xyz" not in page
    assert not Outbox.objects.exists()
