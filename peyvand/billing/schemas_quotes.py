"""The API's shapes of deal lines and quotes. Amounts are in Rial (decision 0019)."""

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from peyvand.core import money
from peyvand.core.schemas import Date, InputSchema, Int, OwnedIn, OwnedOut, PatchBase

DISCOUNT = "A discount in percent of the line's gross, from 0 to 100."


class LineIn(InputSchema):
    product: Int = Field(description="An active product's id.", examples=[1])
    quantity: Decimal = Field(Decimal("1"), gt=0, max_digits=14, decimal_places=3, examples=["2"])
    discount_percent: Decimal = Field(
        Decimal("0"), ge=0, le=100, max_digits=6, decimal_places=3, description=DISCOUNT
    )
    description: str = Field("", max_length=300, description="Empty: the product's code and name.")


class LinesIn(InputSchema):
    lines: list[LineIn] = Field(max_length=200)
    version: Int | None = Field(None, description="The record's version you read; checked when given.")


class LineOut(Schema):
    id: int
    position: int
    product_id: int | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal = Field(description=money.API_AMOUNT)
    discount_percent: Decimal
    tax_percent: Decimal
    gross: Decimal = Field(description=money.API_AMOUNT)
    discount: Decimal = Field(description=money.API_AMOUNT)
    net: Decimal = Field(description=money.API_AMOUNT)
    tax: Decimal = Field(description=money.API_AMOUNT)
    total: Decimal = Field(description=money.API_AMOUNT)


class TotalsOut(Schema):
    gross: Decimal = Field(description=money.API_AMOUNT)
    discount: Decimal = Field(description=money.API_AMOUNT)
    net: Decimal = Field(description=money.API_AMOUNT)
    tax: Decimal = Field(description=money.API_AMOUNT)
    total: Decimal = Field(description=money.API_AMOUNT)


class DealLinesOut(Schema):
    deal_id: int
    version: int = Field(description="The deal's version after the change.")
    amount: Decimal = Field(
        description="The deal's amount: the lines' net total when it has lines. " + money.API_AMOUNT
    )
    currency: str
    lines: list[LineOut]
    totals: TotalsOut


class QuoteIn(OwnedIn):
    deal: Int = Field(
        description="The deal the quote is made from (its lines, customer and currency).", examples=[1]
    )
    discount_percent: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=6, decimal_places=3)
    valid_until: Date | None = Field(None, description="Empty: the settings' number of days from today.")
    terms: str | None = Field(None, max_length=5000, description="Empty: the settings' terms.")
    accept_stage: Int | None = Field(
        None, description="On acceptance, move the deal to this stage of its pipeline."
    )


class QuotePatch(PatchBase):
    discount_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=6, decimal_places=3)
    valid_until: Date | None = None
    terms: str | None = Field(None, max_length=5000)
    accept_stage: Int | None = None


class QuoteOut(OwnedOut):
    number: str
    version_number: int
    previous_id: int | None
    status: str
    deal_id: int | None
    company_id: int | None
    contact_id: int | None
    currency: str
    issue_date: dt.date
    valid_until: dt.date
    terms: str
    discount_percent: Decimal
    gross: Decimal = Field(description=money.API_AMOUNT)
    discount: Decimal = Field(description=money.API_AMOUNT)
    net: Decimal = Field(description=money.API_AMOUNT)
    tax: Decimal = Field(description=money.API_AMOUNT)
    total: Decimal = Field(description=money.API_AMOUNT)
    discount_share: Decimal = Field(description="The discount as a percentage of the gross.")
    accept_stage_id: int | None
    approved_by_id: int | None
    sent_at: dt.datetime | None
    responded_at: dt.datetime | None
    responder_name: str
    responder_address: str | None
    change_request: str
    lines: list[LineOut]

    @staticmethod
    def resolve_discount_share(obj) -> Decimal:
        from peyvand.billing.services_quotes import discount_share

        return discount_share(obj)

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class QuoteAcceptIn(InputSchema):
    name: str = Field(
        min_length=1,
        max_length=200,
        description="The customer's name as they accept.",
        examples=["Kian Shirazi"],
    )


class QuoteChangesIn(InputSchema):
    text: str = Field(min_length=1, max_length=5000, examples=["Please quote 12 printers."])
    name: str = Field("", max_length=200)


class QuoteLinkOut(Schema):
    url: str = Field(description="The customer's signed link (no sign-in); it stops opening once revised.")
