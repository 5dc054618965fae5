"""The satisfaction survey a customer is sent when their ticket is resolved (``services_surveys``).

One survey per resolution: ``resolution`` is the ticket's reopen count when it was resolved, so a ticket reopened
and resolved again asks again, and resolving the same resolution twice (a retry, a double click) does not. The
link's token is random and only its SHA-256 is kept: the database alone cannot answer a customer's survey.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TicketSurvey(models.Model):
    ticket = models.ForeignKey(
        "service.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="surveys"
    )
    resolution = models.PositiveIntegerField(_("resolution"), default=0)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_to = models.EmailField(_("sent to"))
    language = models.CharField(_("language"), max_length=5, default="fa")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, db_index=True)
    csat = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("likely to recommend (0–10)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket survey")
        verbose_name_plural = _("ticket surveys")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "resolution"], name="ticket_survey_once_per_resolution"
            ),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5), name="ticket_survey_csat_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__lte=10), name="ticket_survey_nps_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} · {self.resolution}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def state(self) -> str:
        """answered, expired (the link no longer answers), sent (waiting), or unsent (the mail failed)."""
        if self.answered:
            return "answered"
        if timezone.now() >= self.expires_at:
            return "expired"
        return "sent" if self.sent_at else "unsent"
