"""SMS gateways configured in the settings, and the text messages customers send to their lines."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from peyvand.core.secrets import EncryptedTextField


class SmsProvider(models.TextChoices):
    KAVENEGAR = "kavenegar", _("Kavenegar")
    SMSIR = "smsir", _("SMS.ir")
    MELIPAYAMAK = "melipayamak", _("Melipayamak")
    GENERIC = "generic", _("Other gateway (HTTP address template)")


class SmsGateway(models.Model):
    """The gateway SMS leave through: which provider, the sender line, the key (kept encrypted), the
    provider's options (a user name, an address template), and how many messages a minute it takes."""

    provider = models.CharField(_("provider"), max_length=20, choices=SmsProvider.choices)
    sender = models.CharField(_("sender line"), max_length=30, blank=True)
    api_key = EncryptedTextField(_("API key"), blank=True, null=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    per_minute = models.PositiveIntegerField(_("messages per minute"), default=60)
    # The webhook's secret is shown once; only its SHA-256 is kept, which is all checking a call needs.
    webhook_token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SMS gateway")
        verbose_name_plural = _("SMS gateways")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.sender}".strip()


class InboundSms(models.Model):
    """A text message a customer sent to one of our lines, as the gateway's webhook reported it. It lands on
    the records whose phone is the sender's number (read through their E.164 numbers when shown)."""

    gateway = models.ForeignKey(
        SmsGateway, on_delete=models.CASCADE, related_name="inbound", verbose_name=_("gateway")
    )
    from_number = models.CharField(_("from"), max_length=40, db_index=True)
    to_line = models.CharField(_("to line"), max_length=40, blank=True)
    text = models.TextField(_("text"), blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    provider_message_id = models.CharField(_("gateway's message id"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("received SMS")
        verbose_name_plural = _("received SMS")
        ordering = ["-received_at", "-id"]
        constraints = [
            # A gateway that calls the webhook again with the same message does not make a second row.
            models.UniqueConstraint(
                fields=["gateway", "provider_message_id"],
                condition=~models.Q(provider_message_id=""),
                name="inbound_sms_once_per_gateway",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_number}: {self.text[:40]}"
