"""The API's shapes of field jobs and service resources."""

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from peyvand.core.schemas import Bool, DateTime, InputSchema, Int
from peyvand.service.models_calendar import FieldJobStatus, ResourceKind

JobStatusName = Literal[tuple(FieldJobStatus.values)]  # type: ignore[valid-type]
ResourceKindName = Literal[tuple(ResourceKind.values)]  # type: ignore[valid-type]


class FieldJobIn(InputSchema):
    title: str = Field(min_length=1, max_length=200, examples=["Install the router"])
    ticket: Int | None = Field(None, description="The ticket the visit is for (one you may see).")
    contact: Int | None = Field(None, description="The customer; the ticket's when empty.")
    company: Int | None = Field(None, description="The customer's company; the ticket's when empty.")
    address: str = Field("", max_length=4000)
    starts_at: DateTime = Field(examples=["2026-12-08T10:00:00+03:30"])
    ends_at: DateTime = Field(
        examples=["2026-12-08T12:00:00+03:30"], description="After starts_at; touching is no overlap."
    )
    technicians: list[Int] = Field(min_length=1, max_length=50, description="Users' ids: at least one.")
    resources: list[Int] = Field(default_factory=list, max_length=50, description="Resources' ids.")
    notes: str = Field("", max_length=4000)


class FieldJobPatch(InputSchema):
    version: Int | None = Field(
        None, description="The version you read; a newer one refuses the change (409)."
    )
    title: str | None = Field(None, min_length=1, max_length=200)
    ticket: Int | None = None
    address: str | None = Field(None, max_length=4000)
    starts_at: DateTime | None = None
    ends_at: DateTime | None = None
    status: JobStatusName | None = None
    technicians: list[Int] | None = Field(None, min_length=1, max_length=50)
    resources: list[Int] | None = Field(None, max_length=50)
    notes: str | None = Field(None, max_length=4000)


class FieldJobOut(Schema):
    id: int
    title: str
    ticket: int | None = Field(None, alias="ticket_id")
    contact: int | None = Field(None, alias="contact_id")
    company: int | None = Field(None, alias="company_id")
    address: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    technicians: list[int]
    resources: list[int]
    notes: str
    outside_hours: bool
    version: int

    @staticmethod
    def resolve_technicians(obj) -> list[int]:
        return [u.pk for u in obj.technicians.all()]

    @staticmethod
    def resolve_resources(obj) -> list[int]:
        return [r.pk for r in obj.resources.all()]


class FieldJobList(Schema):
    items: list[FieldJobOut]
    count: int


class ResourceIn(InputSchema):
    kind: ResourceKindName
    name: str = Field(min_length=1, max_length=120, examples=["Spectrum analyser"])
    code: str = Field("", max_length=40)
    notes: str = Field("", max_length=4000)
    active: Bool = True


class ResourceOut(Schema):
    id: int
    kind: str
    name: str
    code: str
    notes: str
    active: bool
