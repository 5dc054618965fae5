"""Sending SMS through the gateway chosen in the settings: the outbox row's id, account and parts, the rate
limit, retries, delivery reports fetched by the periodic job, received messages, and the key kept secret."""

import datetime as dt
import logging

import pytest
from django.db import connection
from django.utils import timezone

from peyvand.core import events, periodic
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditEntry
from peyvand.messaging import services_sms
from peyvand.messaging.models import Outbox, OutboxStatus
from peyvand.messaging.models_sms import InboundSms, SmsGateway
from peyvand.messaging.services import send
from peyvand.messaging.sms.base import InboundMessage, SmsError
from tests.messaging.fake_gateways import FakeKavenegar, FakeSmsIr, running

pytestmark = pytest.mark.django_db

PERSIAN_71 = "س" * 71


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


def test_an_sms_goes_through_the_saved_gateway_and_the_outbox_keeps_its_id_account_and_parts(fake, gateway):
    message = send(channel="sms", to="0912 123 4567", body=PERSIAN_71, record_type="contact", record_id=1)
    message.refresh_from_db()
    (sent,) = fake.sent
    assert (sent["to"], sent["text"]) == ("09121234567", PERSIAN_71)
    assert (message.status, message.provider_message_id, message.account_id, message.segments) == (
        "sent",
        sent["id"],
        gateway.pk,
        2,
    )
    assert list(message.events.values_list("kind", flat=True)) == ["sent"]


def test_without_a_gateway_an_sms_stays_queued_with_its_parts_counted(db):
    message = send(channel="sms", to="+989121234567", body=PERSIAN_71)
    message.refresh_from_db()
    assert (message.status, message.provider_message_id, message.sent_at, message.segments) == (
        "queued",
        "",
        None,
        2,
    )


def test_the_environment_names_a_gateway_until_one_is_saved_on_the_page(fake, admin, settings):
    settings.PEYVAND_SMS_PROVIDER = "smsir"
    settings.PEYVAND_SMS_API_KEY = "from-env"
    settings.PEYVAND_SMS_SENDER = "3000"
    env = services_sms.configured_gateway()
    assert (env.pk, env.provider, env.api_key, env.sender) == (None, "smsir", "from-env", "3000")
    saved = services_sms.save_gateway(
        actor=admin, provider="kavenegar", api_key=fake.api_key, options={"base_url": fake.url}
    )
    assert services_sms.configured_gateway() == saved


def test_a_refusal_marks_the_message_failed_with_the_gateways_reason(fake, gateway):
    fake.credit = 0
    with pytest.raises(SmsError):
        send(channel="sms", to="+989121234567", body="سلام")
    message = Outbox.objects.get()
    assert message.status == "failed"
    assert "no credit left" in message.error


def test_a_busy_gateway_leaves_the_message_queued_and_the_retry_job_sends_it(fake, gateway):
    fake.busy = True
    message = send(channel="sms", to="+989121234567", body="سلام")
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.next_attempt_at is not None and "busy" in message.error
    fake.busy = False
    periodic.run_due(message.next_attempt_at + dt.timedelta(seconds=1), only="outbox-deliver")
    message.refresh_from_db()
    assert (message.status, message.provider_message_id) == ("sent", fake.sent[0]["id"])


def test_the_rate_limit_holds_a_message_for_the_next_minute(fake, admin):
    services_sms.save_gateway(
        actor=admin, provider="kavenegar", api_key=fake.api_key, options={"base_url": fake.url}, per_minute=1
    )
    send(channel="sms", to="+989121234567", body="یک")
    second = send(channel="sms", to="+989121234568", body="دو")
    second.refresh_from_db()
    assert len(fake.sent) == 1
    assert second.status == "queued" and second.next_attempt_at > timezone.now()


def test_the_periodic_job_fetches_reports_of_sent_messages_and_marks_them(fake, gateway):
    first = send(channel="sms", to="+989121234567", body="یک")
    second = send(channel="sms", to="+989121234568", body="دو")
    first.refresh_from_db()
    second.refresh_from_db()
    fake.deliver(first.provider_message_id, 10)
    fake.deliver(second.provider_message_id, 11)
    periodic.run_due(timezone.now(), only="sms-delivery-reports")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (OutboxStatus.DELIVERED, OutboxStatus.FAILED)
    assert first.delivered_at is not None
    assert first.events.get(kind="delivered").detail["status"] == 10
    # The same reports again change nothing and add no event.
    services_sms.fetch_reports(timezone.now())
    assert first.events.filter(kind="delivered").count() == 1


def test_reports_are_not_asked_for_messages_older_than_two_days(fake, gateway):
    message = send(channel="sms", to="+989121234567", body="یک")
    Outbox.objects.filter(pk=message.pk).update(sent_at=timezone.now() - dt.timedelta(days=3))
    services_sms.fetch_reports(timezone.now())
    assert not [r for r in fake.requests if r["path"].endswith("status.json")]


def test_the_api_key_is_kept_encrypted_and_never_in_the_audit_or_the_logs(fake, admin, caplog):
    caplog.set_level(logging.DEBUG)
    gateway = services_sms.save_gateway(
        actor=admin, provider="kavenegar", api_key=fake.api_key, options={"base_url": fake.url}
    )
    fake.credit = 0
    with pytest.raises(SmsError):
        send(channel="sms", to="+989121234567", body="سلام")
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM messaging_smsgateway WHERE id = %s", [gateway.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("fernet:") and fake.api_key not in raw
    assert SmsGateway.objects.get().api_key == fake.api_key
    audit = [str(e.changes) for e in AuditEntry.objects.all()]
    assert audit and all(fake.api_key not in text for text in audit)
    assert "api_key" in audit[0]
    assert fake.api_key not in caplog.text
    assert "not sent through kavenegar" in caplog.text


def test_only_an_administrator_configures_the_gateway(rep_a):
    with pytest.raises(PeyvandError) as refused:
        services_sms.save_gateway(actor=rep_a, provider="kavenegar", api_key="k")
    assert refused.value.code == "sms.forbidden"


def test_a_new_gateway_needs_its_key_and_keeps_it_when_changed_without_one(admin):
    with pytest.raises(PeyvandError) as refused:
        services_sms.save_gateway(actor=admin, provider="smsir", api_key="")
    assert refused.value.code == "sms.api_key"
    gateway = services_sms.save_gateway(actor=admin, provider="smsir", api_key="first")
    services_sms.save_gateway(actor=admin, gateway=gateway, provider="smsir", sender="3000", api_key=None)
    gateway.refresh_from_db()
    assert (gateway.api_key, gateway.sender) == ("first", "3000")


def test_a_generic_gateway_on_a_private_address_cannot_be_saved(admin, settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = []
    with pytest.raises(PeyvandError) as refused:
        services_sms.save_gateway(
            actor=admin, provider="generic", options={"url": "http://10.0.0.1/send?to={to}&text={text}"}
        )
    assert refused.value.field == "url"
    assert not SmsGateway.objects.exists()


def test_a_received_message_is_kept_once_and_announced_with_the_senders_records(
    admin, rep_a, django_capture_on_commit_callbacks
):
    from peyvand.contacts.services import create_contact

    contact = create_contact(actor=rep_a, values={"last_name": "Karimi", "phones": ["09121234567"]})
    gateway = services_sms.save_gateway(actor=admin, provider="kavenegar", api_key="k")
    heard = []

    def receiver(sender, **kwargs):
        heard.append((kwargs["message"].text, kwargs["records"]))

    events.sms_received.connect(receiver)
    try:
        item = InboundMessage("+989121234567", "10004346", "قیمت؟", "900")
        with django_capture_on_commit_callbacks(execute=True):
            services_sms.receive(gateway, [item])
            services_sms.receive(gateway, [item])
    finally:
        events.sms_received.disconnect(receiver)
    assert InboundSms.objects.count() == 1
    assert heard == [("قیمت؟", [("contact", contact.pk)])]


def test_a_generic_gateways_webhook_reads_a_json_delivery_report(client, admin, settings):
    from peyvand.messaging.sms.generic import GenericHttp
    from tests.messaging.fake_gateways import FakeHttpGateway

    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    for fake in running(FakeHttpGateway):
        gateway = services_sms.save_gateway(
            actor=admin,
            provider="generic",
            api_key=fake.api_key,
            options={"url": fake.url + "/send?to={to}&text={text}&key={key}", "id_path": "result.id"},
        )
        assert isinstance(services_sms.client_for(gateway), GenericHttp)
        message = send(channel="sms", to="+989121234567", body="سلام")
        message.refresh_from_db()
        token = services_sms.new_webhook_token(actor=admin, gateway=gateway)
        answer = client.post(
            f"/sms/webhook/{gateway.pk}/{token}/delivery/",
            {"id": message.provider_message_id, "status": "DELIVRD"},
            content_type="application/json",
        )
        assert answer.json() == {"ok": True, "applied": 1}
        message.refresh_from_db()
        assert message.status == "delivered"


def test_a_sms_ir_gateway_reports_are_fetched_one_message_at_a_time(admin, settings):
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    for fake in running(FakeSmsIr):
        services_sms.save_gateway(
            actor=admin, provider="smsir", sender="3000", api_key=fake.api_key, options={"base_url": fake.url}
        )
        message = send(channel="sms", to="+989121234567", body="سلام")
        message.refresh_from_db()
        fake.deliver(message.provider_message_id, 1)
        services_sms.fetch_reports(timezone.now())
        message.refresh_from_db()
        assert message.status == "delivered"
