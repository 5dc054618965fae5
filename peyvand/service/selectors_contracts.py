"""Reads of contracts and warranties, already limited to what the user may see, and a ticket's coverage.

``coverage_for(ticket)`` is what the ticket page shows and the SLA reads: the customer's contracts active that
day that cover the ticket's item (a contract naming no items covers all the customer's), each with its
entitlement used and left, and the warranty of the ticket's serial number. It refuses nothing: an item out of
warranty or not covered is flagged and the work noted as billable.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peyvand.core.listing import Filter, ListSpec, as_int
from peyvand.core.text import to_ascii_digits
from peyvand.service.models import Ticket
from peyvand.service.models_contracts import (
    ContractStatus,
    ContractUsage,
    ServiceContract,
    ServicePlan,
    Warranty,
)

CONTRACT_LIST = ListSpec(
    entity="servicecontract",
    ordering=(
        "start_date",
        "end_date",
        "number",
        "title",
        "status",
        "value",
        "created_at",
        "updated_at",
        "id",
    ),
    default_ordering="-start_date",
    filters={
        "status": Filter("status", label=_("Status")),
        "owner": Filter("owner_id", as_int, _("Owner")),
        "team": Filter("team_id", as_int, _("Team")),
        "contact": Filter("contact_id", as_int, _("Contact")),
        "company": Filter("company_id", as_int, _("Company")),
    },
)

WARRANTY_LIST = ListSpec(
    entity="warranty",
    ordering=("start_date", "end_date", "serial_number", "created_at", "updated_at", "id"),
    default_ordering="-start_date",
    filters={
        "product": Filter("product_id", as_int, _("Product")),
        "owner": Filter("owner_id", as_int, _("Owner")),
        "team": Filter("team_id", as_int, _("Team")),
        "contact": Filter("contact_id", as_int, _("Contact")),
        "company": Filter("company_id", as_int, _("Company")),
    },
)


def normalize_serial(value) -> str:
    """A serial number as stored and matched: ASCII digits (Persian ones typed), no surrounding space."""
    return to_ascii_digits(str(value or "")).strip()


def contracts_visible_to(user) -> QuerySet[ServiceContract]:
    return ServiceContract.objects.visible_to(user).select_related(
        "owner", "team", "contact", "company", "sla_policy"
    )


def warranties_visible_to(user) -> QuerySet[Warranty]:
    return Warranty.objects.visible_to(user).select_related("owner", "team", "product", "contact", "company")


def _customer_q(contact_id, company_id) -> Q | None:
    q = Q()
    if company_id:
        q |= Q(company_id=company_id)
    if contact_id:
        q |= Q(contact_id=contact_id)
    return q or None


def entitlement_used(contract: ServiceContract) -> Decimal:
    """The hours or visits logged against the contract."""
    total = ContractUsage.objects.filter(contract=contract).aggregate(n=Sum("amount"))["n"]
    return _hundredths(total)


def _hundredths(value) -> Decimal:
    # SQLite sums decimals to whatever precision it likes; the stored fields keep two places, and so do sums.
    return Decimal(value or 0).quantize(Decimal("0.01"))


def entitlement_left(contract: ServiceContract, used: Decimal | None = None) -> Decimal | None:
    """What is left of the entitlement (never below zero); None when the contract sets no limit."""
    if not contract.entitlement_unit or contract.entitlement is None:
        return None
    used = entitlement_used(contract) if used is None else used
    return max(contract.entitlement - used, Decimal("0"))


def _covers_item(contract: ServiceContract, product_id, serial: str) -> bool:
    items = list(contract.items.all())
    if not items:
        return True  # a contract naming no items covers whatever the customer has
    for item in items:
        if item.serial_number and serial and item.serial_number.casefold() == serial.casefold():
            return True
        if item.product_id and not item.serial_number and item.product_id == product_id:
            return True
    return False


def covering_contracts(ticket: Ticket, *, day: dt.date | None = None) -> list[ServiceContract]:
    """The customer's contracts active on ``day`` (today) that cover the ticket's item, latest start first."""
    day = day or timezone.localdate()
    customer = _customer_q(ticket.contact_id, ticket.company_id)
    if customer is None:
        return []
    contracts = (
        ServiceContract.objects.filter(customer, status=ContractStatus.ACTIVE)
        .filter(start_date__lte=day, end_date__gte=day)
        .select_related("sla_policy")
        .prefetch_related("items")
        .order_by("-start_date", "-id")
    )
    serial = normalize_serial(ticket.serial_number)
    return [c for c in contracts if _covers_item(c, ticket.product_id, serial)]


def contract_policy(ticket: Ticket):
    """The SLA policy of the first covering contract that names an active one, else None."""
    for contract in covering_contracts(ticket):
        policy = contract.sla_policy if contract.sla_policy_id else None
        if policy is not None and policy.active:
            return policy
    return None


def warranty_of(ticket: Ticket) -> Warranty | None:
    """The warranty of the ticket's serial number (of its product, when it names one); the customer's own first."""
    serial = normalize_serial(ticket.serial_number)
    if not serial:
        return None
    warranties = Warranty.objects.filter(serial_number__iexact=serial).select_related("product")
    if ticket.product_id:
        warranties = warranties.filter(product_id=ticket.product_id)
    customer = _customer_q(ticket.contact_id, ticket.company_id)
    candidates = list(warranties.order_by("-start_date", "-id")[:20])
    if customer is not None:
        mine = [
            w
            for w in candidates
            if (ticket.company_id and w.company_id == ticket.company_id)
            or (ticket.contact_id and w.contact_id == ticket.contact_id)
        ]
        candidates = mine or candidates
    return candidates[0] if candidates else None


IN_WARRANTY, OUT_OF_WARRANTY, NO_WARRANTY = "in", "out", "none"


@dataclass
class ContractCover:
    contract: ServiceContract
    used: Decimal
    left: Decimal | None  # None: no limit

    @property
    def exhausted(self) -> bool:
        return self.left is not None and self.left <= 0


@dataclass
class Coverage:
    """What the ticket's customer and item are covered by on ``day``."""

    day: dt.date
    contracts: list[ContractCover] = field(default_factory=list)
    warranty: Warranty | None = None
    warranty_state: str = NO_WARRANTY
    item_named: bool = False
    plans: list[ServicePlan] = field(default_factory=list)

    @property
    def in_warranty(self) -> bool:
        return self.warranty_state == IN_WARRANTY

    @property
    def contract_covers(self) -> bool:
        return any(not c.exhausted for c in self.contracts)

    @property
    def billable(self) -> bool:
        """Work not covered by a warranty or by a contract with entitlement left is charged for."""
        return not (self.in_warranty or self.contract_covers)

    @property
    def flags(self) -> list[str]:
        """Why the work is billable, in words (what the ticket page says)."""
        notes = []
        if self.warranty_state == OUT_OF_WARRANTY:
            notes.append(str(_("The item is out of warranty.")))
        elif self.item_named and self.warranty_state == NO_WARRANTY:
            notes.append(str(_("No warranty is recorded for this item.")))
        if not self.contracts:
            notes.append(str(_("No active service contract covers this customer or item.")))
        elif not self.contract_covers:
            notes.append(str(_("The contract's entitlement is used up.")))
        return notes


def coverage_for(ticket: Ticket, *, day: dt.date | None = None) -> Coverage:
    """The ticket's coverage on ``day`` (today): covering contracts with their entitlement, the item's warranty."""
    day = day or timezone.localdate()
    coverage = Coverage(day=day, item_named=bool(normalize_serial(ticket.serial_number)))
    contracts = covering_contracts(ticket, day=day)
    used = dict(
        ContractUsage.objects.filter(contract__in=contracts)
        .values_list("contract_id")
        .annotate(n=Sum("amount"))
        .values_list("contract_id", "n")
    )
    for contract in contracts:
        spent = _hundredths(used.get(contract.pk))
        coverage.contracts.append(ContractCover(contract, spent, entitlement_left(contract, spent)))
    warranty = warranty_of(ticket)
    if warranty is not None:
        coverage.warranty = warranty
        coverage.warranty_state = IN_WARRANTY if warranty.covers(day) else OUT_OF_WARRANTY
    plans = ServicePlan.objects.filter(active=True).filter(
        Q(contract__in=contracts) | (Q(warranty=warranty) if warranty else Q(pk__in=[]))
    )
    coverage.plans = list(plans.order_by("next_due", "id"))
    return coverage


def customer_contracts(record) -> QuerySet[ServiceContract]:
    """A contact's or company's contracts, newest first (the section on the customer's page)."""
    lookup = {"company": record} if record._meta.model_name == "company" else {"contact": record}
    return ServiceContract.objects.filter(**lookup).order_by("-start_date", "-id")


def customer_warranties(record) -> QuerySet[Warranty]:
    lookup = {"company": record} if record._meta.model_name == "company" else {"contact": record}
    return Warranty.objects.filter(**lookup).select_related("product").order_by("-start_date", "-id")
