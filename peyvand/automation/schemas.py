import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from peyvand.core.schemas import Bool, InputSchema, Int


class RuleIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    enabled: Bool = True
    trigger: str = Field(max_length=30)
    record_type: str | None = Field(None, max_length=20)
    params: dict[str, Any] = {}
    conditions: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = Field(min_length=1, max_length=20)


class RulePatch(InputSchema):
    version: Int
    name: str | None = Field(None, min_length=1, max_length=200)
    enabled: Bool | None = None
    trigger: str | None = Field(None, max_length=30)
    record_type: str | None = Field(None, max_length=20)
    params: dict[str, Any] | None = None
    conditions: list[dict[str, Any]] | None = None
    actions: list[dict[str, Any]] | None = Field(None, min_length=1, max_length=20)


class RuleOut(Schema):
    id: int
    name: str
    enabled: bool
    trigger: str
    record_type: str
    params: dict[str, Any]
    conditions: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    secret: str
    created_by_id: int
    team_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class RuleList(Schema):
    items: list[RuleOut]
    count: int


class RunOut(Schema):
    id: int
    rule_id: int
    record_type: str
    record_id: int
    trigger: str
    status: str
    attempts: int
    results: list[Any]
    chain: list[Any]
    error: str
    fired_at: dt.datetime
    created_at: dt.datetime
    finished_at: dt.datetime | None
    next_attempt_at: dt.datetime | None


class RunList(Schema):
    items: list[RunOut]
    count: int


class TriggerOut(Schema):
    name: str
    label: str
    record_types: list[str]


class FieldOut(Schema):
    name: str
    label: str
    kind: str
    writable: bool
    operators: list[str]


class CatalogOut(Schema):
    triggers: list[TriggerOut]
    fields: dict[str, list[FieldOut]]
    operators: dict[str, str]
    actions: dict[str, str]
