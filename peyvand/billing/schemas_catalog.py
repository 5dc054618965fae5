"""API schemas of the catalogue: products, price lists with their items, tax classes and rates. Amounts are in the
stored unit (Rial for IRR, ``core.money.API_AMOUNT``)."""

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from peyvand.core import money
from peyvand.core.schemas import Bool, Date, InputSchema, Int, OwnedIn, OwnedOut, PatchBase

PRICE = {"ge": 0, "max_digits": 20, "decimal_places": 2, "description": money.API_AMOUNT}
QUANTITY = {"gt": 0, "max_digits": 14, "decimal_places": 3}


class ProductIn(OwnedIn):
    code: str = Field(min_length=1, max_length=50, examples=["P-100"])
    name: str = Field(min_length=1, max_length=200, examples=["کاغذ A4"])
    name_en: str = Field("", max_length=200, examples=["A4 paper"])
    is_service: Bool = False
    unit: str = Field("", max_length=30, examples=["بسته"])
    category: Int | None = None
    price: Decimal = Field(Decimal("0"), examples=["1250000"], **PRICE)
    currency: str = Field("IRR", min_length=3, max_length=3)
    tax_class: Int | None = None
    active: Bool = True
    tracks_serials: Bool = False
    warranty_months: int = Field(0, ge=0, le=600)
    description: str = Field("", max_length=5000)


class ProductPatch(PatchBase):
    code: str | None = Field(None, min_length=1, max_length=50)
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    is_service: Bool | None = None
    unit: str | None = Field(None, max_length=30)
    category: Int | None = None
    price: Decimal | None = Field(None, **PRICE)
    currency: str | None = Field(None, min_length=3, max_length=3)
    tax_class: Int | None = None
    active: Bool | None = None
    tracks_serials: Bool | None = None
    warranty_months: int | None = Field(None, ge=0, le=600)
    description: str | None = Field(None, max_length=5000)


class ProductOut(OwnedOut):
    code: str
    name: str
    name_en: str
    is_service: bool
    unit: str
    category_id: int | None
    category_name: str | None = None
    price: Decimal = Field(description=money.API_AMOUNT)
    currency: str
    tax_class_id: int | None
    active: bool
    tracks_serials: bool
    warranty_months: int
    description: str

    @staticmethod
    def resolve_category_name(obj) -> str | None:
        return obj.category.name if obj.category_id else None


class PriceListItemIn(InputSchema):
    product: Int = Field(examples=[1])
    min_quantity: Decimal = Field(Decimal("1"), examples=["10"], **QUANTITY)
    price: Decimal = Field(examples=["1100000"], **PRICE)


class PriceListItemOut(Schema):
    id: int
    product_id: int
    product_code: str
    min_quantity: Decimal
    price: Decimal = Field(description=money.API_AMOUNT)

    @staticmethod
    def resolve_product_code(obj) -> str:
        return obj.product.code


class PriceListIn(InputSchema):
    name: str = Field(min_length=1, max_length=100, examples=["عمده‌فروشی"])
    currency: str = Field("IRR", min_length=3, max_length=3)
    tier: Int | None = None
    channel: str = Field("", max_length=40, description="A contact source; empty for any channel.")
    valid_from: Date | None = None
    valid_until: Date | None = None
    priority: Int = Field(0, ge=-1000, le=1000)
    active: Bool = True


class PriceListPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=100)
    currency: str | None = Field(None, min_length=3, max_length=3)
    tier: Int | None = None
    channel: str | None = Field(None, max_length=40)
    valid_from: Date | None = None
    valid_until: Date | None = None
    priority: Int | None = Field(None, ge=-1000, le=1000)
    active: Bool | None = None


class PriceListOut(Schema):
    id: int
    name: str
    currency: str
    tier_id: int | None
    channel: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    priority: int
    active: bool
    item_count: int = 0


class PriceListItemsIn(InputSchema):
    """The list's whole set of prices; it replaces the current one."""

    items: list[PriceListItemIn] = Field(max_length=5000)


class TaxRateOut(Schema):
    id: int
    tax_class_id: int
    tax_class_code: str
    name: str
    percent: Decimal
    valid_from: dt.date
    valid_until: dt.date | None

    @staticmethod
    def resolve_tax_class_code(obj) -> str:
        return obj.tax_class.code


class TaxClassOut(Schema):
    id: int
    code: str
    name: str
    exempt: bool
