import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peyvand.core.links import RecordLink, RecordTypeField, record_link_index
from peyvand.core.models import OwnedModel


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    TASK = "task", _("Task")
    EMAIL = "email", _("Email")
    NOTE = "note", _("Note")


class Activity(OwnedModel, RecordLink):
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices, default=ActivityKind.TASK)
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    # The record the activity was logged on (a deal, a lead, a contact, ...; none for a task of one's own); the
    # records it concerns, this one included, are its ``links`` (see ``ActivityLink``).
    record_type = RecordTypeField(_("record type"), max_length=40, blank=True, default="")
    record_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    # Minutes before ``due_at`` at which the owner is reminded, ascending (see periodic.py); a list on the row so
    # that changing reminders is versioned and audited like any other field.
    reminders = models.JSONField(_("reminders"), default=list, blank=True)
    search_text = models.TextField(editable=False, default="")

    # Set by ``selectors.with_records`` for pages: the record it is on, when the viewer may see it.
    record = None
    column_labels = {"record": _("about")}

    audited_fields = (
        "kind",
        "subject",
        "notes",
        "due_at",
        "done_at",
        "duration_minutes",
        "outcome",
        "reminders",
        "record_type",
        "record_id",
        "owner",
        "team",
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-due_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "done_at", "due_at"]),
            # Reports count what was done in a period, whoever did it (on PostgreSQL from the index alone).
            models.Index(
                fields=["done_at"],
                include=["id", "kind", "owner", "team", "deleted_at"],
                name="activity_done_at",
            ),
            # Whether a deal had a call, meeting, ... done by some time (the activity-impact report) is one look
            # into this index, on PostgreSQL without reading the table. The type is carried, not searched on: ids
            # rarely repeat across types, and a key column more made each look measurably slower (BENCHMARKS.md).
            models.Index(
                fields=["record_id", "kind", "done_at"],
                include=["record_type", "owner", "team", "deleted_at"],
                name="activity_record_kind_done_at",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def search_parts(self) -> list[str]:
        return [self.subject, self.outcome]

    @property
    def ends_at(self) -> dt.datetime | None:
        """When it ends on a calendar: its duration after ``due_at``, half an hour when none is given."""
        if self.due_at is None:
            return None
        try:
            return self.due_at + dt.timedelta(minutes=self.duration_minutes or DEFAULT_DURATION_MINUTES)
        except OverflowError:  # a time stored at the very end of the calendar ends where it starts
            return self.due_at

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.done_at is None and self.due_at is not None and self.due_at < now


class ActivityLink(RecordLink):
    """A record an activity concerns: the one it was logged on and those that one concerns (a deal's contact and
    company, see ``RecordType.concerns``). A record's timeline, the "activities of" filter and the reports' "for
    which customer" read these rows; the activity's own ``record_type``/``record_id`` says where it was logged."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="links", db_index=False)

    class Meta:
        verbose_name = _("activity link")
        verbose_name_plural = _("activity links")
        constraints = [
            # also the index by which an activity's links (its customer, in the reports) are read
            models.UniqueConstraint(
                fields=["activity", "record_type", "record_id"], name="activity_link_unique"
            ),
        ]
        indexes = [record_link_index("activity_link_record", "activity")]

    def __str__(self) -> str:
        return f"{self.record_type} #{self.record_id}"


# Kinds that happen at a time and so belong on a calendar and get reminders.
SCHEDULED_KINDS = (ActivityKind.TASK, ActivityKind.MEETING, ActivityKind.CALL)
DEFAULT_DURATION_MINUTES = 30


class CalendarFeed(models.Model):
    """A user's personal iCal address. The address holds a token derived from ``nonce`` with the server's secret
    key, so the page can show it again, while the database alone (a backup, a leaked dump) does not give it
    away; ``token_hash`` (its SHA-256) is what a request is looked up by. Rotating draws a new nonce."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("rotated at"), auto_now=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def token(self) -> str:
        from django.utils.crypto import salted_hmac

        return salted_hmac("peyvand.calendar-feed", self.nonce, algorithm="sha256").hexdigest()

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
