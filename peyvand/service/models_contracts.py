"""After the sale: service contracts, warranties of sold serial-numbered items, and periodic service plans.

A contract and a warranty are owned records seen as tickets are (``TicketQuerySet.visible_to``: the support team
sees its queue's, a manager the team's, an administrator all), since the people who read them are the ones
working the customer's tickets. What a ticket is covered by is worked out from them by
``selectors_contracts.coverage_for``; nothing here refuses a ticket.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peyvand.core.models import OwnedModel
from peyvand.service.models import SLAPolicy, Ticket, TicketQuerySet


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class EntitlementUnit(models.TextChoices):
    NONE = "", _("No limit")
    HOURS = "hours", _("Hours")
    VISITS = "visits", _("Visits")


class CoveredManager(models.Manager.from_queryset(TicketQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


def _amount(label):
    return models.DecimalField(label, max_digits=20, decimal_places=2, default=Decimal("0"))


class ServiceContract(OwnedModel):
    """A customer's service contract: its period, what it covers, how much work it includes and its SLA."""

    number = models.CharField(_("contract number"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_contracts",
    )
    company = models.ForeignKey(
        "contacts.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_contracts",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ContractStatus.choices,
        default=ContractStatus.DRAFT,
        db_index=True,
    )
    entitlement_unit = models.CharField(
        _("entitlement in"), max_length=10, choices=EntitlementUnit.choices, blank=True, default=""
    )
    entitlement = models.DecimalField(
        _("entitlement"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Hours or visits the contract includes; empty: no limit."),
    )
    sla_policy = models.ForeignKey(
        SLAPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The covered customer's tickets take this policy."),
    )
    value = _amount(pgettext_lazy("service contract", "value"))
    currency = models.CharField(_("currency"), max_length=3, default=settings.PEYVAND_DEFAULT_CURRENCY)
    renewal_reminder_days = models.PositiveSmallIntegerField(
        _("remind of renewal (days before the end)"), default=30
    )
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.TextField(editable=False, default="")

    objects = CoveredManager()
    all_objects = models.Manager.from_queryset(TicketQuerySet)()

    audited_fields = (
        "owner",
        "team",
        "number",
        "title",
        "contact",
        "company",
        "start_date",
        "end_date",
        "status",
        "entitlement_unit",
        "entitlement",
        "sla_policy",
        "value",
        "currency",
        "renewal_reminder_days",
        "notes",
    )

    class Meta(OwnedModel.Meta):
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="contract_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status"], name="contract_company_status"),
            models.Index(fields=["contact", "status"], name="contract_contact_status"),
            models.Index(fields=["status", "end_date"], name="contract_status_end"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def is_active_on(self, day: dt.date) -> bool:
        return self.status == ContractStatus.ACTIVE and self.start_date <= day <= self.end_date

    @property
    def customer(self):
        return self.company or self.contact


class ContractItem(models.Model):
    """A product (any unit of it) or one serial-numbered item a contract covers."""

    contract = models.ForeignKey(
        ServiceContract, verbose_name=_("service contract"), on_delete=models.CASCADE, related_name="items"
    )
    product = models.ForeignKey(
        "billing.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("covered item")
        verbose_name_plural = _("covered items")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False) | ~Q(serial_number=""),
                name="contract_item_names_something",
            ),
        ]

    def __str__(self) -> str:
        return " · ".join(str(p) for p in (self.product, self.serial_number) if p)


class ContractUsage(models.Model):
    """Work done under a contract (hours or a visit), logged on the ticket it was for: the entitlement's use."""

    contract = models.ForeignKey(
        ServiceContract, verbose_name=_("service contract"), on_delete=models.CASCADE, related_name="usage"
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contract_usage",
    )
    amount = models.DecimalField(_("amount used"), max_digits=10, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("work logged")
        verbose_name_plural = _("work logged")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="contract_usage_positive")]

    def __str__(self) -> str:
        return f"{self.contract_id} · {self.amount}"


class Warranty(OwnedModel):
    """The warranty of one sold serial-numbered item. One made from an invoice names the invoice line, so a
    repeated ``invoice_issued`` finds it rather than making a second."""

    product = models.ForeignKey(
        "billing.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    serial_number = models.CharField(_("serial number"), max_length=100, db_index=True)
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warranties",
    )
    company = models.ForeignKey(
        "contacts.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warranties",
    )
    start_date = models.DateField(_("warranty from"))
    end_date = models.DateField(_("warranty until"))
    invoice_line = models.OneToOneField(
        "billing.InvoiceLine",
        verbose_name=_("invoice line"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="warranty",
        editable=False,
    )
    invoice = models.ForeignKey(
        "billing.Invoice",
        verbose_name=_("invoice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    search_text = models.TextField(editable=False, default="")

    objects = CoveredManager()
    all_objects = models.Manager.from_queryset(TicketQuerySet)()

    audited_fields = (
        "owner",
        "team",
        "product",
        "serial_number",
        "contact",
        "company",
        "start_date",
        "end_date",
    )

    class Meta(OwnedModel.Meta):
        verbose_name = _("warranty")
        verbose_name_plural = _("warranties")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="warranty_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.serial_number}"

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date

    @property
    def customer(self):
        return self.company or self.contact


class ServicePlan(models.Model):
    """Periodic service of a contract or of one item (its warranty): every ``every_months`` months a service
    order is opened ``create_days_before`` the due date and the customer and owner are reminded
    ``remind_days_before`` it."""

    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("service contract"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plans",
    )
    warranty = models.ForeignKey(
        Warranty,
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plans",
    )
    subject = models.CharField(_("service"), max_length=200)
    every_months = models.PositiveSmallIntegerField(_("every (months)"))
    next_due = models.DateField(_("next due"))
    create_days_before = models.PositiveSmallIntegerField(
        _("open the service order (days before)"), default=14
    )
    remind_days_before = models.PositiveSmallIntegerField(_("remind (days before)"), default=7)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        ordering = ["next_due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract__isnull=False, warranty__isnull=True)
                | Q(contract__isnull=True, warranty__isnull=False),
                name="service_plan_for_one_thing",
            ),
            models.CheckConstraint(condition=Q(every_months__gte=1), name="service_plan_every_month_or_more"),
        ]
        indexes = [models.Index(fields=["active", "next_due"], name="service_plan_due")]

    def __str__(self) -> str:
        return self.subject

    @property
    def subject_record(self):
        return self.contract or self.warranty


class PlanVisit(models.Model):
    """One due date of a plan and the service order opened for it: a due date is acted on once."""

    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("service plan"), on_delete=models.CASCADE, related_name="visits"
    )
    due_date = models.DateField(_("due"))
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("planned service")
        verbose_name_plural = _("planned services")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "due_date"], name="plan_visit_once_per_due_date")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} · {self.due_date}"
