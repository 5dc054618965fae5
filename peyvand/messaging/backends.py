"""How a message leaves: one backend per channel, chosen by ``PEYVAND_MESSAGING_BACKENDS``.

A backend gets the ``Outbox`` row already written and delivers it (or leaves it queued for a gateway that comes
later). Real SMS gateways plug in here: a class with ``deliver(message)`` named in the setting.

A backend says how a failure should be taken by what it raises: ``RetryableError`` (or a connection refused, a
timeout, an SMTP 4xx answer) leaves the message queued for another try later; anything else fails it for good.
A backend may cap its pace with ``per_minute`` (messages a minute per account), which the outbox job honours.
"""

import smtplib
import socket
from email.utils import make_msgid

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from peyvand.messaging.models import Outbox, OutboxStatus

# The header every outgoing e-mail carries with its outbox row's id, so a bounce report quoting the original's
# headers finds the message even when the receiving server rewrote its Message-ID.
OUTBOX_HEADER = "X-Peyvand-Outbox"


class RetryableError(Exception):
    """A failure that may pass: the gateway is busy, asked to try later, or could not be reached."""


class PermanentError(Exception):
    """A failure another try would repeat: a refused address, a rejected message, a bad key."""


def is_retryable(exc: BaseException) -> bool:
    """Whether another try later may succeed: SMTP 4xx answers, a refused or dropped connection, a timeout."""
    if isinstance(exc, RetryableError):
        return True
    if isinstance(exc, PermanentError):
        return False
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    from peyvand.core.outbound import OutboundUnreachable

    return isinstance(exc, ConnectionError | TimeoutError | socket.timeout | OutboundUnreachable)


class BaseBackend:
    # Messages a minute one account of this backend may take; None: no limit of its own (a setting may set one).
    per_minute: int | None = None

    def deliver(self, message: Outbox) -> None:
        raise NotImplementedError


def message_id_domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >")
    return sender or "peyvand.localhost"


def ensure_message_id(message: Outbox) -> str:
    """The Message-ID the e-mail goes out with, kept on the row before the first try so a retry sends the same
    one and a bounce quoting it finds the message."""
    headers = dict(message.headers or {})
    current = next((v for k, v in headers.items() if k.lower() == "message-id"), "")
    if current:
        return current
    headers["Message-ID"] = make_msgid(domain=message_id_domain())
    message.headers = headers
    Outbox.objects.filter(pk=message.pk).update(headers=headers)
    return headers["Message-ID"]


class _Email(EmailMultiAlternatives):
    """An e-mail whose long headers are not folded into encoded words: a List-Unsubscribe address longer than a
    line would otherwise come out as ``=?utf-8?q?...?=``, which mail programs do not read as a link. A header line
    may be 998 characters long (RFC 5322)."""

    def message(self):
        msg = super().message()
        msg.policy = msg.policy.clone(max_line_length=998)
        return msg


class EmailBackend(BaseBackend):
    """Hands the message to Django's mail backend (SMTP, or files for the embedded trial)."""

    def deliver(self, message: Outbox) -> None:
        from peyvand.messaging import consent, tracking

        ensure_message_id(message)
        headers = dict(message.headers or {})
        headers[OUTBOX_HEADER] = str(message.pk)
        headers.update(consent.unsubscribe_headers(message))
        mail = _Email(subject=message.subject, body=message.body, to=[message.to], headers=headers)
        if message.html_body:
            mail.attach_alternative(tracking.tracked_html(message), "text/html")
        for item in message.attachments or []:
            with default_storage.open(item["path"], "rb") as stored:
                mail.attach(item["name"], stored.read(), item["content_type"])
        mail.send()
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["status", "sent_at"])


class OutboxOnlyBackend(BaseBackend):
    """Keeps the message in the outbox, queued: the default for SMS until a gateway is configured."""

    def deliver(self, message: Outbox) -> None:
        return None
