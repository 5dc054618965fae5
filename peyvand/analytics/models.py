"""What the customer metrics need beyond the deals: marketing and sales spend, survey answers, key accounts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peyvand.core.choices import Channel
from peyvand.core.models import OwnedModel, OwnedQuerySet


class SpendQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All spend for an admin; for anyone else their team's and the company-wide spend (no team)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        company_wide = Q(team__isnull=True)
        return self.filter(company_wide | Q(team_id=user.team_id) if user.team_id else company_wide)


class Spend(models.Model):
    """Marketing and sales spend of one month (its first day, in the business calendar) on one channel."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default=settings.PEYVAND_DEFAULT_CURRENCY)
    note = models.CharField(_("note"), max_length=255, blank=True)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SpendQuerySet.as_manager()

    audited_fields = ("month", "channel", "amount", "currency", "note", "team")

    class Meta:
        verbose_name = _("spend")
        verbose_name_plural = _("spend")
        ordering = ["-month", "channel", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="spend_amount_not_negative")]
        indexes = [models.Index(fields=["month", "channel"], name="spend_month_channel")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m-%d} · {self.get_channel_display()}"


class SurveyResponseQuerySet(OwnedQuerySet):
    def visible_to(self, user):
        """As every owned record; the support team also sees its queue's answers. A resolved ticket's survey
        answer is owned by the ticket's agent and queue (``analytics.service``), and whoever works the queue sees
        its tickets, so a support manager's net promoter score is their queue's."""
        if user is not None and user.is_authenticated and user.is_active and not user.is_admin:
            if getattr(user, "is_support", False) and user.team_id:
                return self.filter(Q(owner=user) | Q(team_id=user.team_id))
        return super().visible_to(user)


class SurveyResponseManager(models.Manager.from_queryset(SurveyResponseQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class SurveyResponse(OwnedModel):
    """One answer to "how likely are you to recommend us?" (0–10), with its comment."""

    objects = SurveyResponseManager()
    all_objects = models.Manager.from_queryset(SurveyResponseQuerySet)()

    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)

    audited_fields = ("owner", "team", "contact", "score", "comment", "answered_at", "channel")

    class Meta(OwnedModel.Meta):
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=10), name="survey_score_0_to_10")
        ]


class KeyAccount(models.Model):
    """A company marked key, with the monthly volume its owner thinks it could buy."""

    company = models.OneToOneField(
        "contacts.Company", verbose_name=_("company"), on_delete=models.CASCADE, related_name="key_account"
    )
    potential = models.DecimalField(_("potential monthly volume"), max_digits=20, decimal_places=2)
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    audited_fields = ("company", "potential", "note")

    class Meta:
        verbose_name = _("key account")
        verbose_name_plural = _("key accounts")
        ordering = ["company__name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(potential__gte=0), name="key_account_potential_not_negative")
        ]

    def __str__(self) -> str:
        return str(self.company)
