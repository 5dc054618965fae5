"""The SMS.ir client against a local server speaking SMS.ir's v1 REST protocol (X-API-KEY, JSON answers)."""

import json

import pytest

from peyvand.messaging.sms.base import DELIVERED, PENDING, UNDELIVERED, NotSupported, SmsError, WebhookRequest
from peyvand.messaging.sms.smsir import SmsIr
from tests.messaging.fake_gateways import FakeSmsIr, running

TEXT = "یادآوری: قرار فردا ساعت ۱۰"


@pytest.fixture
def fake(settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    yield from running(FakeSmsIr)


def client(fake, key=None):
    return SmsIr(api_key=key or fake.api_key, sender="30007732903879", options={"base_url": fake.url})


def test_a_message_is_sent_to_send_bulk_with_the_key_in_the_header(fake):
    result = client(fake).send("+989121234567", TEXT)
    (call,) = fake.requests
    assert (call["method"], call["path"], call["headers"]["x-api-key"]) == (
        "POST",
        "/v1/send/bulk",
        fake.api_key,
    )
    assert json.loads(call["body"]) == {
        "lineNumber": 30007732903879,
        "messageText": TEXT,
        "mobiles": ["09121234567"],
        "sendDateTime": None,
    }
    assert result.ids == [fake.sent[0]["id"]]
    assert result.cost == 1.0


def test_a_wrong_key_is_a_clear_failure(fake):
    with pytest.raises(SmsError) as refused:
        client(fake, key="nope").send("+989121234567", TEXT)
    assert (refused.value.code, refused.value.retryable) == ("10", False)
    assert refused.value.message == "The gateway does not accept this API key."


def test_no_credit_and_a_bad_number_are_clear_failures(fake):
    with pytest.raises(SmsError) as bad_number:
        client(fake).send("+441632960961", TEXT)
    assert bad_number.value.code == "104"
    fake.credit = 0
    with pytest.raises(SmsError) as no_credit:
        client(fake).send("+989121234567", TEXT)
    assert (no_credit.value.code, no_credit.value.message) == (
        "102",
        "The gateway account has no credit left.",
    )


def test_each_messages_report_is_read_from_its_delivery_state(fake):
    ids = [client(fake).send(n, TEXT).ids[0] for n in ("+989121234567", "+989121234568", "+989121234569")]
    fake.deliver(ids[0], 1)
    fake.deliver(ids[1], 2)
    reports = client(fake).delivery_status(ids)
    assert [r.state for r in reports] == [DELIVERED, UNDELIVERED, PENDING]
    assert reports[0].detail["status"] == 1
    assert [r["path"] for r in fake.requests[3:]] == [f"/v1/send/{i}" for i in ids]


def test_smsir_has_no_delivery_webhook_so_its_reports_are_fetched():
    with pytest.raises(NotSupported):
        SmsIr(api_key="k").parse_delivery_webhook(WebhookRequest("POST", {}))
