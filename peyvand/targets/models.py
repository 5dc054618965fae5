from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peyvand.core import periods


class PeriodKind(models.TextChoices):
    MONTH = periods.MONTH, _("Month")
    QUARTER = periods.QUARTER, _("Quarter")


class Calendar(models.TextChoices):
    JALALI = periods.JALALI, _("Jalali")
    GREGORIAN = periods.GREGORIAN, _("Gregorian")


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Targets ``user`` may read: all for an admin; a manager's team and its reps; a rep's own only."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        if user.is_manager and user.team_id:
            return self.filter(Q(team_id=user.team_id) | Q(user__team_id=user.team_id) | Q(user=user))
        return self.filter(user=user)

    def overlapping(self, start, end):
        """Targets whose period shares at least one day with [start, end] (both included)."""
        return self.filter(start_date__lte=end, end_date__gte=start)


class Target(models.Model):
    """A sales target for one rep or one team over one month or quarter: an amount and a number of deals won.

    Exactly one of ``user`` and ``team`` is set. ``start_date`` and ``end_date`` are the period's first and
    last day (both included), in the Gregorian calendar the database keeps; ``calendar``, ``period_kind``,
    ``year`` and ``number`` are the period as people named it ("Azar 1405" is jalali, month, 1405, 9).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rep"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sales_targets",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sales_targets",
    )
    calendar = models.CharField(_("calendar"), max_length=10, choices=Calendar.choices)
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("month or quarter"))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default=settings.PEYVAND_DEFAULT_CURRENCY)
    deals_won = models.PositiveIntegerField(_("deals won"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TargetQuerySet.as_manager()

    audited_fields = (
        "user",
        "team",
        "calendar",
        "period_kind",
        "year",
        "number",
        "start_date",
        "end_date",
        "amount",
        "currency",
        "deals_won",
    )

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["start_date", "period_kind", "team_id", "user_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(team__isnull=True))
                | (Q(user__isnull=True) & Q(team__isnull=False)),
                name="target_for_a_rep_or_a_team",
            ),
            models.UniqueConstraint(
                fields=["user", "calendar", "period_kind", "year", "number"],
                condition=Q(user__isnull=False),
                name="target_unique_rep_period",
            ),
            models.UniqueConstraint(
                fields=["team", "calendar", "period_kind", "year", "number"],
                condition=Q(team__isnull=False),
                name="target_unique_team_period",
            ),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"], name="target_period_range")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.period.label()}"

    @property
    def subject(self):
        return self.user if self.user_id else self.team

    @property
    def period(self) -> periods.Period:
        return periods.Period(self.calendar, self.period_kind, self.year, self.number)
