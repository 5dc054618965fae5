"""A gateway described by an address template: placeholders filled URL-encoded, the id found in the answer,
and the private-address guard on its URL."""

import pytest

from peyvand.messaging.sms.base import DELIVERED, UNDELIVERED, SmsError, WebhookRequest
from peyvand.messaging.sms.generic import GenericHttp, find_id
from tests.messaging.fake_gateways import FakeHttpGateway, running

TEXT = "سلام & خوش آمدید؟"


@pytest.fixture
def fake(settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    yield from running(FakeHttpGateway)


def test_the_placeholders_are_filled_url_encoded_and_the_id_read_by_its_json_path(fake):
    gateway = GenericHttp(
        api_key=fake.api_key,
        sender="3000",
        options={
            "url": fake.url + "/send?to={to}&text={text}&from={sender}&key={key}",
            "id_path": "result.id",
        },
    )
    result = gateway.send("+989121234567", TEXT)
    (sent,) = fake.sent
    assert (sent["to"], sent["text"], sent["sender"]) == ("09121234567", TEXT, "3000")
    assert result.ids == [sent["id"]]


def test_a_refusal_by_http_status_is_a_failure(fake):
    gateway = GenericHttp(api_key="wrong", options={"url": fake.url + "/send?to={to}&text={text}&key={key}"})
    with pytest.raises(SmsError) as refused:
        gateway.send("+989121234567", TEXT)
    assert (refused.value.code, refused.value.retryable) == ("401", False)


def test_a_gateway_url_on_the_private_network_is_refused(settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = []
    gateway = GenericHttp(api_key="k", options={"url": "http://10.0.0.1/send?to={to}&text={text}"})
    with pytest.raises(SmsError) as refused:
        gateway.send("+989121234567", TEXT)
    assert refused.value.code == "refused"
    assert "Private or local network" in refused.value.message


def test_the_id_can_be_found_by_a_regular_expression():
    assert find_id("OK;id=77812;cost=2", id_regex=r"id=(\d+)") == "77812"
    assert find_id('{"data": {"ids": [5, 6]}}', id_path="data.ids.1") == "6"
    assert find_id('{"data": {}}', id_path="data.ids.0") == ""


def test_the_webhooks_read_the_configured_parameter_names():
    gateway = GenericHttp(api_key="k", options={"delivery_id_param": "msgid", "delivery_status_param": "dlr"})
    (report,) = gateway.parse_delivery_webhook(WebhookRequest("GET", {"msgid": "a1", "dlr": "DELIVRD"}))
    assert (report.provider_message_id, report.state) == ("a1", DELIVERED)
    (failed,) = gateway.parse_delivery_webhook(WebhookRequest("GET", {"msgid": "a2", "dlr": "expired"}))
    assert failed.state == UNDELIVERED
