"""The Melipayamak client against a local server speaking Melipayamak's REST web service."""

import pytest

from peyvand.messaging.sms.base import DELIVERED, PENDING, UNDELIVERED, SmsError
from peyvand.messaging.sms.melipayamak import Melipayamak
from tests.messaging.fake_gateways import FakeMelipayamak, running

TEXT = "سفارش شما ارسال شد"


@pytest.fixture
def fake(settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    yield from running(FakeMelipayamak)


def client(fake, password=None):
    return Melipayamak(
        api_key=password or fake.api_key,
        sender="50004001",
        options={"base_url": fake.url, "username": fake.username},
    )


def test_a_message_is_posted_with_the_panels_user_name_and_password(fake):
    result = client(fake).send("+989121234567", TEXT)
    (call,) = fake.requests
    assert call["path"] == "/api/SendSMS/SendSMS"
    assert {k: call["params"][k] for k in ("username", "password", "to", "from", "text", "isFlash")} == {
        "username": "peyvand",
        "password": fake.api_key,
        "to": "09121234567",
        "from": "50004001",
        "text": TEXT,
        "isFlash": "false",
    }
    assert result.ids == [fake.sent[0]["id"]]


def test_a_wrong_password_no_credit_and_a_bad_number_are_clear_failures(fake):
    with pytest.raises(SmsError) as wrong:
        client(fake, password="wrong").send("+989121234567", TEXT)
    assert (wrong.value.code, wrong.value.retryable) == ("0", False)
    assert "user name and password" in wrong.value.message
    with pytest.raises(SmsError) as bad_number:
        client(fake).send("+441632960961", TEXT)
    assert bad_number.value.code == "16"
    fake.credit = 0
    with pytest.raises(SmsError) as no_credit:
        client(fake).send("+989121234567", TEXT)
    assert no_credit.value.message == "The gateway account has no credit left."


def test_deliveries_are_read_with_get_deliveries2(fake):
    ids = [client(fake).send(n, TEXT).ids[0] for n in ("+989121234567", "+989121234568", "+989121234569")]
    fake.deliver(ids[0], 1)
    fake.deliver(ids[1], 2)
    fake.deliver(ids[2], 8)  # reached the operator, not yet the phone
    reports = client(fake).delivery_status(ids)
    assert [(r.provider_message_id, r.state) for r in reports] == [
        (ids[0], DELIVERED),
        (ids[1], UNDELIVERED),
        (ids[2], PENDING),
    ]
    assert {r["params"]["recId"] for r in fake.requests if r["path"].endswith("GetDeliveries2")} == set(ids)
