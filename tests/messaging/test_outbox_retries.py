"""Retries, scheduling, pace and claiming in the outbox: a real SMTP server (aiosmtpd) over the wire answers
"try later" or takes the message, and the outbox job (``periodic_outbox``) sends what is due."""

import datetime as dt
import email
import email.policy
import os
import socket
import threading

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.db import connection

from peyvand.core import periodic
from peyvand.messaging.models import Outbox
from peyvand.messaging.services import claim_due, deliver_due, send

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


class Inbox:
    """An SMTP server that answers "451 try later" to the next ``refuse`` messages, then takes them."""

    def __init__(self):
        self.messages = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.PEYVAND_OUTBOX_RETRY_BASE_SECONDS = 60
    yield inbox
    controller.stop()


def test_an_smtp_server_saying_try_later_gets_the_message_on_the_jobs_next_run_after_the_backoff(smtp):
    smtp.refuse = 2
    with time_machine.travel(START, tick=False):
        message = send(channel="email", to="sara@example.com", subject="Hello", body="Hi", retry=True)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert "451" in message.error
    assert message.next_attempt_at == START + dt.timedelta(seconds=60)
    assert smtp.messages == []

    early = START + dt.timedelta(seconds=30)
    with time_machine.travel(early, tick=False):
        assert deliver_due(early)["sent"] == 0  # not due yet

    first_retry = START + dt.timedelta(seconds=61)
    with time_machine.travel(first_retry, tick=False):
        periodic.run_due(first_retry, only="outbox-deliver")
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 2)
    assert message.next_attempt_at == first_retry + dt.timedelta(seconds=120)  # doubled

    second_retry = first_retry + dt.timedelta(seconds=121)
    with time_machine.travel(second_retry, tick=False):
        periodic.run_due(second_retry, only="outbox-deliver")
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == ("sent", 3, "")
    (received,) = smtp.messages
    assert received["Subject"] == "Hello"
    assert received["X-Peyvand-Outbox"] == str(message.pk)
    assert [e.detail["retry"] for e in message.events.filter(kind="failed")] == [True, True]


def test_after_the_last_allowed_try_the_message_fails_for_good_and_keeps_the_error(smtp, settings):
    settings.PEYVAND_OUTBOX_MAX_ATTEMPTS = 2
    smtp.refuse = 5
    with time_machine.travel(START, tick=False):
        message = send(channel="email", to="sara@example.com", subject="Hello", body="Hi", retry=True)
    later = START + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        assert deliver_due(later)["failed"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 2, None)
    assert "451" in message.error


def test_without_retry_a_try_later_answer_fails_the_message_and_is_raised_to_the_caller(smtp):
    import smtplib

    smtp.refuse = 1
    with pytest.raises(smtplib.SMTPDataError):
        send(channel="email", to="sara@example.com", subject="Hello", body="Hi")
    message = Outbox.objects.get()
    assert (message.status, message.next_attempt_at) == ("failed", None)


def test_a_refused_recipient_fails_at_once_and_the_error_is_raised_to_the_caller(smtp, settings):
    import smtplib

    class Refusing(Inbox):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 No such user"

    settings.EMAIL_PORT = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    try:
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            send(channel="email", to="nobody@example.com", subject="Hello", body="Hi", retry=True)
    finally:
        controller.stop()
    message = Outbox.objects.get()
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 1, None)


def test_a_message_scheduled_for_later_waits_in_the_outbox_until_its_time(smtp):
    with time_machine.travel(START, tick=False):
        message = send(
            channel="email",
            to="sara@example.com",
            subject="Later",
            body="Hi",
            send_at=START + dt.timedelta(hours=2),
        )
        assert deliver_due(START + dt.timedelta(hours=1))["sent"] == 0
    assert (Outbox.objects.get().status, smtp.messages) == ("queued", [])
    at = START + dt.timedelta(hours=2)
    with time_machine.travel(at, tick=False):
        assert deliver_due(at)["sent"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    assert [m["Subject"] for m in smtp.messages] == ["Later"]


def test_the_pace_of_a_backend_is_kept_and_the_rest_waits_for_the_next_run(smtp, settings):
    settings.PEYVAND_OUTBOX_RATE_LIMITS = {"peyvand.messaging.backends.EmailBackend": 2}
    with time_machine.travel(START, tick=False):
        for n in range(5):
            send(
                channel="email",
                to=f"p{n}@example.com",
                subject=f"n{n}",
                body="Hi",
                send_at=START + dt.timedelta(minutes=1),
            )
    at = START + dt.timedelta(minutes=1)
    with time_machine.travel(at, tick=False):
        assert deliver_due(at) == {"sent": 2, "failed": 0, "retrying": 0, "deferred": 3}
    later = at + dt.timedelta(minutes=1, seconds=1)
    with time_machine.travel(later, tick=False):
        assert deliver_due(later)["sent"] == 2
    assert sorted(m["Subject"] for m in smtp.messages) == ["n0", "n1", "n2", "n3"]
    assert Outbox.objects.filter(status="queued").count() == 1


def test_a_due_message_is_claimed_by_one_worker_only(db):
    row = Outbox.objects.create(channel="sms", to="+989123456789", body="x", next_attempt_at=START)
    first = claim_due(START + dt.timedelta(seconds=1))
    second = claim_due(START + dt.timedelta(seconds=1))
    assert [m.pk for m in first] == [row.pk]
    assert second == []


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SKIP LOCKED needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_on_postgresql_never_take_the_same_message():
    for n in range(40):
        Outbox.objects.create(channel="sms", to="+989123456789", body=str(n), next_attempt_at=START)
    taken: list[list[int]] = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            taken.append([m.pk for m in claim_due(START + dt.timedelta(seconds=1), limit=30)])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    together = taken[0] + taken[1]
    assert len(together) == len(set(together)) == 40
