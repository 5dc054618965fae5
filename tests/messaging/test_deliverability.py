"""Bounces and complaints: a mail server's report (RFC 3464 DSN, RFC 5965 ARF) about a message sent through a
real SMTP server finds that message, records the bounce and suppresses the address, whether the mailbox sync
hands it over (``handle_report``) or it is posted to the inbound mail endpoint."""

import pytest
from django.test import Client

from peyvand.accounts.services import issue_token
from peyvand.leads.models import Lead
from peyvand.messaging.deliverability import handle_report, parse_report
from peyvand.messaging.models import Outbox
from peyvand.messaging.models_consent import Suppression
from peyvand.messaging.services import send
from tests.messaging.test_outbox_retries import smtp  # noqa: F401 (a real SMTP server, aiosmtpd)

pytestmark = pytest.mark.django_db


def _quoted_headers(received) -> str:
    return "".join(f"{name}: {value}\r\n" for name, value in received.items())


def dsn(
    received, *, status="5.1.1", action="failed", report_id="<dsn-1@mx.example.net>", quote=None
) -> bytes:
    """A delivery status notification as Postfix writes it, quoting the original message's headers."""
    quoted = quote if quote is not None else _quoted_headers(received)
    return (
        "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\r\n"
        "To: peyvand@localhost\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {report_id}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        "I'm sorry to have to inform you that your message could not be delivered.\r\n"
        "\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\nArrival-Date: Tue, 8 Dec 2026 01:00:00 +0000\r\n\r\n"
        "Final-Recipient: rfc822; sara@example.com\r\nOriginal-Recipient: rfc822;sara@example.com\r\n"
        f"Action: {action}\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} <sara@example.com>: Recipient address rejected\r\n"
        "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"{quoted}"
        "\r\n--B--\r\n"
    ).encode()


def arf(received) -> bytes:
    """A spam complaint in the Abuse Reporting Format, with the whole original message."""
    return (
        "From: feedback@mail.example.org\r\nTo: peyvand@localhost\r\nSubject: Abuse report\r\n"
        "Message-ID: <arf-1@mail.example.org>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="F"\r\n'
        "\r\n--F\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n"
        "\r\n--F\r\nContent-Type: message/feedback-report\r\n\r\n"
        "Feedback-Type: abuse\r\nUser-Agent: SomeGenerator/1.0\r\nVersion: 1\r\n"
        "Original-Rcpt-To: <sara@example.com>\r\n"
        "\r\n--F\r\nContent-Type: message/rfc822\r\n\r\n"
        f"{received.as_string()}"
        "\r\n--F--\r\n"
    ).encode()


def test_a_hard_bounce_marks_the_address_and_the_next_send_is_suppressed(smtp):  # noqa: F811
    message = send(channel="email", to="sara@example.com", subject="Offer", body="Hi", topic="marketing")
    (received,) = smtp.messages
    assert handle_report(dsn(received)) is True
    message.refresh_from_db()
    assert message.status == "bounced"
    (event,) = message.events.filter(kind="bounced")
    assert (event.recipient, event.detail["hard"], event.detail["status"]) == (
        "sara@example.com",
        True,
        "5.1.1",
    )
    row = Suppression.objects.get()
    assert (row.address, row.topic, row.reason, row.message_id) == (
        "sara@example.com",
        "",
        "bounced",
        message.pk,
    )

    receipt = send(channel="email", to="sara@example.com", subject="Your receipt", body="Hi")
    assert receipt.status == "suppressed"
    assert len(smtp.messages) == 1
    assert handle_report(dsn(received)) is True  # the same report again
    assert message.events.filter(kind="bounced").count() == 1


def test_a_soft_bounce_is_recorded_without_suppressing_and_a_delay_notice_is_not_a_failure(smtp):  # noqa: F811
    message = send(channel="email", to="sara@example.com", subject="Offer", body="Hi")
    (received,) = smtp.messages
    assert handle_report(dsn(received, action="delayed", status="4.4.7", report_id="<d@x>")) is False
    assert handle_report(dsn(received, status="4.2.2", report_id="<s@x>")) is True
    assert message.events.get().detail["hard"] is False
    assert not Suppression.objects.exists()


def test_a_spam_complaint_suppresses_the_address(smtp):  # noqa: F811
    message = send(channel="email", to="sara@example.com", subject="Offer", body="Hi", topic="newsletters")
    (received,) = smtp.messages
    report = parse_report(arf(received))
    assert (report.kind, report.recipient, report.outbox_id) == ("complaint", "sara@example.com", message.pk)
    assert handle_report(arf(received)) is True
    assert message.events.get().kind == "complained"
    assert Suppression.objects.get().reason == "complained"


def test_a_report_naming_our_header_with_another_message_id_finds_nothing(smtp):  # noqa: F811
    send(channel="email", to="sara@example.com", subject="Offer", body="Hi")
    (received,) = smtp.messages
    forged = f"X-Peyvand-Outbox: {received['X-Peyvand-Outbox']}\r\nMessage-ID: <made-up@example.com>\r\n"
    assert handle_report(dsn(received, quote=forged)) is False
    assert not Suppression.objects.exists()


def test_a_report_without_our_header_is_found_by_the_original_message_id(smtp):  # noqa: F811
    message = send(channel="email", to="sara@example.com", subject="Offer", body="Hi")
    (received,) = smtp.messages
    assert handle_report(dsn(received, quote=f"Message-ID: {received['Message-ID']}\r\n")) is True
    message.refresh_from_db()
    assert message.status == "bounced"


def test_ordinary_mail_and_broken_bytes_are_not_reports(db):
    assert handle_report(b"From: a@example.com\r\nSubject: hi\r\n\r\nHello") is False
    assert handle_report(b"\xff\xfe garbage") is False
    assert handle_report(b"Content-Type: multipart/report; report-type=delivery-status\r\n\r\n") is False


def test_a_bounce_posted_to_the_inbound_mail_endpoint_marks_the_address_instead_of_making_a_lead(admin, smtp):  # noqa: F811
    send(channel="email", to="sara@example.com", subject="Offer", body="Hi")
    (received,) = smtp.messages
    answer = Client().post(
        "/api/v1/intake/email",
        dsn(received),
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {issue_token(user=admin)}", "Accept-Language": "en"},
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["record_id"] == Outbox.objects.get().pk
    assert Suppression.objects.get().reason == "bounced"
    assert not Lead.objects.exists()
