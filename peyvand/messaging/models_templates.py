from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peyvand.messaging.models import Channel


class TemplateLanguage(models.TextChoices):
    ANY = "", _("Any language")
    PERSIAN = "fa", _("Persian")
    ENGLISH = "en", _("English")


class MessageTemplate(models.Model):
    """A message people start from when they write to a customer: a subject and a text with merge fields
    (``{{ record.first_name }}``, ``{{ me.name }}``), in one language, for one channel, offered on the records of
    one type or of all."""

    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=TemplateLanguage.choices,
        default=TemplateLanguage.ANY,
        blank=True,
    )
    # The record type it is written for ("deal"); blank for any record.
    record_type = models.CharField(_("record type"), max_length=30, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    active = models.BooleanField(_("offered"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    audited_fields = ("name", "channel", "language", "record_type", "subject", "body", "active")

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["channel", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "language", "name"], name="message_template_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name
