"""Reports over the API: ``GET /api/v1/reports/{metric}`` answers the figures and the filters applied.

The figures count only the records the caller may see (every report starts from ``visible_to``).
"""

from enum import Enum
from typing import Any, Literal

from ninja import Query, Router, Schema
from pydantic import Field

from peyvand.analytics.registry import REPORTS
from peyvand.analytics.selectors import jsonable, run_report
from peyvand.core.rest import responses

router = Router()

Metric = Enum("Metric", {name.replace("-", "_"): name for name in sorted(REPORTS)}, type=str)
_ID = Field(None, ge=1, le=2**63 - 1)


class ReportQuery(Schema):
    start: str | None = Field(
        None, max_length=20, description="First day, 2026-03-21 (or Jalali, see date_format)."
    )
    end: str | None = Field(None, max_length=20, description="Last day, included.")
    date_format: Literal["iso", "jalali"] = "iso"
    period_kind: Literal["month", "quarter"] | None = Field(
        None,
        description="Without start/end: a month or quarter of the business calendar (default: this month).",
    )
    year: int | None = Field(None, ge=1, le=9999)
    number: int | None = Field(None, ge=1, le=12)
    team: int | None = _ID
    rep: int | None = _ID
    pipeline: int | None = _ID
    product: int | None = Field(None, ge=1, le=2**63 - 1, description="Deals with this product on a line.")
    category: int | None = Field(
        None, ge=1, le=2**63 - 1, description="Deals with a product of this category on a line."
    )
    region: str | None = Field(None, max_length=80)
    channel: str | None = Field(None, max_length=20)
    audience: str | None = Field(None, max_length=80)
    customer: Literal["new", "current"] | None = None
    by: (
        Literal[
            "rep",
            "team",
            "region",
            "pipeline",
            "channel",
            "audience",
            "customer",
            "month",
            "day",
            "rep-day",
            "product",
            "category",
            "priority",
        ]
        | None
    ) = Field(None, description="Break the figures down by this segment (reports that allow it).")
    as_of: str | None = Field(
        None,
        max_length=20,
        description="Plan completion: the day to pace to; receivables ageing: the day owed on (default today).",
    )
    source: Literal["invoices", "deals"] | None = Field(
        None,
        description="Product reports: count issued invoices less credit notes, or won deals' lines "
        "(default: invoices once billing is used).",
    )
    rank: Literal["quantity", "revenue"] | None = Field(
        None, description="Best-selling products: rank by quantity (default) or revenue."
    )
    a: int | None = Field(None, ge=1, le=2**63 - 1, description="A/B test: group A's pipeline.")
    b: int | None = Field(None, ge=1, le=2**63 - 1, description="A/B test: group B's pipeline.")
    a_reps: str | None = Field(
        None, max_length=2000, description="A/B test: group A's reps, comma-separated user ids (3,5,8)."
    )
    b_reps: str | None = Field(None, max_length=2000, description="A/B test: group B's reps.")
    months: int | None = Field(
        None,
        ge=1,
        le=600,
        description="Customer value and churn: months without a purchase after which a customer is lost "
        "(default PEYVAND_CHURN_MONTHS). Forecast back-test: how many past months to test (default 6, "
        "at most 24).",
    )


class ReportOut(Schema):
    metric: str
    title: str
    filters: dict[str, Any]
    data: dict[str, Any]


class ReportIndexItem(Schema):
    metric: str
    title: str
    description: str
    options: list[str]


@router.get(
    "",
    response=responses({200: list[ReportIndexItem]}),
    tags=["reports"],
    operation_id="reports_index",
    summary="List the reports",
)
def list_reports(request):
    return [
        {
            "metric": r.name,
            "title": str(r.title),
            "description": str(r.summary),
            "options": sorted(r.options),
        }
        for r in sorted(REPORTS.values(), key=lambda r: r.name)
    ]


@router.get(
    "/{metric}",
    response=responses({200: ReportOut}, 404, 422),
    tags=["reports"],
    operation_id="reports_read",
    summary="One report's figures",
)
def read_report(request, metric: Metric, query: Query[ReportQuery]):
    """Filters: a period (``start``/``end``, or ``period_kind`` + ``year`` + ``number`` in the business calendar),
    ``team``, ``rep``, ``pipeline`` and the segments ``region``, ``channel``, ``audience``, ``customer``; some
    reports also take ``by`` (a breakdown) or ``as_of``. Figures count only what the caller may see."""
    params = {k: v for k, v in query.dict().items() if v is not None}
    return jsonable(run_report(request.user, metric.value, params))
