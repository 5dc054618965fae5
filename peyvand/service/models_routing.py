"""Routing rules: who gets a ticket that arrives by itself (e-mail, the web form, the portal).

Rules are tried in order, like the leads' assignment rules; the first whose conditions the ticket meets gives it
a queue and an agent (a named one, the next in turn, the least busy, or the one whose skills fit best).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peyvand.service.models import TicketCategory, TicketChannel, TicketPriority, TicketType


class RoutingStrategy(models.TextChoices):
    USER = "user", _("A named agent")
    ROUND_ROBIN = "round_robin", _("Round robin in the queue")
    LEAST_OPEN = "least_open", _("Agent with the fewest open tickets")
    SKILLS = "skills", _("Agent whose skills and languages fit best")


class TicketRoutingRule(models.Model):
    """When a ticket arriving by itself meets every condition set here, it goes to this queue and agent."""

    audited_fields = (
        "name",
        "position",
        "active",
        "channel",
        "type",
        "priority",
        "category",
        "product",
        "customer_tier",
        "language",
        "keywords",
        "strategy",
        "team",
        "agent",
    )

    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    channel = models.CharField(_("channel"), max_length=10, choices=TicketChannel.choices, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=TicketType.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=TicketPriority.choices, blank=True)
    category = models.ForeignKey(
        TicketCategory,
        verbose_name=pgettext_lazy("service desk", "category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    product = models.ForeignKey(
        "billing.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    customer_tier = models.ForeignKey(
        "billing.CustomerTier",
        verbose_name=_("customer tier"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, blank=True)
    keywords = models.CharField(
        _("words in the subject or text"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated; any one of them matches."),
    )
    strategy = models.CharField(
        _("strategy"), max_length=12, choices=RoutingStrategy.choices, default=RoutingStrategy.LEAST_OPEN
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("queue"), on_delete=models.CASCADE, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Round robin: the last agent given a ticket by this rule (the row is locked while choosing the next).
    last_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name
