"""Building blocks every customer-facing record shares: ownership, visibility, version, soft delete, audit."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OwnedQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)

    def visible_to(self, user):
        """The records ``user`` may see: all for an admin, the team's for a manager, their own for the rest.

        Every list, detail, update, delete and export starts here, so a record outside it is simply not found.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        mine = Q(owner=user)
        if user.team_id and (user.is_manager or settings.PEYVAND_REP_SEES_TEAM):
            mine |= Q(team_id=user.team_id)
        return self.filter(mine)


class AliveManager(models.Manager.from_queryset(OwnedQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


AllManager = models.Manager.from_queryset(OwnedQuerySet)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    color = models.CharField(_("colour"), max_length=7, default="#6b7280")

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OwnedModel(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, db_index=True)

    objects = AliveManager()
    all_objects = AllManager()

    # Fields the audit trail records; subclasses list their own.
    audited_fields: tuple[str, ...] = ("owner", "team")

    class Meta:
        abstract = True
        base_manager_name = "all_objects"


class CustomFieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    BOOLEAN = "boolean", _("Yes/no")


class CustomFieldEntity(models.TextChoices):
    COMPANY = "company", _("Company")
    CONTACT = "contact", _("Contact")
    LEAD = "lead", _("Lead")
    DEAL = "deal", _("Deal")


class CustomField(models.Model):
    """A typed field an admin adds to an entity; values live in the record's ``custom`` JSON."""

    entity = models.CharField(_("entity"), max_length=30, choices=CustomFieldEntity.choices)
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(_("type"), max_length=10, choices=CustomFieldType.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["entity", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["entity", "key"], name="custom_field_unique_key")]

    def __str__(self) -> str:
        return f"{self.entity}.{self.key}"


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    MOVE = "move", _("Moved to stage")
    DELETE = "delete", _("Deleted")
    RESTORE = "restore", _("Restored")
    CONVERT = "convert", _("Converted")


class AuditEntry(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # {field: [old, new]}, values as the API shows them
    changes = models.JSONField(_("changes"), default=dict)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.content_type.model}#{self.object_id}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """A background job people wait for (an import, a re-scoring, a scan): its progress and its outcome."""

    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.status == JobStatus.DONE else None
        return min(100, int(self.done * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class PeriodicRun(models.Model):
    """When a periodic job (see core/periodic.py) last ran and is next due; its row is how a worker claims it."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    next_at = models.DateTimeField(_("next run"))
    started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name


class DayShare(models.TextChoices):
    """How much of a day is worked: plan pacing counts working days in these shares."""

    FULL = "1", _("Full working day")
    HALF = "0.5", _("Half day")
    OFF = "0", _("Day off")


class WorkingWeek(models.Model):
    """The business's usual week (one row): Friday off and the rest worked unless an administrator says
    otherwise (Thursday is often a half or a full day off in Iran)."""

    saturday = models.CharField(_("Saturday"), max_length=3, choices=DayShare.choices, default=DayShare.FULL)
    sunday = models.CharField(_("Sunday"), max_length=3, choices=DayShare.choices, default=DayShare.FULL)
    monday = models.CharField(_("Monday"), max_length=3, choices=DayShare.choices, default=DayShare.FULL)
    tuesday = models.CharField(_("Tuesday"), max_length=3, choices=DayShare.choices, default=DayShare.FULL)
    wednesday = models.CharField(
        _("Wednesday"), max_length=3, choices=DayShare.choices, default=DayShare.FULL
    )
    thursday = models.CharField(_("Thursday"), max_length=3, choices=DayShare.choices, default=DayShare.FULL)
    friday = models.CharField(_("Friday"), max_length=3, choices=DayShare.choices, default=DayShare.OFF)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Python's weekday() numbers: Monday is 0.
    DAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

    class Meta:
        verbose_name = _("working week")
        verbose_name_plural = _("working week")

    def __str__(self) -> str:
        return str(_("working week"))


class Holiday(models.Model):
    """An official holiday or company day off, kept as data because the lunar holidays move every year."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    share = models.CharField(
        _("worked"),
        max_length=3,
        choices=DayShare.choices,
        default=DayShare.OFF,
        help_text=_("A half day counts half in plan pacing."),
    )

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class SavedView(models.Model):
    """A list's filters and sorting kept under a name: the owner's own, or shared with the owner's team."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    # set when shared: everyone in this team sees the view in the list's menu
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("shared with team"), null=True, blank=True, on_delete=models.CASCADE
    )
    list_name = models.CharField(_("list"), max_length=40)  # a record type's plural: "deals"
    name = models.CharField(_("name"), max_length=80)
    query = models.TextField(_("filters and sorting"), blank=True)
    # The list's columns in the order shown (field names); empty: the list's own columns. A name the list no
    # longer offers is skipped when the view is opened.
    columns = models.JSONField(_("columns"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "list_name", "name"], name="saved_view_unique_name"),
        ]
        indexes = [models.Index(fields=["list_name", "team"], name="saved_view_list_team")]

    def __str__(self) -> str:
        return self.name

    @property
    def link_query(self) -> str:
        """The query string that opens the view: its filters and sorting, and its columns if it chose any."""
        names = [c for c in self.columns if isinstance(c, str)] if isinstance(self.columns, list) else []
        columns = urlencode({"columns": ",".join(names)}) if names else ""
        return "&".join(part for part in (self.query, columns) if part)
