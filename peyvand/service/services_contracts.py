"""Writes of service contracts, warranties and service plans (over ``core.records`` for the owned records, so
ownership, the version check, the audit trail and the record events are the generic ones).

Warranties are made from billing's issued invoices (``warranties_for_invoice``, on ``invoice_issued``): one per
line with a serial number whose product has warranty months, from the issue date. The invoice line is the
warranty's key, so an event delivered twice makes nothing twice.

Months are calendar months of the stored (Gregorian) date, a day past the end of the shorter month being its
last day: 31 January + 1 month is 28 (or 29) February.
"""

import calendar
import datetime as dt
import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from peyvand.core.audit import write_audit
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditAction
from peyvand.core.records import create_record, field_error, lock_for_update, update_record
from peyvand.core.text import clean_display_text, normalize_text, to_ascii_digits
from peyvand.service import permissions_contracts as permissions
from peyvand.service.models import SLAPolicy, Ticket
from peyvand.service.models_contracts import (
    ContractItem,
    ContractStatus,
    ContractUsage,
    EntitlementUnit,
    ServiceContract,
    ServicePlan,
    Warranty,
)
from peyvand.service.selectors_contracts import covering_contracts, normalize_serial

MAX_MONTHS = 600
log = logging.getLogger(__name__)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` ``months`` calendar months later, on the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _require(allowed: bool, code: str = permissions.CONTRACT_FORBIDDEN) -> None:
    if not allowed:
        raise PeyvandError(code, _("You may not do this with service contracts."), status=403)


def _customer(actor, values: dict[str, Any], current=None) -> None:
    """Contact and company as records the actor may use; at least one of them named."""
    from peyvand.contacts.models import Company, Contact
    from peyvand.service.services_tickets import customers_for

    for name, model in (("contact", Contact), ("company", Company)):
        if name not in values:
            continue
        value = values[name]
        if value in (None, ""):
            values[name] = None
            continue
        pk = value.pk if isinstance(value, model) else value
        try:
            # the ticket's rule: the support team serves any customer, others those they see
            values[name] = customers_for(actor, model).get(pk=int(to_ascii_digits(str(pk))))
        except (ObjectDoesNotExist, ValueError, TypeError):
            raise field_error(name, _("No such record, or you may not use it.")) from None
    contact = values.get("contact", getattr(current, "contact", None))
    company = values.get("company", getattr(current, "company", None))
    if contact is None and company is None:
        # the field emptied is named (a company sent empty), else the contact
        named = "company" if "company" in values else "contact"
        raise field_error(named, _("Name the customer: a contact, a company or both."))


def _period(values: dict[str, Any], current=None) -> None:
    start = values.get("start_date", getattr(current, "start_date", None))
    end = values.get("end_date", getattr(current, "end_date", None))
    if start is None:
        raise field_error("start_date", _("This field is required."))
    if end is None:
        raise field_error("end_date", _("This field is required."))
    if end < start:
        raise field_error("end_date", _("The end date cannot be before the start date."))


def _decimal(value: Any, field: str, *, allow_none: bool) -> Decimal | None:
    if value in (None, ""):
        if allow_none:
            return None
        raise field_error(field, _("This field is required."))
    try:
        number = Decimal(to_ascii_digits(str(value)).strip())
    except (InvalidOperation, ValueError):
        raise field_error(field, _("Enter a number.")) from None
    if not number.is_finite() or number < 0:
        raise field_error(field, _("Enter a number that is zero or more."))
    return number


def _contract_values(actor, values: dict[str, Any], current: ServiceContract | None) -> dict[str, Any]:
    values = dict(values)
    for name in ("search_text", "items", "usage", "plans"):
        values.pop(name, None)
    if "title" in values:
        values["title"] = clean_display_text(str(values["title"] or ""))
        if not values["title"]:
            raise field_error("title", _("This field is required."))
    if "number" in values:
        number = clean_display_text(to_ascii_digits(str(values["number"] or "")))
        taken = ServiceContract.all_objects.filter(number=number)
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if number and taken.exists():
            raise field_error("number", _("Another contract already has this number."))
        values["number"] = number
    _customer(actor, values, current)
    _period(values, current)
    if "sla_policy" in values and values["sla_policy"] not in (None, ""):
        value = values["sla_policy"]
        try:
            values["sla_policy"] = (
                value
                if isinstance(value, SLAPolicy)
                else SLAPolicy.objects.get(pk=int(to_ascii_digits(str(value))))
            )
        except (ObjectDoesNotExist, ValueError, TypeError):
            raise field_error("sla_policy", _("No such record, or you may not use it.")) from None
    elif "sla_policy" in values:
        values["sla_policy"] = None
    if "entitlement" in values:
        values["entitlement"] = _decimal(values["entitlement"], "entitlement", allow_none=True)
    if "value" in values:
        values["value"] = _decimal(values["value"], "value", allow_none=False)
    unit = values.get("entitlement_unit", getattr(current, "entitlement_unit", ""))
    amount = values.get("entitlement", getattr(current, "entitlement", None))
    if unit not in EntitlementUnit.values:
        raise field_error("entitlement_unit", _("Choose hours, visits or no limit."))
    if amount is not None and not unit:
        raise field_error("entitlement_unit", _("Say whether the entitlement is in hours or visits."))
    if "status" in values and values["status"] not in ContractStatus.values:
        raise field_error("status", _("Choose one of the statuses."))
    return values


@transaction.atomic
def create_contract(*, actor, values: dict[str, Any]) -> ServiceContract:
    """A new contract (a draft unless the values say otherwise), numbered ``SC-<id>`` when no number is given."""
    _require(permissions.can_keep_contracts(actor))
    values = _contract_values(actor, values, None)
    contract = create_record(ServiceContract, actor=actor, values=values)
    if not contract.number:
        contract.number = f"SC-{contract.pk}"
        contract.save(update_fields=["number"])
    return contract


@transaction.atomic
def update_contract(
    *, actor, contract: ServiceContract, version: int | None, values: dict[str, Any]
) -> ServiceContract:
    _require(permissions.can_keep_contracts(actor))
    locked = lock_for_update(contract, version)
    values = _contract_values(actor, values, locked)
    return update_record(locked, actor=actor, version=version, values=values)


def _product(value, field: str = "product"):
    from peyvand.billing.models import Product

    if value in (None, ""):
        return None
    if isinstance(value, Product):
        return value
    try:
        return Product.objects.get(pk=int(to_ascii_digits(str(value))))
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise field_error(field, _("No such record, or you may not use it.")) from None


@transaction.atomic
def add_contract_item(
    *, actor, contract: ServiceContract, product=None, serial_number: str = ""
) -> ContractItem:
    """Cover a product (any unit of it) or one serial-numbered item under the contract."""
    _require(permissions.can_keep_contracts(actor))
    product = _product(product)
    serial = normalize_serial(serial_number)[:100]
    if product is None and not serial:
        raise field_error("product", _("Name a product, a serial number or both."))
    item = ContractItem.objects.create(contract=contract, product=product, serial_number=serial)
    write_audit(
        instance=contract,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={"covered_items": [None, str(item)]},
    )
    return item


@transaction.atomic
def remove_contract_item(*, actor, contract: ServiceContract, item_id: int) -> None:
    _require(permissions.can_keep_contracts(actor))
    item = ContractItem.objects.filter(contract=contract, pk=item_id).first()
    if item is None:
        raise field_error("item", _("No such record, or you may not use it."))
    write_audit(
        instance=contract,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={"covered_items": [str(item), None]},
    )
    item.delete()


@transaction.atomic
def log_contract_work(
    *, actor, ticket: Ticket, contract: ServiceContract, amount: Any, note: str = ""
) -> ContractUsage:
    """Hours or a visit done on ``ticket`` under ``contract``, which must cover the ticket today. More than
    what is left is logged all the same (the work was done): the entitlement then shows none left."""
    _require(permissions.can_log_contract_work(actor), permissions.USAGE_FORBIDDEN)
    if not Ticket.objects.visible_to(actor).filter(pk=ticket.pk).exists():
        _require(False, permissions.USAGE_FORBIDDEN)
    if contract.pk not in {c.pk for c in covering_contracts(ticket)}:
        raise field_error("contract", _("This contract does not cover the ticket's customer or item today."))
    number = _decimal(amount, "amount", allow_none=False)
    if number is None or number <= 0:
        raise field_error("amount", _("Enter a number above zero."))
    if number >= Decimal("100000"):
        raise field_error("amount", _("Enter a smaller number."))
    usage = ContractUsage.objects.create(
        contract=contract, ticket=ticket, amount=number, note=clean_display_text(note)[:200], logged_by=actor
    )
    write_audit(
        instance=contract,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={"used": [None, f"{number} ({ticket.reference})"]},
    )
    return usage


# ── warranties ──────────────────────────────────────────────────────────────────────────────────────────────────


def _warranty_values(actor, values: dict[str, Any], current: Warranty | None) -> dict[str, Any]:
    values = dict(values)
    for name in ("search_text", "invoice", "invoice_line"):
        values.pop(name, None)
    if "product" in values:
        values["product"] = _product(values["product"])
        if values["product"] is None:
            raise field_error("product", _("This field is required."))
    if "serial_number" in values:
        values["serial_number"] = normalize_serial(values["serial_number"])[:100]
        if not values["serial_number"]:
            raise field_error("serial_number", _("This field is required."))
    _customer(actor, values, current)
    _period(values, current)
    return values


@transaction.atomic
def create_warranty(*, actor, values: dict[str, Any]) -> Warranty:
    """A warranty recorded by hand (an item sold before its invoices were kept here)."""
    _require(permissions.can_keep_contracts(actor))
    return create_record(Warranty, actor=actor, values=_warranty_values(actor, values, None))


@transaction.atomic
def update_warranty(*, actor, warranty: Warranty, version: int | None, values: dict[str, Any]) -> Warranty:
    _require(permissions.can_keep_contracts(actor))
    locked = lock_for_update(warranty, version)
    return update_record(locked, actor=actor, version=version, values=_warranty_values(actor, values, locked))


def warranties_for_invoice(invoice) -> list[Warranty]:
    """The warranties of an issued invoice's serial-numbered lines, made once each (returns those made now).

    Owned by the invoice's owner, for the invoice's customer, from its issue date for the product's warranty
    months. A credit note makes none; a line whose product gives no warranty months makes none.
    """
    from peyvand.billing.models import InvoiceKind

    if invoice.kind != InvoiceKind.INVOICE or invoice.issue_date is None:
        return []
    made = []
    lines = invoice.lines.filter(product__isnull=False).exclude(serial_number="").select_related("product")
    for line in lines:
        months = line.product.warranty_months or 0
        serial = normalize_serial(line.serial_number)[:100]
        if months <= 0 or not serial or Warranty.all_objects.filter(invoice_line=line).exists():
            continue
        try:
            with transaction.atomic():
                warranty = Warranty.objects.create(
                    owner_id=invoice.owner_id,
                    team_id=invoice.team_id,
                    product=line.product,
                    serial_number=serial,
                    contact_id=invoice.contact_id,
                    company_id=invoice.company_id,
                    start_date=invoice.issue_date,
                    end_date=add_months(invoice.issue_date, min(months, MAX_MONTHS)),
                    invoice_line=line,
                    invoice=invoice,
                    search_text=normalize_text(f"{serial} {line.product.code} {line.product.name}"),
                )
        except IntegrityError:
            continue  # another delivery of the same event made it first
        write_audit(
            instance=warranty,
            actor=None,
            action=AuditAction.CREATE,
            changes={"serial_number": [None, serial], "invoice": [None, invoice.number]},
        )
        made.append(warranty)
    return made


def on_invoice_issued(sender, invoice=None, **kwargs) -> None:
    """After the issue's commit: a failure here is logged and leaves the invoice issued (a warranty can be
    recorded by hand, and a repeated event makes the missing ones)."""
    if invoice is None:
        return
    try:
        warranties_for_invoice(invoice)
    except Exception:
        log.exception("the warranties of invoice %s could not be made", invoice.pk)


# ── service plans ───────────────────────────────────────────────────────────────────────────────────────────────


def _whole(value: Any, field: str, *, low: int, high: int) -> int:
    try:
        number = int(to_ascii_digits(str(value)).strip())
    except (ValueError, TypeError):
        raise field_error(field, _("Enter a whole number.")) from None
    if not low <= number <= high:
        raise field_error(field, _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high})
    return number


@transaction.atomic
def create_service_plan(
    *,
    actor,
    contract: ServiceContract | None = None,
    warranty: Warranty | None = None,
    subject: str,
    every_months: Any,
    next_due: dt.date | None,
    create_days_before: Any = 14,
    remind_days_before: Any = 7,
) -> ServicePlan:
    """Periodic service for a contract or an item: the first due date, then every ``every_months`` months."""
    _require(permissions.can_keep_contracts(actor))
    if (contract is None) == (warranty is None):
        raise field_error("contract", _("A plan is for one contract or one item."))
    subject = clean_display_text(subject or "")[:200]
    if not subject:
        raise field_error("subject", _("This field is required."))
    if next_due is None:
        raise field_error("next_due", _("This field is required."))
    every = _whole(every_months, "every_months", low=1, high=120)
    create_before = _whole(create_days_before, "create_days_before", low=0, high=365)
    remind_before = _whole(remind_days_before, "remind_days_before", low=0, high=365)
    if remind_before > create_before:
        raise field_error(
            "remind_days_before",
            _("Remind at most as many days ahead as the service order is opened."),
        )
    plan = ServicePlan.objects.create(
        contract=contract,
        warranty=warranty,
        subject=subject,
        every_months=every,
        next_due=next_due,
        create_days_before=create_before,
        remind_days_before=remind_before,
    )
    record: ServiceContract | Warranty = contract or warranty  # type: ignore[assignment]  # one of them, checked
    write_audit(
        instance=record, actor=actor, action=AuditAction.UPDATE, changes={"service_plans": [None, str(plan)]}
    )
    return plan


@transaction.atomic
def stop_service_plan(*, actor, plan: ServicePlan) -> ServicePlan:
    _require(permissions.can_keep_contracts(actor))
    plan = ServicePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.active:
        plan.active = False
        plan.save(update_fields=["active"])
        record: ServiceContract | Warranty = plan.contract or plan.warranty  # type: ignore[assignment]
        write_audit(
            instance=record,
            actor=actor,
            action=AuditAction.UPDATE,
            changes={"service_plans": [str(plan), None]},
        )
    return plan
