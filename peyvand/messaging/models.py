from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    OPENED = "opened", _("Opened")
    CLICKED = "clicked", _("Clicked")
    BOUNCED = "bounced", _("Bounced")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Not sent (opted out)")


# How far a message has gone: an event only moves the status forward (a late "delivered" report does not undo a
# click); a bounce or a failure reported after "sent" wins over sent and delivered, never over a click.
STATUS_RANK = {
    OutboxStatus.QUEUED: 0,
    OutboxStatus.FAILED: 1,
    OutboxStatus.SUPPRESSED: 1,
    OutboxStatus.SENT: 2,
    OutboxStatus.DELIVERED: 3,
    OutboxStatus.BOUNCED: 4,
    OutboxStatus.OPENED: 5,
    OutboxStatus.CLICKED: 6,
}


class EventKind(models.TextChoices):
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Not delivered")
    OPENED = "opened", _("Opened")
    CLICKED = "clicked", _("Clicked")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Marked as spam")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    FAILED = "failed", _("Failed")
    RETRIED = "retried", _("Retried")


class Outbox(models.Model):
    """Every message Peyvand sends to a customer or a user, whichever backend carries it: what, to whom, how it
    went. A backend that cannot deliver yet (SMS before a gateway is configured) leaves it queued."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    html_body = models.TextField(_("HTML body"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED, db_index=True
    )
    backend = models.CharField(_("backend"), max_length=200, blank=True)
    # What the message is about ("deal", 5) and who caused it (an automation rule's run), for the record's history.
    record_type = models.CharField(_("record type"), max_length=30, blank=True)
    record_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    # Files that go with the message, already kept in the default storage (a record's files): a list of
    # {"name", "content_type", "path"}. The row refers to them rather than holding their bytes, so a message can be
    # delivered again (a queued SMS gateway, a retried e-mail) with exactly what was meant to go.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # Extra e-mail headers (Message-ID, In-Reply-To, References): a ticket's reply carries the Message-ID it is
    # known by, so the customer's answer threads back onto the ticket; kept on the row so a retry sends the same.
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Who asked for it (a user composing; none for the system's own reminders and rules).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The consent topic it is sent under ("" for a transactional message a customer cannot opt out of).
    topic = models.CharField(_("topic"), max_length=40, blank=True)
    # The account it goes through: a mailbox or an SMS gateway's row, by the backend's own reading.
    account_id = models.PositiveBigIntegerField(_("account"), null=True, blank=True)
    # The gateway's own id for the message, which its delivery reports name.
    provider_message_id = models.CharField(
        _("provider's message id"), max_length=120, blank=True, db_index=True
    )
    # Not before: a send scheduled for later, or the next try after a failure (with ``attempts`` so far).
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # SMS parts the text takes (70 characters a part in Persian, 160 in Latin; fewer when split).
    segments = models.PositiveSmallIntegerField(_("parts"), null=True, blank=True)
    # Whether its HTML went out with tracked links and an open pixel (the site's setting and the sender's wish).
    tracked = models.BooleanField(_("tracked"), default=False)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["record_type", "record_id"]),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to}: {self.subject or self.body[:40]}"


class OutboxEvent(models.Model):
    """What happened to a message after it left: a gateway's delivery report, an open, a click, a bounce. The
    message's status is the furthest of its events (``STATUS_RANK``); the events keep each one with its time."""

    message = models.ForeignKey(
        Outbox, on_delete=models.CASCADE, related_name="events", verbose_name=_("message")
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("at"), db_index=True)
    # The recipient's address for a message to several, the clicked link, the gateway's status code, a user agent.
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("message event")
        verbose_name_plural = _("message events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["message", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.at:%Y-%m-%d %H:%M}"


from peyvand.messaging.models_consent import MessagingSettings, Suppression  # noqa: E402, F401
from peyvand.messaging.models_mailboxes import *  # noqa: E402, F403
from peyvand.messaging.models_sms import InboundSms, SmsGateway, SmsProvider  # noqa: E402, F401
from peyvand.messaging.models_templates import MessageTemplate, TemplateLanguage  # noqa: E402, F401
