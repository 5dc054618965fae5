"""The API's shapes of invoices, credit notes, payments and balances. Amounts are stored values (Rial for IRR)."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from peyvand.core import money
from peyvand.core.schemas import Bool, Date, InputSchema, Int, OwnedIn, OwnedOut, PatchBase

AMOUNT = {"max_digits": 20, "decimal_places": 2, "description": money.API_AMOUNT}
PERCENT = {"ge": 0, "le": 100, "max_digits": 6, "decimal_places": 3}


class InvoiceLineIn(InputSchema):
    product: Int | None = None
    description: str = Field("", max_length=300, description="Required unless a product names the line.")
    quantity: Decimal = Field(Decimal("1"), gt=0, max_digits=14, decimal_places=3)
    unit: str = Field("", max_length=30)
    unit_price: Decimal = Field(Decimal("0"), ge=0, **AMOUNT)
    discount_percent: Decimal = Field(Decimal("0"), **PERCENT)
    tax_percent: Decimal = Field(Decimal("0"), **PERCENT)
    serial_number: str = Field("", max_length=100)


LINES_EXAMPLE = [{"description": "Consulting", "quantity": "2", "unit_price": "5000000", "tax_percent": "10"}]


class InvoiceIn(OwnedIn):
    """A draft invoice for a company or a contact (a deal alone brings its customer)."""

    company: Int | None = Field(None, examples=[1])
    contact: Int | None = None
    deal: Int | None = None
    currency: str = Field("IRR", min_length=3, max_length=3)
    discount_percent: Decimal = Field(Decimal("0"), **PERCENT)
    terms: str = Field("", max_length=5000)
    note: str = Field("", max_length=5000)
    issue_date: Date | None = None
    due_date: Date | None = None
    lines: list[InvoiceLineIn] = Field(min_length=1, max_length=200, examples=[LINES_EXAMPLE])


class InvoicePatch(PatchBase):
    """Only a draft changes; an issued invoice answers 409 (correct it with a credit note)."""

    company: Int | None = None
    contact: Int | None = None
    deal: Int | None = None
    discount_percent: Decimal | None = Field(None, **PERCENT)
    terms: str | None = Field(None, max_length=5000)
    note: str | None = Field(None, max_length=5000)
    issue_date: Date | None = None
    due_date: Date | None = None
    lines: list[InvoiceLineIn] | None = Field(None, min_length=1, max_length=200)


class InvoiceLineOut(Schema):
    id: int
    position: int
    product_id: int | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    tax_percent: Decimal
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal
    serial_number: str


class InvoiceOut(OwnedOut):
    kind: str
    status: str
    number: str
    fiscal_year: int | None
    sequence: int | None
    company_id: int | None
    contact_id: int | None
    deal_id: int | None
    quote_id: int | None
    credits_id: int | None
    currency: str
    discount_percent: Decimal
    terms: str
    note: str
    issue_date: dt.date | None
    due_date: dt.date | None
    issued_at: dt.datetime | None
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal
    paid: Decimal
    credited: Decimal
    balance: Decimal
    paid_at: dt.datetime | None
    seller: dict[str, Any]
    buyer: dict[str, Any]
    lines: list[InvoiceLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class IssueIn(InputSchema):
    version: Int | None = Field(None, description="The version you read; a later change answers 409.")
    issue_date: Date | None = Field(None, description="Today when left out.")


class CreditLineIn(InputSchema):
    line: Int = Field(description="A line of the invoice.")
    quantity: Decimal | None = Field(
        None, gt=0, max_digits=14, decimal_places=3, description="All of it if left out."
    )


class CreditIn(InputSchema):
    """Credit some lines (``lines``) or the whole invoice (``full``: allowed while nothing is paid or credited;
    it cancels the invoice)."""

    full: Bool = False
    lines: list[CreditLineIn] = Field([], max_length=200)
    note: str = Field("", max_length=500)


class AllocationIn(InputSchema):
    invoice: Int
    amount: Decimal = Field(gt=0, **AMOUNT)


class PaymentIn(OwnedIn):
    """Money received. ``allocations`` pay the customer's open invoices as given; else ``auto_allocate`` pays the
    oldest first; the rest stays on account. A cheque needs its number and due date."""

    company: Int | None = Field(None, examples=[1])
    contact: Int | None = None
    amount: Decimal = Field(gt=0, examples=["1000000"], **AMOUNT)
    currency: str = Field("IRR", min_length=3, max_length=3)
    method: Literal["cash", "card", "transfer", "cheque"] = Field(examples=["transfer"])
    received_on: Date = Field(examples=["2026-04-10"])
    reference: str = Field("", max_length=100)
    cheque_number: str = Field("", max_length=40)
    cheque_bank: str = Field("", max_length=100)
    cheque_due_date: Date | None = None
    cheque_status: Literal["", "pending", "cleared", "bounced"] = ""
    note: str = Field("", max_length=5000)
    allocations: list[AllocationIn] = Field([], max_length=200)
    auto_allocate: Bool = False


class PaymentPatch(PatchBase):
    """The reference, the note and a cheque's details and status; amount, method and customer are fixed."""

    reference: str | None = Field(None, max_length=100)
    note: str | None = Field(None, max_length=5000)
    received_on: Date | None = None
    cheque_number: str | None = Field(None, max_length=40)
    cheque_bank: str | None = Field(None, max_length=100)
    cheque_due_date: Date | None = None
    cheque_status: Literal["pending", "cleared", "bounced"] | None = None


class AllocationOut(Schema):
    invoice_id: int
    invoice_number: str
    amount: Decimal

    @staticmethod
    def resolve_invoice_number(obj) -> str:
        return obj.invoice.number


class PaymentOut(OwnedOut):
    company_id: int | None
    contact_id: int | None
    amount: Decimal
    currency: str
    method: str
    received_on: dt.date
    reference: str
    cheque_number: str
    cheque_bank: str
    cheque_due_date: dt.date | None
    cheque_status: str
    allocated: Decimal
    note: str
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(obj) -> list:
        return list(obj.allocations.all())


class AllocateIn(InputSchema):
    allocations: list[AllocationIn] = Field(
        [], max_length=200, description="Empty: the oldest invoices first."
    )


class ChequeStatusIn(InputSchema):
    status: Literal["pending", "cleared", "bounced"]


class BalanceOut(Schema):
    customer: str
    company_id: int | None
    contact_id: int | None
    balance: Decimal = Field(description="Issued invoices − credit notes − payments; " + money.API_AMOUNT)
    open_invoices: int
