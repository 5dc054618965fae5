import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from peyvand.core import money
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
    pipeline: Int | None = None
    budget: Decimal | None = Field(None, ge=0, max_digits=20, decimal_places=2, description=money.API_AMOUNT)
    purchase_timeline: str = "unknown"
    audience: str = ""
    language: str = Field("", max_length=10)
    source_detail: str = Field("", max_length=200)


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
    pipeline: Int | None = None
    budget: Decimal | None = Field(None, ge=0, max_digits=20, decimal_places=2, description=money.API_AMOUNT)
    purchase_timeline: str | None = None
    audience: str | None = None
    language: str | None = Field(None, max_length=10)
    source_detail: str | None = Field(None, max_length=200)


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
    pipeline_id: int | None
    budget: Decimal | None
    purchase_timeline: str
    audience: str
    language: str
    source_detail: str
    source_url: str
    web_form_id: int | None
    score: int
    score_band: str
    qualified: bool
    assignment_reason: str


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


class ScoreRuleOut(Schema):
    rule: int
    label: str
    field: str
    points: int


class LeadScoreOut(Schema):
    lead_id: int
    score: int
    band: str
    qualified: bool
    model_id: int | None
    model: str | None
    threshold: int | None
    explanation: list[ScoreRuleOut]
    assignment_reason: str


class RateOut(Schema):
    leads: int
    won: int
    win_rate: float | None


class RuleInsightOut(Schema):
    rule_id: int
    label: str
    field: str
    condition: str
    value: str
    points: int
    matched: RateOut
    not_matched: RateOut
    suggested_points: int | None


class LiftOut(Schema):
    above_threshold: RateOut
    below_threshold: RateOut
    ratio: float | None


class InsightsOut(Schema):
    model_id: int
    model: str
    threshold: int
    leads_with_outcome: int
    min_sample: int
    rules: list[RuleInsightOut]
    lift: LiftOut


class AcceptedOut(Schema):
    rule_id: int
    points: int
    job_id: int


class JobStartedOut(Schema):
    job_id: int


class IntakeOut(Schema):
    lead_id: int
    created: bool
    message: str


class MailIntakeOut(Schema):
    """What an inbound e-mail became: a lead, or the record of the app whose route claimed it (a ticket)."""

    record_type: str
    record_id: int
    lead_id: int | None = None
    created: bool
    message: str
