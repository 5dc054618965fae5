from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peyvand.core.choices import Channel
from peyvand.core.models import OwnedModel, Tag


class CompanySize(models.TextChoices):
    MICRO = "1-10", _("1–10 people")
    SMALL = "11-50", _("11–50 people")
    MEDIUM = "51-200", _("51–200 people")
    LARGE = "201-1000", _("201–1000 people")
    ENTERPRISE = "1000+", _("More than 1000 people")


# The weekday numbers stored in ``work_days`` are Python's (Monday 0 … Sunday 6); see contacts/calltime.py.
class Weekday(models.IntegerChoices):
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


class CallHours(models.Model):
    """When a company or contact may be called: its time zone and working hours, empty to inherit.

    A contact without its own uses its company's; a company without its own uses the defaults in
    contacts/calltime.py (the site's time zone, the usual Iranian office week).
    """

    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, help_text=_("Such as Asia/Tehran; empty to inherit.")
    )
    # "HH:MM" text rather than a TimeField: the audit trail and the API keep it as people type it.
    work_start = models.CharField(_("working hours start"), max_length=5, blank=True)
    work_end = models.CharField(_("working hours end"), max_length=5, blank=True)
    work_days = models.JSONField(_("working days"), default=list, blank=True)

    call_hours_fields = ("time_zone", "work_start", "work_end", "work_days")

    class Meta:
        abstract = True


class CustomerStanding(models.Model):
    """A customer marked lost by hand (they said they are leaving, they went to a competitor) counts as lost
    from that day in churn and retention, even before the months without a purchase have passed; buying
    again on or after that day brings them back."""

    lost_on = models.DateField(_("lost customer since"), null=True, blank=True)
    lost_reason = models.CharField(_("why the customer was lost"), max_length=200, blank=True)

    standing_fields = ("lost_on", "lost_reason")

    class Meta:
        abstract = True


class Company(OwnedModel, CallHours, CustomerStanding):
    name = models.CharField(_("name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=CompanySize.choices, blank=True)
    region = models.CharField(_("region"), max_length=80, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    website = models.URLField(_("website"), blank=True)
    phones = models.JSONField(_("phones"), default=list, blank=True)
    emails = models.JSONField(_("emails"), default=list, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="companies")
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    search_text = models.TextField(editable=False, default="")

    audited_fields = (
        "name",
        "industry",
        "size",
        "region",
        "city",
        "website",
        "phones",
        "emails",
        "tags",
        "custom",
        *CallHours.call_hours_fields,
        *CustomerStanding.standing_fields,
        "owner",
        "team",
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def search_parts(self) -> list[str]:
        return [self.name, self.industry, self.city, self.region, self.website, *self.phones, *self.emails]


class Contact(OwnedModel, CallHours, CustomerStanding):
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    title = models.CharField(_("title / rank"), max_length=100, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    phones = models.JSONField(_("phones"), default=list, blank=True)
    emails = models.JSONField(_("emails"), default=list, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    source = models.CharField(_("source channel"), max_length=20, choices=Channel.choices, blank=True)
    region = models.CharField(_("region"), max_length=80, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    audience = models.CharField(_("audience"), max_length=80, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="contacts")
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    search_text = models.TextField(editable=False, default="")

    audited_fields = (
        "first_name",
        "last_name",
        "title",
        "company",
        "phones",
        "emails",
        "birthday",
        "source",
        "region",
        "city",
        "audience",
        "tags",
        "custom",
        *CallHours.call_hours_fields,
        *CustomerStanding.standing_fields,
        "owner",
        "team",
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def search_parts(self) -> list[str]:
        return [
            self.first_name,
            self.last_name,
            self.title,
            self.city,
            self.region,
            *self.phones,
            *self.emails,
        ]


class DuplicateEntity(models.TextChoices):
    CONTACT = "contact", _("Contact")
    COMPANY = "company", _("Company")
    LEAD = "lead", _("Lead")


class DuplicateKey(models.Model):
    """One lookup key of a record (its E.164 phone, its e-mail, a name token where it lives), so a new record
    finds its likely duplicates through an index instead of reading every row; see docs/decisions."""

    entity = models.CharField(max_length=10, choices=DuplicateEntity.choices)
    kind = models.CharField(max_length=10)  # phone, email or name
    value = models.CharField(max_length=255)
    object_id = models.PositiveBigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["entity", "kind", "value"], name="duplicate_key_lookup"),
            models.Index(fields=["entity", "object_id"], name="duplicate_key_record"),
        ]

    def __str__(self) -> str:
        return f"{self.entity}#{self.object_id} {self.kind}={self.value}"


class DuplicateGroupStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MERGED = "merged", _("Merged")


class DuplicateGroup(models.Model):
    """Records a duplicate scan believes are the same person or company, with how sure it is and why."""

    entity = models.CharField(_("entity"), max_length=10, choices=DuplicateEntity.choices)
    score = models.PositiveSmallIntegerField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=DuplicateGroupStatus.choices, default=DuplicateGroupStatus.OPEN
    )
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("duplicate group")
        verbose_name_plural = _("duplicate groups")
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["entity", "status", "-score"], name="duplicate_group_listing")]

    def __str__(self) -> str:
        return f"{self.entity} duplicates #{self.pk} ({self.score})"


class DuplicateMember(models.Model):
    group = models.ForeignKey(DuplicateGroup, on_delete=models.CASCADE, related_name="members")
    object_id = models.PositiveBigIntegerField(db_index=True)

    class Meta:
        ordering = ["object_id"]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.object_id}"


class MergeRecord(models.Model):
    """What one merge changed, kept so it can be undone: the survivor's earlier values and every moved row."""

    entity = models.CharField(_("entity"), max_length=10, choices=DuplicateEntity.choices)
    survivor_id = models.PositiveBigIntegerField(db_index=True)
    other_ids = models.JSONField(default=list)
    previous = models.JSONField(default=dict)  # the survivor's audited values before the merge
    moved = models.JSONField(default=dict)  # {"app.Model.field": {other_id: [row ids]}}
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entity} merge into #{self.survivor_id}"
