from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peyvand.core import registry


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    # the background job is reading and checking the file (or will soon)
    CHECKING = "checking", _("Being checked")
    CHECKED = "checked", _("Checked")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    # its worker stopped (killed, machine restarted) half-way; running it again resumes after the last batch
    INTERRUPTED = "interrupted", _("Interrupted")
    # the check found the file over a limit or unreadable: nothing can be imported from it
    REFUSED = "refused", _("Refused")


class OnDuplicate(models.TextChoices):
    SKIP = "skip", _("Skip the row")
    UPDATE = "update", _("Update the existing record with the row's values")


class ImportRun(models.Model):
    """One import of one file: its column mapping, its outcome counts and every failed cell."""

    # the plural of an importable record type (imports/fields.py ``kinds``), as registered by its app
    kind = models.CharField(_("kind"), max_length=20)
    file_name = models.CharField(_("file name"), max_length=255)
    # sha256 of the file's bytes: the file's identity in every row's import key
    file_sha256 = models.CharField(_("file checksum"), max_length=64)
    file_path = models.CharField(max_length=500, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    # the first row's cells, in the file's order, once the background job has read them
    headers = models.JSONField(default=list, editable=False)
    # the uploader's language: the background job writes the report's messages in it
    language = models.CharField(max_length=10, blank=True, editable=False)
    # {header text: field name or ""}, as matched or as the person fixed it
    mapping = models.JSONField(_("column mapping"), default=dict)
    # what a row sharing a phone or e-mail with a record already stored does
    on_duplicate = models.CharField(
        _("rows matching a stored record"),
        max_length=10,
        choices=OnDuplicate.choices,
        default=OnDuplicate.SKIP,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped_duplicate = models.PositiveIntegerField(_("skipped as duplicate"), default=0)
    already_imported = models.PositiveIntegerField(_("already imported"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    # created, but alike by name to a record in the same company or city: listed for a person to check
    possible_duplicate = models.PositiveIntegerField(_("possible duplicates"), default=0)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # when a running import last committed a batch: a run silent for long has lost its worker
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name}"

    def get_kind_display(self) -> str:
        """What the file holds, in the record type's own plural name (the kind itself for a type no longer
        registered)."""
        record_type = registry.by_plural(self.kind)
        return str(record_type.label_plural) if record_type is not None else self.kind

    @property
    def has_file(self) -> bool:
        return bool(self.file_path)

    @property
    def errors(self) -> list[dict]:
        """The bad cells, by row and column (the first ten thousand; the count of failed rows is exact)."""
        issues = self.issues.filter(kind=IssueKind.ERROR).order_by("row", "id")[:10_000]
        return [{"row": i.row, "column": i.column, "message": i.message} for i in issues]

    @property
    def duplicates(self) -> list[dict]:
        """Rows skipped as duplicates, with the key they share and the existing record when the user may see it."""
        issues = self.issues.filter(kind=IssueKind.DUPLICATE).order_by("row", "id")[:10_000]
        return [{"row": i.row, "key": i.key, "existing_id": i.existing_id} for i in issues]

    @property
    def possible_duplicates(self) -> list[dict]:
        """Rows created although a record alike by name exists in the same company or city, and why."""
        issues = self.issues.filter(kind=IssueKind.POSSIBLE).order_by("row", "id")[:10_000]
        return [{"row": i.row, "reasons": i.message, "existing_id": i.existing_id} for i in issues]


class IssueKind(models.TextChoices):
    ERROR = "error", _("Bad cell")
    DUPLICATE = "duplicate", _("Skipped as duplicate")
    POSSIBLE = "possible", _("Possible duplicate")


class ImportIssue(models.Model):
    """One bad cell, one row skipped as a duplicate (``key`` set) or one possible duplicate of an import's report.

    Kept as rows rather than in the run so each batch adds its own and a large file's report costs the same
    per batch from the first to the last.
    """

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="issues")
    kind = models.CharField(_("kind"), max_length=10, choices=IssueKind.choices, default=IssueKind.ERROR)
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=255, blank=True)
    message = models.TextField(_("message"), blank=True)
    key = models.CharField(_("duplicate key"), max_length=255, blank=True)
    existing_id = models.PositiveBigIntegerField(_("existing record"), null=True, blank=True)

    class Meta:
        verbose_name = _("import issue")
        verbose_name_plural = _("import issues")
        indexes = [models.Index(fields=["run", "row"])]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.row}"


class ImportedRow(models.Model):
    """A row already written: its stable key makes running the same file again skip it."""

    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id}"
