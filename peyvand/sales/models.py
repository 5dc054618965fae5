import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peyvand.core.models import OwnedModel, Tag


class Pipeline(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pipelines",
        help_text=_("Leave empty for a pipeline every team uses."),
    )
    is_default = models.BooleanField(_("default"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    audited_fields = ("name", "team", "is_default", "order")

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class StageKind(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class Stage(models.Model):
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveIntegerField(_("order"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("win probability (%)"), default=10, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    kind = models.CharField(_("kind"), max_length=5, choices=StageKind.choices, default=StageKind.OPEN)
    # Sanitised HTML (see richtext.clean_script): what to say and ask while a deal is in this stage.
    script = models.TextField(_("script"), blank=True, default="")
    max_days = models.PositiveSmallIntegerField(
        _("maximum days"),
        null=True,
        blank=True,
        help_text=_("A deal that stays longer is stuck; its owner and their manager are told."),
    )
    # Exit criteria: deal fields (from exit_criteria.FIELD_CHOICES, or "custom.<key>") that must be filled in
    # before a deal may move forward out of this stage.
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["pipeline", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__lte=100), name="stage_probability_max_100"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Every path (services, Django admin, demo data) stores the script sanitised; pages show it as is.
        from peyvand.sales.richtext import clean_script

        self.script = clean_script(self.script)
        super().save(*args, **kwargs)

    def active_checklist(self) -> list["ChecklistItem"]:
        return [item for item in self.checklist.all() if not item.archived]


class ChecklistItem(models.Model):
    """One step of a stage's checklist; ``required`` items are part of the stage's exit criteria.

    An item removed from a checklist that deals have already ticked is archived rather than deleted, so the
    history of which deals did it stays (the analytics compare win rates by item).
    """

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="checklist"
    )
    text = models.CharField(_("text"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)
    required = models.BooleanField(_("required to leave the stage"), default=False)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["stage", "order", "id"]

    def __str__(self) -> str:
        return self.text


class LostReason(models.Model):
    """One of the reasons a deal may be lost for, chosen from a list administrators keep.

    The name is whatever the administrator typed, in any language; the defaults are written in the site's
    language when the table is created. A reason in use is deactivated rather than deleted, so lost deals keep it.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    audited_fields = ("name", "order", "active")

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class DealStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class Deal(OwnedModel):
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3, default=settings.PEYVAND_DEFAULT_CURRENCY)
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="deals"
    )
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals")
    status = models.CharField(
        _("status"), max_length=5, choices=DealStatus.choices, default=DealStatus.OPEN, db_index=True
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    company = models.ForeignKey(
        "contacts.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    lead = models.ForeignKey(
        "leads.Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    lost_reason = models.CharField(_("lost reason"), max_length=255, blank=True)
    # The reason chosen from the list when the deal was lost (the text above keeps its name and any note, so
    # exports, automation conditions and older deals read the same field).
    lost_because = models.ForeignKey(
        LostReason,
        verbose_name=_("reason lost"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    stage_entered_at = models.DateTimeField(_("in stage since"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="deals")
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    search_text = models.TextField(editable=False, default="")

    audited_fields = (
        "title",
        "amount",
        "currency",
        "expected_close_date",
        "pipeline",
        "stage",
        "status",
        "contact",
        "company",
        "lost_reason",
        "lost_because",
        "tags",
        "custom",
        "owner",
        "team",
    )

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["pipeline", "stage"]),
            # Reports count deals by the day they closed; on PostgreSQL the index also carries what they sum and
            # group by, so they read the index alone.
            models.Index(
                fields=["closed_at"],
                include=["id", "status", "amount", "owner", "team", "pipeline", "deleted_at"],
                name="deal_closed_at",
            ),
            # Whether a customer had already won a deal before a given moment (the activity report's split into
            # new prospects and current customers, the customer filter) is one look into these small indexes.
            models.Index(
                fields=["company", "closed_at"],
                condition=models.Q(status="won", deleted_at__isnull=True),
                name="deal_won_by_company",
            ),
            models.Index(
                fields=["contact", "closed_at"],
                condition=models.Q(status="won", deleted_at__isnull=True, company__isnull=True),
                name="deal_won_by_contact",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def search_parts(self) -> list[str]:
        return [self.title]

    def days_over_limit(self, now=None) -> int | None:
        """Whole days (rounded up) past its stage's maximum, for an open deal that is stuck; else None."""
        limit = self.stage.max_days
        if limit is None or self.status != DealStatus.OPEN:
            return None
        over = (now or timezone.now()) - self.stage_entered_at - dt.timedelta(days=limit)
        if over <= dt.timedelta(0):
            return None
        return over.days + (1 if over % dt.timedelta(days=1) else 0)


class ChecklistCheck(models.Model):
    """A checklist item a deal has done: which, when and by whom (unticking deletes the row; the audit keeps
    both)."""

    deal = models.ForeignKey(Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.CASCADE, related_name="checks"
    )
    checked_at = models.DateTimeField(_("done at"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("checklist check")
        verbose_name_plural = _("checklist checks")
        constraints = [models.UniqueConstraint(fields=["deal", "item"], name="checklist_check_once_per_deal")]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.item_id}"


class StageHistory(models.Model):
    # indexed below, together with the time of the move
    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="stage_history", db_index=False
    )
    from_stage = models.ForeignKey(
        Stage, verbose_name=_("from stage"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(
        Stage, verbose_name=_("to stage"), on_delete=models.PROTECT, related_name="+"
    )
    moved_at = models.DateTimeField(_("moved at"), db_index=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seconds_in_previous = models.PositiveBigIntegerField(
        _("seconds in previous stage"), null=True, blank=True
    )
    # A move a manager let through although exit criteria were missing: why, and what was missing.
    override_reason = models.CharField(_("override reason"), max_length=255, blank=True, default="")
    override_missing = models.JSONField(_("missing at override"), default=list, blank=True)

    class Meta:
        verbose_name = _("stage move")
        verbose_name_plural = _("stage history")
        ordering = ["deal", "moved_at", "id"]
        indexes = [
            # A deal's moves in order; where a move took it is carried along, so the stage a deal was in on a
            # given day (the forecast back-test) is read from the index alone on PostgreSQL.
            models.Index(
                fields=["deal", "moved_at", "id"], include=["to_stage"], name="stage_history_deal_moves"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} → {self.to_stage_id}"
