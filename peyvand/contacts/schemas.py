import datetime as dt

from ninja import Schema
from pydantic import Field

from peyvand.core.schemas import Date, Int, PatchBase, TaggedIn, TaggedOut


class CallHoursIn(Schema):
    """Time zone (IANA, such as Asia/Tehran) and working hours ("09:00"; weekdays Monday 0 … Sunday 6);
    empty to inherit: a contact from its company, a company from the defaults (Sat–Wed 09:00–17:00, Thu
    09:00–13:00, the site's time zone)."""

    time_zone: str = Field("", max_length=64)
    work_start: str = Field("", max_length=5)
    work_end: str = Field("", max_length=5)
    work_days: list[Int] = Field([], max_length=7)


class CallHoursPatch(Schema):
    time_zone: str | None = Field(None, max_length=64)
    work_start: str | None = Field(None, max_length=5)
    work_end: str | None = Field(None, max_length=5)
    work_days: list[Int] | None = Field(None, max_length=7)


class CallHoursOut(Schema):
    time_zone: str
    work_start: str
    work_end: str
    work_days: list[int]


class StandingIn(Schema):
    """``lost_on``: the day the customer was lost (marked by hand; null while they are a customer), with
    ``lost_reason``. From that day they count as lost in churn and retention, until they buy again."""

    lost_on: Date | None = None
    lost_reason: str = Field("", max_length=200)


class StandingPatch(Schema):
    lost_on: Date | None = None
    lost_reason: str | None = Field(None, max_length=200)


class StandingOut(Schema):
    lost_on: dt.date | None
    lost_reason: str


class CompanyIn(TaggedIn, CallHoursIn, StandingIn):
    name: str = Field(min_length=1, max_length=200)
    industry: str = ""
    size: str = ""
    region: str = ""
    city: str = ""
    website: str = ""
    phones: list[str] = []
    emails: list[str] = []


class CompanyPatch(PatchBase, CallHoursPatch, StandingPatch):
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


class CompanyOut(TaggedOut, CallHoursOut, StandingOut):
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


class ContactIn(TaggedIn, CallHoursIn, StandingIn):
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


class ContactPatch(PatchBase, CallHoursPatch, StandingPatch):
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


class ContactOut(TaggedOut, CallHoursOut, StandingOut):
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
