"""The messaging channels: every message is written to the outbox, then carried by the channel's backend."""

import pytest
from django.core import mail

from peyvand.core.errors import PeyvandError
from peyvand.messaging.backends import BaseBackend, PermanentError
from peyvand.messaging.models import Outbox
from peyvand.messaging.services import send

pytestmark = pytest.mark.django_db

DELIVERED = []


class GatewayBackend(BaseBackend):
    """A stand-in SMS gateway, as a real one would be plugged in through the setting."""

    def deliver(self, message):
        if message.to.endswith("0000"):
            raise ConnectionError("gateway down")
        if message.to.endswith("1111"):
            raise PermanentError("number refused")
        DELIVERED.append((message.to, message.body))
        message.status = "sent"
        message.save(update_fields=["status"])


def test_an_email_is_kept_in_the_outbox_and_handed_to_djangos_mail_backend(db):
    message = send(
        channel="email", to="a@example.com", subject="Hi", body="Text", html_body="<p>Text</p>", track=False
    )
    assert (message.status, message.sent_at is not None) == ("sent", True)
    (sent,) = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (["a@example.com"], "Hi", "Text")
    assert sent.alternatives[0][0] == "<p>Text</p>"


def test_an_sms_waits_in_the_outbox_until_a_gateway_is_configured(db):
    message = send(channel="sms", to="+989123456789", body="سلام")
    assert Outbox.objects.get().status == "queued"
    assert message.backend == "peyvand.messaging.sms.backend.GatewayBackend"
    assert mail.outbox == []


def test_a_configured_backend_carries_the_channel_and_its_failures_are_recorded(settings):
    settings.PEYVAND_MESSAGING_BACKENDS = {"sms": "tests.messaging.test_outbox.GatewayBackend"}
    DELIVERED.clear()
    send(channel="sms", to="+989123456789", body="one")
    with pytest.raises(ConnectionError):
        send(channel="sms", to="+989120000000", body="two")
    assert DELIVERED == [("+989123456789", "one")]
    assert dict(Outbox.objects.values_list("body", "status")) == {"one": "sent", "two": "failed"}
    assert Outbox.objects.get(body="two").error == "ConnectionError: gateway down"


def test_asked_to_retry_a_failure_that_may_pass_is_queued_for_later_and_one_that_would_repeat_is_raised(
    settings,
):
    settings.PEYVAND_MESSAGING_BACKENDS = {"sms": "tests.messaging.test_outbox.GatewayBackend"}
    settings.PEYVAND_OUTBOX_RETRY_BASE_SECONDS = 60
    with pytest.raises(PermanentError):
        send(channel="sms", to="+989121111111", body="refused", retry=True)
    assert Outbox.objects.get(body="refused").status == "failed"
    message = send(channel="sms", to="+989120000000", body="three", retry=True)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == ("queued", 1, "ConnectionError: gateway down")
    assert 59 <= (message.next_attempt_at - message.status_changed_at).total_seconds() <= 61
    assert message.events.get().detail["retry"] is True


def test_an_email_carries_the_stored_files_its_outbox_row_refers_to(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    path = default_storage.save("attachments/quote.pdf", ContentFile(b"%PDF-1.7 quote"))
    file = {"name": "پیش‌فاکتور Q-1.pdf", "content_type": "application/pdf", "path": path}
    send(channel="email", to="a@example.com", subject="Quote", body="Text", attachments=[file])
    assert Outbox.objects.get().attachments == [file]  # a reference, not the bytes
    (sent,) = mail.outbox
    assert sent.attachments == [("پیش‌فاکتور Q-1.pdf", b"%PDF-1.7 quote", "application/pdf")]


@pytest.mark.parametrize(("channel", "to"), [("fax", "123"), ("email", " ")])
def test_an_unknown_channel_or_a_missing_recipient_is_refused(db, channel, to):
    with pytest.raises(PeyvandError):
        send(channel=channel, to=to, body="x")
    assert not Outbox.objects.exists()
