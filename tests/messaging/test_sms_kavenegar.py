"""The Kavenegar client against a local server speaking Kavenegar's REST protocol."""

import pytest

from peyvand.messaging.sms.base import DELIVERED, PENDING, UNDELIVERED, SmsError, WebhookRequest
from peyvand.messaging.sms.kavenegar import Kavenegar
from tests.messaging.fake_gateways import FakeKavenegar, running

TEXT = "تولدت مبارک، سارا جان"


@pytest.fixture
def fake(settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    yield from running(FakeKavenegar)


def client(fake, key=None):
    return Kavenegar(api_key=key or fake.api_key, sender="10004346", options={"base_url": fake.url})


def test_a_message_is_sent_with_the_key_in_the_path_and_the_number_as_09(fake):
    result = client(fake).send("+989121234567", TEXT)
    (sent,) = fake.sent
    assert (sent["to"], sent["text"], sent["sender"]) == ("09121234567", TEXT, "10004346")
    assert result.ids == [sent["id"]]
    assert result.cost == 120
    assert fake.requests[0]["method"] == "POST"
    assert fake.requests[0]["path"] == f"/v1/{fake.api_key}/sms/send.json"


def test_a_wrong_key_is_a_clear_failure_not_worth_retrying(fake):
    with pytest.raises(SmsError) as refused:
        client(fake, key="wrong").send("+989121234567", TEXT)
    assert (refused.value.code, refused.value.retryable) == ("403", False)
    assert "API key" in refused.value.message
    assert fake.sent == []


def test_an_account_without_credit_is_a_clear_failure(fake):
    fake.credit = 0
    with pytest.raises(SmsError) as refused:
        client(fake).send("+989121234567", TEXT)
    assert (refused.value.code, refused.value.message) == ("418", "The gateway account has no credit left.")


def test_a_number_the_gateway_does_not_take_is_a_clear_failure(fake):
    with pytest.raises(SmsError) as refused:
        client(fake).send("+441632960961", TEXT)
    assert refused.value.code == "411"
    assert "number is not valid" in refused.value.message


def test_a_busy_gateway_is_worth_trying_again(fake):
    fake.busy = True
    with pytest.raises(SmsError) as refused:
        client(fake).send("+989121234567", TEXT)
    assert (refused.value.code, refused.value.retryable) == ("409", True)


def test_delivery_reports_are_asked_for_in_one_call(fake):
    ids = [client(fake).send(n, TEXT).ids[0] for n in ("+989121234567", "+989121234568", "+989121234569")]
    fake.deliver(ids[0], 10)
    fake.deliver(ids[1], 11)
    reports = client(fake).delivery_status(ids)
    assert [(r.provider_message_id, r.state) for r in reports] == [
        (ids[0], DELIVERED),
        (ids[1], UNDELIVERED),
        (ids[2], PENDING),
    ]
    assert reports[0].detail == {"provider": "kavenegar", "status": 10, "text": "رسیده به گیرنده"}
    status_calls = [r for r in fake.requests if r["path"].endswith("/status.json")]
    assert len(status_calls) == 1 and status_calls[0]["params"]["messageid"] == ",".join(ids)


def test_the_webhooks_parameters_are_read_as_kavenegar_sends_them():
    delivery = Kavenegar(api_key="k").parse_delivery_webhook(
        WebhookRequest("POST", {"messageid": "8792343", "status": "10"})
    )
    assert [(r.provider_message_id, r.state) for r in delivery] == [("8792343", DELIVERED)]
    (inbound,) = Kavenegar(api_key="k").parse_inbound_webhook(
        WebhookRequest(
            "POST", {"messageid": "55", "from": "09121234567", "to": "10004346", "message": "سلام"}
        )
    )
    assert (inbound.from_number, inbound.to_line, inbound.text, inbound.provider_message_id) == (
        "+989121234567",
        "10004346",
        "سلام",
        "55",
    )


def test_a_local_address_is_refused_without_the_installations_leave(fake, settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = []
    with pytest.raises(SmsError) as refused:
        client(fake).send("+989121234567", TEXT)
    assert (refused.value.code, refused.value.retryable) == ("refused", False)
    assert fake.requests == []
