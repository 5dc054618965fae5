"""Who must not be written to, and the site's wish about tracking.

A ``Suppression`` says an address is not to get messages on a channel (about one topic, or about any topic when
the topic is blank): the recipient unsubscribed, the address bounced hard or complained, or a user marked it by
hand. Every ``send`` checks it, so the rule holds whichever app sends.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """What a message is about, for the recipient's consent; one fixed list, in one place."""

    MARKETING = "marketing", _("Marketing")
    NEWSLETTERS = "newsletters", _("Newsletters")
    SERVICE_UPDATES = "service_updates", _("Service updates")


class SuppressionReason(models.TextChoices):
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Marked as spam")
    MANUAL = "manual", _("Added by hand")


# A bounce or complaint stops every message to the address, whatever its topic: the address is dead or its owner
# told their provider our mail is unwanted.
HARD_REASONS = (SuppressionReason.BOUNCED, SuppressionReason.COMPLAINED)


class Suppression(models.Model):
    channel = models.CharField(_("channel"), max_length=10)
    # Normalised: an e-mail address lower-cased, a phone number in E.164.
    address = models.CharField(_("address"), max_length=254)
    topic = models.CharField(_("topic"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=SuppressionReason.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The message that brought it (the one unsubscribed from, the one that bounced), when there is one.
    message = models.ForeignKey(
        "messaging.Outbox",
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "address", "topic"], name="suppression_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address} ({self.topic or '*'}) {self.reason}"


class MessagingSettings(models.Model):
    """One row: site-wide choices about outgoing messages."""

    # Opens (a pixel) and clicks (links through our redirect) of HTML e-mail; an administrator may turn it off.
    tracking_enabled = models.BooleanField(_("track opens and clicks"), default=True)

    class Meta:
        verbose_name = _("messaging settings")
        verbose_name_plural = _("messaging settings")

    def __str__(self) -> str:
        return str(_("messaging settings"))

    @classmethod
    def current(cls) -> "MessagingSettings":
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls(tracking_enabled=True)
