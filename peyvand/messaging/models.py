from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


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

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to}: {self.subject or self.body[:40]}"
