"""The API's shapes of service contracts, warranties, service plans and a ticket's coverage."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from peyvand.core import money
from peyvand.core.schemas import Date, InputSchema, Int, OwnedIn, OwnedOut, PatchBase
from peyvand.service.models_contracts import ContractStatus, EntitlementUnit

StatusName = Literal[tuple(ContractStatus.values)]  # type: ignore[valid-type]
UnitName = Literal[tuple(EntitlementUnit.values)]  # type: ignore[valid-type]
AMOUNT = {"ge": 0, "max_digits": 20, "decimal_places": 2}
ENTITLEMENT = {"ge": 0, "max_digits": 10, "decimal_places": 2}


class ContractIn(OwnedIn):
    title: str = Field(min_length=1, max_length=200, examples=["Printer care 2026"])
    number: str = Field("", max_length=40, description="Empty: SC-<id>.")
    contact: Int | None = Field(None, description="The customer (a contact you may see).")
    company: Int | None = Field(None, description="The customer's company; a contact, a company or both.")
    start_date: Date = Field(examples=["2026-03-21"])
    end_date: Date = Field(examples=["2027-03-20"])
    status: StatusName = "draft"
    entitlement_unit: UnitName = Field("", description="hours, visits, or empty for no limit.")
    entitlement: Decimal | None = Field(None, **ENTITLEMENT)
    sla_policy: Int | None = Field(None, description="The SLA policy the covered customer's tickets take.")
    value: Decimal = Field(Decimal("0"), description=money.API_AMOUNT, **AMOUNT)
    currency: str = Field("IRR", min_length=3, max_length=3)
    renewal_reminder_days: int = Field(30, ge=0, le=365)
    notes: str = Field("", max_length=5000)


class ContractPatch(PatchBase):
    title: str | None = Field(None, min_length=1, max_length=200)
    number: str | None = Field(None, max_length=40)
    contact: Int | None = None
    company: Int | None = None
    start_date: Date | None = None
    end_date: Date | None = None
    status: StatusName | None = None
    entitlement_unit: UnitName | None = None
    entitlement: Decimal | None = Field(None, **ENTITLEMENT)
    sla_policy: Int | None = None
    value: Decimal | None = Field(None, **AMOUNT)
    currency: str | None = Field(None, min_length=3, max_length=3)
    renewal_reminder_days: int | None = Field(None, ge=0, le=365)
    notes: str | None = Field(None, max_length=5000)


class ContractOut(OwnedOut):
    number: str
    title: str
    contact_id: int | None
    company_id: int | None
    start_date: dt.date
    end_date: dt.date
    status: str
    entitlement_unit: str
    entitlement: Decimal | None
    sla_policy_id: int | None
    value: Decimal = Field(description=money.API_AMOUNT)
    currency: str
    renewal_reminder_days: int
    notes: str


class WarrantyIn(OwnedIn):
    product: Int = Field(examples=[1])
    serial_number: str = Field(min_length=1, max_length=100, examples=["SN-1001"])
    contact: Int | None = None
    company: Int | None = None
    start_date: Date = Field(examples=["2026-03-21"])
    end_date: Date = Field(examples=["2027-03-20"])


class WarrantyPatch(PatchBase):
    product: Int | None = None
    serial_number: str | None = Field(None, min_length=1, max_length=100)
    contact: Int | None = None
    company: Int | None = None
    start_date: Date | None = None
    end_date: Date | None = None


class WarrantyOut(OwnedOut):
    product_id: int
    serial_number: str
    contact_id: int | None
    company_id: int | None
    start_date: dt.date
    end_date: dt.date
    invoice_id: int | None


class ContractItemIn(InputSchema):
    product: Int | None = Field(None, examples=[1])
    serial_number: str = Field("", max_length=100, examples=["SN-1001"])


class ContractItemRefIn(InputSchema):
    item: Int = Field(description="The covered item's id.", examples=[1])


class ContractItemOut(Schema):
    id: int
    product_id: int | None
    serial_number: str


class UsageIn(InputSchema):
    ticket: Int = Field(description="The ticket the work was for; the contract must cover it.", examples=[1])
    amount: Decimal = Field(gt=0, lt=100000, max_digits=10, decimal_places=2, examples=["1.5"])
    note: str = Field("", max_length=200)


class UsageOut(Schema):
    id: int
    contract_id: int
    ticket_id: int | None
    amount: Decimal
    note: str
    logged_by_id: int | None
    created_at: dt.datetime


class PlanIn(InputSchema):
    subject: str = Field(min_length=1, max_length=200, examples=["Quarterly service"])
    every_months: int = Field(ge=1, le=120, examples=[3])
    next_due: Date = Field(examples=["2026-06-21"])
    create_days_before: int = Field(14, ge=0, le=365)
    remind_days_before: int = Field(7, ge=0, le=365)


class PlanOut(Schema):
    id: int
    contract_id: int | None
    warranty_id: int | None
    subject: str
    every_months: int
    next_due: dt.date
    create_days_before: int
    remind_days_before: int
    active: bool


class ContractCoverOut(Schema):
    contract: ContractOut
    used: Decimal
    left: Decimal | None = Field(description="Empty: the contract sets no limit.")


class CoverageOut(Schema):
    day: dt.date
    contracts: list[ContractCoverOut]
    warranty: WarrantyOut | None
    warranty_state: str = Field(description="in, out or none.")
    billable: bool
    flags: list[str]
    plans: list[PlanOut]
