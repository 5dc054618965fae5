import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

from peyvand.core import money
from peyvand.core.schemas import Bool, Date, InputSchema, Int, PatchBase, TaggedIn, TaggedOut


class ChecklistItemIn(InputSchema):
    id: Int | None = None
    text: str = Field(min_length=1, max_length=200)
    required: Bool = False


class StageIn(InputSchema):
    """A stage; in a PATCH, the rule fields left out (script, max_days, checklist, required_fields) keep their
    current values."""

    id: Int | None = None
    name: str = Field(min_length=1, max_length=80)
    probability: Int = Field(10, ge=0, le=100)
    kind: str = "open"
    max_days: Int | None = Field(None, ge=1, le=3650)
    script: str = Field("", max_length=20000)
    checklist: list[ChecklistItemIn] = Field([], max_length=50)
    required_fields: list[Annotated[str, Field(max_length=60)]] = Field(
        [],
        max_length=30,
        description='Deal fields needed to leave the stage: "amount", "expected_close_date", "contact", '
        '"company" or "custom.<key>".',
    )


class ChecklistItemOut(Schema):
    id: int
    text: str
    order: int
    required: bool


class StageOut(Schema):
    id: int
    name: str
    order: int
    probability: int
    kind: str
    max_days: int | None
    script: str
    required_fields: list[str]
    checklist: list[ChecklistItemOut]

    @staticmethod
    def resolve_checklist(obj) -> list:
        return obj.active_checklist()


class PipelineIn(InputSchema):
    name: str = Field(min_length=1, max_length=120)
    team: Int | None = None
    is_default: Bool = False
    order: Int = Field(0, ge=0, le=10000)
    stages: list[StageIn]


class PipelinePatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    team: Int | None = None
    is_default: Bool | None = None
    order: Int | None = Field(None, ge=0, le=10000)
    stages: list[StageIn] | None = None


class PipelineOut(Schema):
    id: int
    name: str
    team_id: int | None
    is_default: bool
    order: int
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj) -> list:
        return list(obj.stages.all())


class PipelineList(Schema):
    items: list[PipelineOut]
    count: int


class DealIn(TaggedIn):
    title: str = Field(min_length=1, max_length=200)
    amount: Decimal = Field(Decimal("0"), ge=0, max_digits=20, decimal_places=2, description=money.API_AMOUNT)
    currency: str = Field("IRR", min_length=3, max_length=3)
    expected_close_date: Date | None = None
    pipeline: Int | None = None
    stage: Int | None = None
    contact: Int | None = None
    company: Int | None = None
    lost_reason: str = ""


class DealPatch(PatchBase):
    title: str | None = Field(None, min_length=1, max_length=200)
    amount: Decimal | None = Field(None, ge=0, max_digits=20, decimal_places=2, description=money.API_AMOUNT)
    currency: str | None = Field(None, min_length=3, max_length=3)
    expected_close_date: Date | None = None
    pipeline: Int | None = None
    stage: Int | None = None
    contact: Int | None = None
    company: Int | None = None
    lost_reason: str | None = None
    tags: list[str] | None = None
    custom: dict | None = None
    override_reason: str | None = Field(
        None,
        max_length=200,
        description="With a new stage: a manager's or administrator's reason to move on although the stage's "
        "exit criteria are missing.",
    )


class DealOut(TaggedOut):
    title: str
    amount: Decimal = Field(description=money.API_AMOUNT)
    currency: str
    expected_close_date: dt.date | None
    pipeline_id: int
    stage_id: int
    stage_name: str
    status: str
    contact_id: int | None
    company_id: int | None
    lead_id: int | None
    lost_reason: str
    lost_because_id: int | None = Field(None, description="The reason of the list the deal was lost for.")
    stage_entered_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_stage_name(obj) -> str:
        return obj.stage.name


class DealMoveIn(InputSchema):
    stage: Int
    version: Int
    lost_reason: str | None = None
    override_reason: str | None = Field(
        None,
        max_length=200,
        description="A sales manager of the deal's team or an administrator may move a deal on although the "
        "stage's exit criteria are missing, saying why.",
    )


class DealWinIn(InputSchema):
    version: Int = Field(examples=[3])
    override_reason: str | None = Field(
        None,
        max_length=200,
        description="A sales manager of the deal's team or an administrator may win a deal although its stage's "
        "exit criteria are missing, saying why.",
    )


class DealLoseIn(InputSchema):
    reason: Int | None = Field(
        None,
        examples=[1],
        description="The id of an active lost reason (see /lost-reasons); required when any.",
    )
    note: str = Field("", max_length=200, examples=["Chose a cheaper supplier"])
    version: Int = Field(examples=[3])


class LostReasonIn(InputSchema):
    name: str = Field(min_length=1, max_length=120, examples=["Price"])
    order: Int | None = Field(None, ge=0, le=10000, description="Place in the list; the end when left out.")
    active: Bool = True


class LostReasonPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=120, examples=["Price too high"])
    order: Int | None = Field(None, ge=0, le=10000)
    active: Bool | None = None


class LostReasonOut(Schema):
    id: int
    name: str
    order: int
    active: bool


class LostReasonList(Schema):
    items: list[LostReasonOut]
    count: int


class ChecklistCheckIn(InputSchema):
    item: Int
    done: Bool = True


class DealChecklistItemOut(Schema):
    id: int
    stage_id: int
    stage: str
    text: str
    required: bool
    done: bool
    done_at: dt.datetime | None
    done_by_id: int | None


class StuckDealOut(DealOut):
    max_days: int
    days_over: int

    @staticmethod
    def resolve_max_days(obj) -> int:
        return obj.stage.max_days

    @staticmethod
    def resolve_days_over(obj) -> int:
        return obj.days_over_limit() or 0


class StuckDealList(Schema):
    items: list[StuckDealOut]
    count: int


class StageHistoryOut(Schema):
    id: int
    from_stage_id: int | None
    from_stage: str | None
    to_stage_id: int
    to_stage: str
    moved_at: dt.datetime
    moved_by_id: int | None
    seconds_in_previous: int | None

    @staticmethod
    def resolve_from_stage(obj) -> str | None:
        return obj.from_stage.name if obj.from_stage else None

    @staticmethod
    def resolve_to_stage(obj) -> str:
        return obj.to_stage.name
