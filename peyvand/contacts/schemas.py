import datetime as dt

from ninja import Schema
from pydantic import Field

from peyvand.core.schemas import Date, Int, PatchBase, TaggedIn, TaggedOut


class CompanyIn(TaggedIn):
    name: str = Field(min_length=1, max_length=200)
    industry: str = ""
    size: str = ""
    region: str = ""
    city: str = ""
    website: str = ""
    phones: list[str] = []
    emails: list[str] = []


class CompanyPatch(PatchBase):
    name: str | None = Field(None, min_length=1, max_length=200)
    industry: str | None = None
    size: str | None = None
    region: str | None = None
    city: str | None = None
    website: str | None = None
    phones: list[str] | None = None
    emails: list[str] | None = None
    tags: list[str] | None = None
    custom: dict | None = None


class CompanyOut(TaggedOut):
    name: str
    industry: str
    size: str
    region: str
    city: str
    website: str
    phones: list[str]
    emails: list[str]


class CompanyRef(Schema):
    id: int
    name: str


class ContactIn(TaggedIn):
    first_name: str = ""
    last_name: str = Field(min_length=1, max_length=100)
    title: str = ""
    company: Int | None = None
    phones: list[str] = []
    emails: list[str] = []
    birthday: Date | None = None
    source: str = ""
    region: str = ""
    city: str = ""
    audience: str = ""


class ContactPatch(PatchBase):
    first_name: str | None = None
    last_name: str | None = Field(None, min_length=1, max_length=100)
    title: str | None = None
    company: Int | None = None
    phones: list[str] | None = None
    emails: list[str] | None = None
    birthday: Date | None = None
    source: str | None = None
    region: str | None = None
    city: str | None = None
    audience: str | None = None
    tags: list[str] | None = None
    custom: dict | None = None


class ContactOut(TaggedOut):
    first_name: str
    last_name: str
    full_name: str
    title: str
    company_id: int | None
    phones: list[str]
    emails: list[str]
    birthday: dt.date | None
    source: str
    region: str
    city: str
    audience: str
