"""The service calendar: the equipment, tools and places a service uses (resources) and the field jobs that book
technicians and resources for a span of time.

A resource is a settings row kept by administrators beside the support addresses (a short list that changes
rarely, with no owner or team), not a record type. A job books its technicians and resources for ``[starts_at,
ends_at)``: a job ending at 12:00 and one starting at 12:00 do not overlap. Overlaps are refused by
``services_calendar.schedule_job``, which locks the booked rows first so two schedulers cannot both pass the
check.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ResourceKind(models.TextChoices):
    VEHICLE = "vehicle", _("Vehicle")
    INSTRUMENT = "instrument", _("Instrument")
    TOOL = "tool", _("Tool")
    ROOM = "room", _("Room")


class ServiceResource(models.Model):
    """A vehicle, instrument, tool or room that a field job books. ``feed_nonce`` gives the resource's secret iCal
    address as the personal calendar feed does: the address is derived from it with the server's key, and only
    its hash is looked up."""

    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    feed_nonce = models.CharField(max_length=64, blank=True, editable=False)
    feed_token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("service calendar", "resource")
        verbose_name_plural = pgettext_lazy("service calendar", "resources")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="service_resource_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name

    @property
    def feed_token(self) -> str:
        from django.utils.crypto import salted_hmac

        return salted_hmac("peyvand.resource-feed", self.feed_nonce, algorithm="sha256").hexdigest()

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class FieldJobStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", pgettext_lazy("field job", "Done")
    CANCELLED = "cancelled", _("Cancelled")


class FieldJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Those who work the queue see every job (they schedule them); anyone else the jobs they are on or made."""
        from peyvand.service.permissions_calendar import can_schedule_jobs

        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if can_schedule_jobs(user):
            return self
        return self.filter(Q(technicians=user) | Q(created_by=user)).distinct()

    def overlapping(self, start: dt.datetime, end: dt.datetime):
        """Planned or done jobs sharing a moment with [start, end): touching ends are not an overlap."""
        return self.exclude(status=FieldJobStatus.CANCELLED).filter(starts_at__lt=end, ends_at__gt=start)


class FieldJob(models.Model):
    """A visit or job at a customer's: when, where, who goes and with what."""

    title = models.CharField(_("title"), max_length=200)
    ticket = models.ForeignKey(
        "service.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="field_jobs",
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    company = models.ForeignKey(
        "contacts.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.TextField(_("address"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=10, choices=FieldJobStatus.choices, default=FieldJobStatus.PLANNED
    )
    technicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("technicians"), related_name="field_jobs"
    )
    resources = models.ManyToManyField(
        ServiceResource,
        verbose_name=pgettext_lazy("service calendar", "resources"),
        blank=True,
        related_name="jobs",
    )
    notes = models.TextField(_("notes"), blank=True)
    # set when the job falls outside the working hours or on a day off and the settings only flag that
    outside_hours = models.BooleanField(_("outside working hours"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FieldJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("field job")
        verbose_name_plural = _("field jobs")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="field_job_span")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="field_job_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} «{self.title}»"


class CalendarSettings(models.Model):
    """One row: the field service's working day, and whether a job outside it is refused or only flagged."""

    day_start = models.TimeField(_("working day starts"), default=dt.time(8, 0))
    day_end = models.TimeField(_("working day ends"), default=dt.time(16, 0))
    refuse_outside_hours = models.BooleanField(_("refuse jobs outside working hours"), default=False)

    class Meta:
        verbose_name = _("service calendar settings")
        verbose_name_plural = _("service calendar settings")

    def __str__(self) -> str:
        return str(_("service calendar settings"))
