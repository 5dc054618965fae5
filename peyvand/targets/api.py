"""Sales targets over the API: list (by period and rep or team), set, read, change and delete.

Reads follow ``Target.objects.visible_to`` (admin: all; manager: their team and its reps; rep: their own),
so another team's target is not found (404); a visible target one may not change answers 403.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.conf import settings
from ninja import Query, Router, Schema, Status
from pydantic import Field

from peyvand.core import money, periods
from peyvand.core.listing import MAX_PAGE, paginate
from peyvand.core.records import find_visible
from peyvand.core.rest import responses
from peyvand.core.schemas import InputSchema, Int, QueryDate
from peyvand.targets.models import Target
from peyvand.targets.services import delete_target, set_target, update_target

router = Router()

_ID = Field(None, ge=1, le=2**63 - 1)
_YEAR = Field(..., ge=1, le=9999)
Kind = Literal["month", "quarter"]

CalendarName = Literal["jalali", "gregorian"]


class TargetOut(Schema):
    id: int
    user_id: int | None
    user: str | None
    team_id: int | None
    team: str | None
    calendar: str
    period_kind: str
    year: int
    number: int
    start_date: dt.date = Field(description="The period's first day (Gregorian).")
    end_date: dt.date = Field(description="The period's last day, included (Gregorian).")
    amount: Decimal = Field(description=money.API_AMOUNT)
    currency: str
    deals_won: int
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_user(obj) -> str | None:
        return obj.user.username if obj.user_id else None

    @staticmethod
    def resolve_team(obj) -> str | None:
        return obj.team.name if obj.team_id else None


class TargetList(Schema):
    items: list[TargetOut]
    count: int


class TargetIn(InputSchema):
    """Set the target of one rep (``user``) or one team (``team``) for a month or quarter of the business
    calendar (``settings.PEYVAND_CALENDAR``, Jalali by default); an existing target for the same period is
    replaced."""

    user: Int | None = _ID
    team: Int | None = _ID
    period_kind: Kind
    year: Int = _YEAR
    number: Int = Field(..., ge=1, le=12, description="Month 1–12 or quarter 1–4.")
    amount: Decimal = Field(
        ..., gt=0, max_digits=20, decimal_places=2, description="In the default currency. " + money.API_AMOUNT
    )
    deals_won: Int = Field(0, ge=0, le=1_000_000)


class TargetPatch(InputSchema):
    version: Int
    amount: Decimal | None = Field(None, gt=0, max_digits=20, decimal_places=2, description=money.API_AMOUNT)
    deals_won: Int | None = Field(None, ge=0, le=1_000_000)


class TargetQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(settings.PEYVAND_PAGE_SIZE, ge=1, le=settings.PEYVAND_MAX_PAGE_SIZE)
    period_kind: Kind | None = None
    calendar: CalendarName | None = None
    year: int | None = Field(None, ge=1, le=9999)
    number: int | None = Field(None, ge=1, le=12)
    user: int | None = _ID
    team: int | None = _ID
    covers: QueryDate | None = Field(None, description="Only targets whose period includes this day.")
    start: QueryDate | None = Field(None, description="Only targets whose period ends on or after this day.")
    end: QueryDate | None = Field(None, description="Only targets whose period starts on or before this day.")


def _visible(request):
    return Target.objects.visible_to(request.user).select_related("user", "team")


def _get(request, pk: int) -> Target:
    return find_visible(_visible(request), pk)


@router.get(
    "",
    response=responses({200: TargetList}),
    tags=["targets"],
    operation_id="targets_list",
    summary="List sales targets",
)
def list_targets(request, query: Query[TargetQuery]):
    """Filter by period (``period_kind``, ``year``, ``number``, ``calendar``, or a date range with ``start``,
    ``end`` and ``covers``) and by rep (``user``) or team (``team``)."""
    targets = _visible(request)
    for name in ("period_kind", "calendar", "year", "number"):
        value = getattr(query, name)
        if value is not None:
            targets = targets.filter(**{name: value})
    if query.user is not None:
        targets = targets.filter(user_id=query.user)
    if query.team is not None:
        targets = targets.filter(team_id=query.team)
    if query.covers is not None:
        targets = targets.filter(start_date__lte=query.covers, end_date__gte=query.covers)
    if query.start is not None:
        targets = targets.filter(end_date__gte=query.start)
    if query.end is not None:
        targets = targets.filter(start_date__lte=query.end)
    page = paginate(
        targets.order_by("start_date", "period_kind", "team_id", "user_id", "id"), query.page, query.page_size
    )
    return {"items": page.items, "count": page.count}


@router.post(
    "",
    response=responses({200: TargetOut, 201: TargetOut}, 403, 409),
    tags=["targets"],
    operation_id="targets_create",
    summary="Set a sales target (create, or replace the one of the same period)",
)
def create_target(request, payload: TargetIn):
    """201 when the target is new, 200 when it replaced the target already set for that rep or team and
    period. 403 when the rep or team is not one whose targets you set (a manager: their own team's)."""
    target, created = set_target(
        actor=request.user,
        user=payload.user,
        team=payload.team,
        kind=payload.period_kind,
        year=payload.year,
        number=payload.number,
        amount=payload.amount,
        deals_won=payload.deals_won,
        calendar=periods.business_calendar(),
    )
    return Status(201 if created else 200, _get(request, target.pk))


@router.get(
    "/{int:pk}",
    response=responses({200: TargetOut}, 404),
    tags=["targets"],
    operation_id="targets_read",
    summary="Read one sales target",
)
def read_target(request, pk: int):
    return _get(request, pk)


@router.patch(
    "/{int:pk}",
    response=responses({200: TargetOut}, 403, 404, 409),
    tags=["targets"],
    operation_id="targets_update",
    summary="Change a sales target's amount or deals won",
)
def patch_target(request, pk: int, payload: TargetPatch):
    values = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    version = values.pop("version", None)
    target = update_target(actor=request.user, target=_get(request, pk), version=version, values=values)
    return _get(request, target.pk)


@router.delete(
    "/{int:pk}",
    response=responses({204: None}, 403, 404, 409),
    tags=["targets"],
    operation_id="targets_delete",
    summary="Delete a sales target",
)
def remove_target(request, pk: int, version: int | None = Query(None, ge=1, le=2**31 - 1)):
    delete_target(actor=request.user, target=_get(request, pk), version=version)
    return Status(204, None)
