import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from peyvand.core.schemas import InputSchema, Int, PatchBase, TaggedIn, TaggedOut


class LeadIn(TaggedIn):
    first_name: str = ""
    last_name: str = Field(min_length=1, max_length=100)
    title: str = ""
    company_name: str = ""
    industry: str = ""
    phone: str = ""
    email: str = ""
    city: str = ""
    region: str = ""
    source: str = "other"
    status: str = "new"
    description: str = ""


class LeadPatch(PatchBase):
    first_name: str | None = None
    last_name: str | None = Field(None, min_length=1, max_length=100)
    title: str | None = None
    company_name: str | None = None
    industry: str | None = None
    phone: str | None = None
    email: str | None = None
    city: str | None = None
    region: str | None = None
    source: str | None = None
    status: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    custom: dict | None = None


class LeadOut(TaggedOut):
    first_name: str
    last_name: str
    title: str
    company_name: str
    industry: str
    phone: str
    email: str
    city: str
    region: str
    source: str
    status: str
    description: str
    contact_id: int | None
    company_id: int | None
    converted_at: dt.datetime | None


class LeadConvertIn(InputSchema):
    version: Int
    pipeline: Int | None = None
    deal_title: str = ""
    amount: Decimal | None = Field(None, ge=0, max_digits=20, decimal_places=2)
    contact: Int | None = None
    company: Int | None = None


class LeadConvertOut(Schema):
    lead: LeadOut
    deal_id: int
    contact_id: int | None
    company_id: int | None
