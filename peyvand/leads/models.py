import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peyvand.core.choices import Audience, Channel
from peyvand.core.models import OwnedModel, Tag


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")
    CONVERTED = "converted", _("Converted")


class PurchaseTimeline(models.TextChoices):
    NOW = "now", _("Now")
    MONTHS_1_3 = "1-3m", _("In 1–3 months")
    MONTHS_3_6 = "3-6m", _("In 3–6 months")
    LATER = "later", _("Later")
    UNKNOWN = "unknown", _("Unknown")


class ScoreBand(models.TextChoices):
    COLD = "cold", _("Cold")
    WARM = "warm", _("Warm")
    HOT = "hot", _("Hot")


class Lead(OwnedModel):
    """A person and company as received, before anyone has checked them."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    title = models.CharField(_("title / rank"), max_length=100, blank=True)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    region = models.CharField(_("region"), max_length=80, blank=True)
    source = models.CharField(
        _("source channel"), max_length=20, choices=Channel.choices, default=Channel.OTHER
    )
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    description = models.TextField(_("description"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="leads")
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    company = models.ForeignKey(
        "contacts.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    pipeline = models.ForeignKey(
        "sales.Pipeline",
        verbose_name=_("pipeline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    budget = models.DecimalField(_("budget"), max_digits=20, decimal_places=2, null=True, blank=True)
    purchase_timeline = models.CharField(
        _("purchase timeline"),
        max_length=10,
        choices=PurchaseTimeline.choices,
        default=PurchaseTimeline.UNKNOWN,
    )
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Where exactly it came from, for the reports: the form's name, the mailbox, the campaign, the referrer.
    source_detail = models.CharField(_("source detail"), max_length=200, blank=True)
    source_url = models.URLField(_("source page"), max_length=500, blank=True)
    web_form = models.ForeignKey(
        "leads.WebForm",
        verbose_name=_("web form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    # The Message-ID of the e-mail the lead came from: a second delivery of the same mail is not a new lead.
    message_id = models.CharField(_("e-mail Message-ID"), max_length=255, blank=True, editable=False)
    score = models.IntegerField(_("score"), default=0, editable=False)
    score_band = models.CharField(
        _("score band"), max_length=5, choices=ScoreBand.choices, blank=True, editable=False
    )
    qualified = models.BooleanField(_("qualified by score"), default=False, editable=False)
    # [{"rule": id, "label": ..., "field": ..., "points": n}] for the rules that fired
    score_explanation = models.JSONField(_("score explanation"), default=list, blank=True, editable=False)
    scoring_model = models.ForeignKey(
        "leads.ScoringModel",
        verbose_name=_("scoring model"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    assigned_by = models.ForeignKey(
        "leads.AssignmentRule",
        verbose_name=_("assigned by rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    assignment_reason = models.CharField(_("assignment reason"), max_length=255, blank=True, editable=False)
    search_text = models.TextField(editable=False, default="")

    audited_fields = (
        "first_name",
        "last_name",
        "title",
        "company_name",
        "industry",
        "phone",
        "email",
        "city",
        "region",
        "source",
        "status",
        "description",
        "tags",
        "custom",
        "contact",
        "company",
        "pipeline",
        "budget",
        "purchase_timeline",
        "audience",
        "language",
        "source_detail",
        "score",
        "score_band",
        "qualified",
        "owner",
        "team",
    )

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"], condition=~Q(message_id=""), name="lead_unique_message_id"
            )
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name} ({self.company_name})" if self.company_name else name

    def search_parts(self) -> list[str]:
        return [self.first_name, self.last_name, self.company_name, self.city, self.phone, self.email]


# Fields a web form may ask for (custom fields are asked as ``custom.<key>``).
WEB_FORM_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "company_name",
    "industry",
    "phone",
    "email",
    "city",
    "region",
    "budget",
    "purchase_timeline",
    "audience",
    "language",
    "description",
)


def new_form_key() -> str:
    return secrets.token_urlsafe(24)


class WebForm(models.Model):
    """A form an admin defines and embeds on a website; submissions become leads."""

    # What the settings page's changes write to the audit trail (leads/webforms.py).
    audited_fields = (
        "name",
        "fields",
        "required_fields",
        "source",
        "pipeline",
        "open_deal",
        "use_assignment_rules",
        "default_owner",
        "thank_you",
        "active",
    )

    name = models.CharField(_("name"), max_length=120)
    key = models.CharField(_("public key"), max_length=64, unique=True, default=new_form_key, editable=False)
    fields = models.JSONField(
        _("fields asked"),
        default=list,
        help_text=_('Lead fields, such as ["first_name", "last_name", "phone", "custom.product"].'),
    )
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)
    source = models.CharField(
        _("source channel"), max_length=20, choices=Channel.choices, default=Channel.WEBSITE
    )
    pipeline = models.ForeignKey(
        "sales.Pipeline", verbose_name=_("pipeline"), null=True, blank=True, on_delete=models.SET_NULL
    )
    open_deal = models.BooleanField(_("open a deal for each lead"), default=False)
    use_assignment_rules = models.BooleanField(_("use the assignment rules"), default=True)
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Owner of every lead when rules are off, or when no rule matches."),
    )
    thank_you = models.CharField(_("thank-you message"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("web form")
        verbose_name_plural = _("web forms")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from peyvand.core.customfields import fields_for

        known = set(WEB_FORM_FIELDS) | {f"custom.{f.key}" for f in fields_for("lead")}
        if not isinstance(self.fields, list) or not self.fields:
            raise ValidationError({"fields": _("List the fields the form asks for.")})
        unknown = [f for f in self.fields if f not in known]
        if unknown:
            raise ValidationError(
                {"fields": _("Unknown fields: %(f)s") % {"f": ", ".join(map(str, unknown))}}
            )
        if "last_name" not in self.fields:
            raise ValidationError({"fields": _("A form must ask for the last name (or the name).")})
        if not isinstance(self.required_fields, list) or any(
            f not in self.fields for f in self.required_fields
        ):
            raise ValidationError({"required_fields": _("Required fields must be among the fields asked.")})


class IntakeAttempt(models.Model):
    """One public submission, kept a while for the per-address rate limit (survives several workers)."""

    form = models.ForeignKey(WebForm, on_delete=models.CASCADE, related_name="+")
    address = models.GenericIPAddressField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["form", "address", "at"])]

    def __str__(self) -> str:
        return f"{self.address} {self.at}"


class PipelineIntake(models.Model):
    """What intake does for leads bound for a pipeline: open a deal for each at once, or not."""

    pipeline = models.OneToOneField(
        "sales.Pipeline", verbose_name=_("pipeline"), on_delete=models.CASCADE, related_name="intake"
    )
    open_deal = models.BooleanField(_("open a deal for each new lead"), default=True)

    class Meta:
        verbose_name = _("pipeline intake")
        verbose_name_plural = _("pipeline intake")

    def __str__(self) -> str:
        return str(self.pipeline)


class ScoringModel(models.Model):
    name = models.CharField(_("name"), max_length=120)
    pipeline = models.ForeignKey(
        "sales.Pipeline",
        verbose_name=_("pipeline"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="scoring_models",
        help_text=_("Leave empty for the default model, used where a pipeline has none."),
    )
    threshold = models.IntegerField(_("qualification threshold"), default=50)
    warm_from = models.IntegerField(_("warm from"), default=30)
    hot_from = models.IntegerField(_("hot from"), default=60)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    audited_fields = ("name", "pipeline", "threshold", "warm_from", "hot_from", "active")

    class Meta:
        verbose_name = _("scoring model")
        verbose_name_plural = _("scoring models")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pipeline"], condition=Q(active=True), name="one_active_scoring_model_per_pipeline"
            ),
            models.UniqueConstraint(
                fields=["active"],
                condition=Q(active=True, pipeline__isnull=True),
                name="one_active_default_scoring_model",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.warm_from > self.hot_from:
            raise ValidationError({"hot_from": _("Hot must start at or above warm.")})
        if self.active:
            clash = ScoringModel.objects.filter(active=True, pipeline=self.pipeline).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {"active": _("Another active model already scores this pipeline; deactivate it first.")}
                )

    def band_for(self, score: int) -> str:
        if score >= self.hot_from:
            return ScoreBand.HOT
        if score >= self.warm_from:
            return ScoreBand.WARM
        return ScoreBand.COLD


class Condition(models.TextChoices):
    EQUALS = "equals", _("equals")
    IN_LIST = "in", _("is one of (comma-separated)")
    CONTAINS = "contains", _("contains")
    BETWEEN = "between", _("is between (low, high)")
    GREATER = "gt", _("is greater than")
    LESS = "lt", _("is less than")
    IS_SET = "set", _("is filled in")


class ScoringRule(models.Model):
    model = models.ForeignKey(
        ScoringModel, verbose_name=_("model"), on_delete=models.CASCADE, related_name="rules"
    )
    label = models.CharField(_("label"), max_length=120)
    field = models.CharField(
        _("field"),
        max_length=80,
        help_text=_(
            "A lead field (budget, purchase_timeline, source, industry, city, ...), contact.title, "
            "company.industry, company.size, or custom.<key>."
        ),
    )
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices)
    value = models.CharField(_("value"), max_length=500, blank=True)
    points = models.IntegerField(_("points"))
    order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    audited_fields = ("label", "field", "condition", "value", "points", "order")

    class Meta:
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")
        ordering = ["model", "order", "id"]

    def __str__(self) -> str:
        return self.label

    def clean(self):
        from django.core.exceptions import ValidationError

        from peyvand.leads.scoring import rule_problems

        problems = rule_problems(self.field, self.condition, self.value)
        if problems:
            raise ValidationError(problems)


class Strategy(models.TextChoices):
    USER = "user", _("A chosen user")
    ROUND_ROBIN = "round_robin", _("Round robin in the team")
    LEAST_OPEN_DEALS = "least_open", _("Team member with the fewest open deals")
    SKILLS = "skills", _("Team member whose skills match best")


class AssignmentRule(models.Model):
    """When a new lead matches every condition set here, it goes to the target; the first match wins."""

    audited_fields = (
        "name",
        "order",
        "active",
        "source",
        "pipeline",
        "territory",
        "audience",
        "score_band",
        "language",
        "strategy",
        "target_user",
        "target_team",
        "fallback_owner",
    )

    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    pipeline = models.ForeignKey(
        "sales.Pipeline",
        verbose_name=_("pipeline / product line"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    territory = models.CharField(
        _("territory"), max_length=300, blank=True, help_text=_("Regions or cities, comma-separated.")
    )
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices, blank=True)
    score_band = models.CharField(_("score band"), max_length=5, choices=ScoreBand.choices, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    strategy = models.CharField(_("strategy"), max_length=12, choices=Strategy.choices, default=Strategy.USER)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    fallback_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fallback owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Gets the lead when the team has no seller to take it."),
    )

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # the rotation row exists before the first lead, so concurrent first leads all lock the same row
        RoundRobinState.objects.get_or_create(rule=self)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.strategy == Strategy.USER and not self.target_user_id:
            raise ValidationError({"target_user": _("Choose the user who gets the leads.")})
        if self.strategy != Strategy.USER and not self.target_team_id:
            raise ValidationError({"target_team": _("Choose the team whose sellers get the leads.")})


class RoundRobinState(models.Model):
    """The last seller a round-robin rule gave a lead to; locked while choosing the next, so concurrent
    leads queue here instead of both taking the same seller."""

    rule = models.OneToOneField(AssignmentRule, on_delete=models.CASCADE, related_name="rotation")
    last_user_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.last_user_id}"
