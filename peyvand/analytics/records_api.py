"""The records behind the customer metrics over the API: spend, survey answers and key accounts.

Reads follow each model's ``visible_to``, so another team's record is not found (404); a visible record the
caller may not change answers 403 (the services decide).
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from peyvand.analytics import selectors, services
from peyvand.analytics.models import Spend
from peyvand.contacts.models import Company
from peyvand.core.choices import Channel
from peyvand.core.errors import PeyvandError
from peyvand.core.listing import MAX_PAGE, paginate
from peyvand.core.records import find_visible
from peyvand.core.rest import responses
from peyvand.core.schemas import Date, DateTime, InputSchema, Int, QueryDate

spend_router = Router()
surveys_router = Router()
key_accounts_router = Router()

ChannelName = Literal[tuple(value for value, _label in Channel.choices)]  # type: ignore[valid-type]
_ID = Field(None, ge=1, le=2**63 - 1)
_AMOUNT = Field(..., gt=0, max_digits=20, decimal_places=2, description="In the default currency.")
MAX_CSV = 5 * 1024 * 1024


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(settings.PEYVAND_PAGE_SIZE, ge=1, le=settings.PEYVAND_MAX_PAGE_SIZE)


# --- spend ----------------------------------------------------------------------------------------------------


class SpendOut(Schema):
    id: int
    month: dt.date
    channel: str
    amount: Decimal
    currency: str
    note: str
    team_id: int | None
    version: int
    updated_at: dt.datetime


class SpendList(Schema):
    items: list[SpendOut]
    count: int


class SpendIn(InputSchema):
    """One month's spend on one channel; ``month`` is the month's first day in the business calendar (Jalali
    by default: 2026-03-21 for Farvardin 1405). Without ``team`` it is the whole company's (administrators)."""

    month: Date
    channel: ChannelName
    amount: Decimal = _AMOUNT
    note: str = Field("", max_length=255)
    team: Int | None = _ID


class SpendPatch(InputSchema):
    version: Int
    month: Date | None = None
    channel: ChannelName | None = None
    amount: Decimal | None = Field(None, gt=0, max_digits=20, decimal_places=2)
    note: str | None = Field(None, max_length=255)


class SpendQuery(PageQuery):
    start: QueryDate | None = Field(None, description="Only months from this day on.")
    end: QueryDate | None = Field(None, description="Only months starting on or before this day.")
    channel: ChannelName | None = None
    team: int | None = _ID


@spend_router.get(
    "", response=responses({200: SpendList}), tags=["spend"], operation_id="spend_list", summary="List spend"
)
def list_spend(request, query: Query[SpendQuery]):
    """Administrators see all spend; everyone else their team's and the company-wide spend."""
    spend = selectors.spend_visible_to(
        request.user, start=query.start, end=query.end, channel=query.channel, team=query.team
    )
    page = paginate(spend, query.page, query.page_size)
    return {"items": page.items, "count": page.count}


@spend_router.post(
    "",
    response=responses({201: SpendOut}),
    tags=["spend"],
    operation_id="spend_create",
    summary="Enter a month's spend on a channel",
)
def create_spend(request, payload: SpendIn):
    """403 unless you are an administrator, or a sales manager entering your own team's spend."""
    spend = services.record_spend(actor=request.user, **payload.model_dump())
    return Status(201, spend)


@spend_router.get(
    "/{int:pk}",
    response=responses({200: SpendOut}, 404),
    tags=["spend"],
    operation_id="spend_read",
    summary="Read spend",
)
def read_spend(request, pk: int):
    return find_visible(Spend.objects.visible_to(request.user), pk)


@spend_router.patch(
    "/{int:pk}",
    response=responses({200: SpendOut}, 403, 404, 409),
    tags=["spend"],
    operation_id="spend_update",
    summary="Change spend",
)
def patch_spend(request, pk: int, payload: SpendPatch):
    values = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    version = values.pop("version", None)
    spend = find_visible(Spend.objects.visible_to(request.user), pk)
    return services.update_spend(actor=request.user, spend=spend, version=version, values=values)


@spend_router.delete(
    "/{int:pk}",
    response=responses({204: None}, 403, 404, 409),
    tags=["spend"],
    operation_id="spend_delete",
    summary="Delete spend",
)
def remove_spend(request, pk: int, version: int | None = Query(None, ge=1, le=2**31 - 1)):
    services.delete_spend(
        actor=request.user, spend=find_visible(Spend.objects.visible_to(request.user), pk), version=version
    )
    return Status(204, None)


# --- survey answers -------------------------------------------------------------------------------------------


class SurveyResponseOut(Schema):
    id: int
    contact_id: int | None
    score: int
    comment: str
    answered_at: dt.datetime
    channel: str
    owner_id: int
    team_id: int | None
    created_at: dt.datetime


class SurveyResponseList(Schema):
    items: list[SurveyResponseOut]
    count: int


class SurveyResponseIn(InputSchema):
    score: Int = Field(..., ge=0, le=10, description="0 (not at all likely to recommend us) to 10.")
    answered_at: DateTime
    comment: str = Field("", max_length=5000)
    channel: ChannelName | Literal[""] = ""
    contact: Int | None = _ID


class SurveyResponseQuery(PageQuery):
    start: QueryDate | None = Field(None, description="Only answers from this day on.")
    end: QueryDate | None = Field(None, description="Only answers up to this day, included.")
    contact: int | None = _ID


class ImportedOut(Schema):
    imported: int


@surveys_router.get(
    "",
    response=responses({200: SurveyResponseList}),
    tags=["survey-responses"],
    operation_id="survey_responses_list",
    summary="List survey answers",
)
def list_answers(request, query: Query[SurveyResponseQuery]):
    answers = selectors.survey_answers_visible_to(
        request.user, start=query.start, end=query.end, contact=query.contact
    )
    page = paginate(answers, query.page, query.page_size)
    return {"items": page.items, "count": page.count}


@surveys_router.post(
    "",
    response=responses({201: SurveyResponseOut}),
    tags=["survey-responses"],
    operation_id="survey_responses_create",
    summary="Record a survey answer",
)
def create_answer(request, payload: SurveyResponseIn):
    """The answer is yours (owner and team); ``contact`` must be a contact you may see."""
    return Status(201, services.record_survey_response(actor=request.user, values=payload.model_dump()))


@surveys_router.post(
    "/import",
    response=responses({201: ImportedOut}, 413),
    tags=["survey-responses"],
    operation_id="survey_responses_import",
    summary="Import survey answers from a CSV file",
)
def import_answers(request, file: File[UploadedFile]):
    """UTF-8 CSV with the columns ``score`` and ``answered_at`` (and ``comment``, ``channel``, ``contact``).
    All or nothing: any bad cell refuses the file, each one named by row (the header is row 1) and column."""
    if file.size and file.size > MAX_CSV:
        raise PeyvandError("survey.bad_file", _("The file is too large."), field="file", status=413)
    try:
        text = file.read().decode("utf-8")
    except UnicodeDecodeError:
        raise PeyvandError(
            "survey.bad_file", _("Save the file as UTF-8 CSV."), field="file", status=422
        ) from None
    return Status(201, {"imported": len(services.import_survey_responses(actor=request.user, text=text))})


# --- key accounts ---------------------------------------------------------------------------------------------


class KeyAccountOut(Schema):
    company_id: int
    company: str
    potential: Decimal
    note: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_company(obj) -> str:
        return obj.company.name


class KeyAccountList(Schema):
    items: list[KeyAccountOut]
    count: int


class KeyAccountIn(InputSchema):
    potential: Decimal = Field(
        ..., ge=0, max_digits=20, decimal_places=2, description="Monthly volume it could buy."
    )
    note: str = Field("", max_length=255)


@key_accounts_router.get(
    "",
    response=responses({200: KeyAccountList}),
    tags=["key-accounts"],
    operation_id="key_accounts_list",
    summary="List key accounts",
)
def list_key_accounts(request, query: Query[PageQuery]):
    page = paginate(selectors.key_accounts_visible_to(request.user), query.page, query.page_size)
    return {"items": page.items, "count": page.count}


@key_accounts_router.put(
    "/{int:pk}",
    response=responses({200: KeyAccountOut}, 403, 404),
    tags=["key-accounts"],
    operation_id="key_accounts_set",
    summary="Mark a company key, with its potential monthly volume",
)
def put_key_account(request, pk: int, payload: KeyAccountIn):
    """``pk`` is the company's id. Its owner, their manager or an administrator may set it."""
    company = find_visible(Company.objects.visible_to(request.user), pk)
    services.set_key_account(
        actor=request.user, company=company, potential=payload.potential, note=payload.note
    )
    return selectors.key_accounts_visible_to(request.user).get(company=company)


@key_accounts_router.delete(
    "/{int:pk}",
    response=responses({204: None}, 403, 404),
    tags=["key-accounts"],
    operation_id="key_accounts_delete",
    summary="A company is no longer a key account",
)
def delete_key_account(request, pk: int):
    company = find_visible(Company.objects.visible_to(request.user), pk)
    services.unset_key_account(actor=request.user, company=company)
    return Status(204, None)
