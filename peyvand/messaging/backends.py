"""How a message leaves: one backend per channel, chosen by ``PEYVAND_MESSAGING_BACKENDS``.

A backend gets the ``Outbox`` row already written and delivers it (or leaves it queued for a gateway that comes
later). Real SMS gateways plug in here: a class with ``deliver(message)`` named in the setting.
"""

from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from peyvand.messaging.models import Outbox, OutboxStatus


class BaseBackend:
    def deliver(self, message: Outbox) -> None:
        raise NotImplementedError


class EmailBackend(BaseBackend):
    """Hands the message to Django's mail backend (SMTP, or files for the embedded trial)."""

    def deliver(self, message: Outbox) -> None:
        mail = EmailMultiAlternatives(
            subject=message.subject, body=message.body, to=[message.to], headers=dict(message.headers or {})
        )
        if message.html_body:
            mail.attach_alternative(message.html_body, "text/html")
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
