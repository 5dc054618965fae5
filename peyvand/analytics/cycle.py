"""How long things take.

- **Days in stage**: for each stage of a pipeline, the average and median days deals spent in it, over the moves
  out of that stage made in the period (``StageHistory.seconds_in_previous``).
- **Sales cycle**: for the deals won in the period, days from the lead's creation (the deal's when it had no
  lead) to the win; average and median, overall or per rep, pipeline or channel.
Medians are found by the database: each group's values are numbered in order (window functions) and only the
middle one or two come back.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Case, CharField, Count, F, FloatField, Value, When, Window
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.funnel import funnel_pipeline
from peyvand.analytics.labels import group_labels
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope, local_end, segment_expressions
from peyvand.sales.models import DealStatus, StageHistory

DAY = Decimal(86400)
CYCLE_SEGMENTS = ("rep", "team", "pipeline", "channel", "month")


def month_buckets(scope: Scope, field: str) -> tuple[Case, dict[str, str]]:
    """An expression giving the business-calendar month (its first day, ISO) that ``field`` falls in, over the
    scope's period, and each month's name: SQL cannot cut Jalali months, so their bounds are passed in."""
    months = scope.months()
    bucket = Case(
        *[When(**{f"{field}__lt": local_end(m.end)}, then=Value(m.start.isoformat())) for m in months],
        output_field=CharField(),
    )
    return bucket, {m.start.isoformat(): m.label() for m in months}


def _days(seconds) -> Decimal | None:
    return None if seconds is None else (Decimal(str(seconds)) / DAY).quantize(Decimal("0.1"))


def medians(queryset, value: str, group: str | None) -> dict[Any, float]:
    """The median of ``value`` per ``group`` (one group, key None, when ``group`` is None)."""
    partition = [F(group)] if group else []
    numbered = queryset.annotate(
        _n=Window(RowNumber(), partition_by=partition, order_by=F(value).asc()),
        _count=Window(Count("pk"), partition_by=partition),
    ).values(*([group] if group else []), value, "_n", "_count")
    # (count + 1) // 2 and (count + 2) // 2 are the middle rows: the same one when the count is odd.
    middle: dict[Any, list[float]] = {}
    for row in numbered.filter(_n__gte=F("_count") / 2, _n__lte=F("_count") / 2 + 1):
        low, high = (row["_count"] + 1) // 2, (row["_count"] + 2) // 2
        if row["_n"] in (low, high):
            middle.setdefault(row[group] if group else None, []).append(float(row[value]))
    return {key: sum(values) / len(values) for key, values in middle.items()}


@report(
    "stage-time",
    _("Days in each stage"),
    summary=_("How many days deals stay in each stage before moving on: average and median."),
)
def stage_time(scope: Scope) -> dict[str, Any]:
    """Average and median days spent in each stage of the pipeline, over the moves out of it in the period."""
    pipeline = funnel_pipeline(scope)
    if pipeline is None:
        return {"pipeline": None, "columns": [], "rows": []}
    moves = StageHistory.objects.filter(
        scope.in_period("moved_at"),
        deal__in=scope.deals(),
        from_stage__pipeline=pipeline,
        seconds_in_previous__isnull=False,
    ).annotate(seconds=Cast("seconds_in_previous", FloatField()))
    figures = {
        row["from_stage_id"]: row
        for row in moves.values("from_stage_id")
        .annotate(average=Avg("seconds"), moves=Count("id"))
        .order_by()
    }
    middle = medians(moves, "seconds", "from_stage_id")
    rows = []
    for stage in pipeline.stages.all():
        row = figures.get(stage.pk)
        if row is None:
            continue
        rows.append(
            {
                "stage": stage.pk,
                "name": stage.name,
                "moves": row["moves"],
                "average_days": _days(row["average"]),
                "median_days": _days(middle.get(stage.pk)),
            }
        )
    return {
        "pipeline": {"id": pipeline.pk, "name": pipeline.name},
        "columns": [
            column("name", _("Stage"), "label"),
            column("moves", _("Deals that left it")),
            column("average_days", _("Average days"), "days"),
            column("median_days", _("Median days"), "days"),
        ],
        "rows": rows,
    }


@report(
    "sales-cycle",
    _("Sales cycle length"),
    options={"by": CYCLE_SEGMENTS},
    summary=_(
        "Days from the first contact to the win for the deals won in the period, overall or per rep, team, pipeline, channel or month."
    ),
)
def sales_cycle(scope: Scope, *, by: str | None = None) -> dict[str, Any]:
    """Days from lead (or deal) creation to the win, for the deals won in the period: average and median,
    overall or per rep, team, pipeline, channel or month (the trend)."""
    won = scope.deals().filter(scope.in_period("closed_at"), status=DealStatus.WON)
    # Epoch seconds work alike on SQLite and PostgreSQL, where subtracting datetimes does not.
    began = Coalesce("lead__created_at", "created_at")
    won = won.annotate(seconds=_epoch(F("closed_at")) - _epoch(began))
    names: dict[Any, str] = {}
    if by == "month":
        bucket, names = month_buckets(scope, "closed_at")
        won = won.annotate(group=bucket)
        figures = won.values("group").annotate(average=Avg("seconds"), deals=Count("id")).order_by("group")
    elif by:
        won = won.annotate(group=segment_expressions()[by])
        figures = won.values("group").annotate(average=Avg("seconds"), deals=Count("id")).order_by("group")
    else:
        figures = [{"group": None, **won.aggregate(average=Avg("seconds"), deals=Count("id"))}]
    middle = medians(won, "seconds", "group" if by else None)
    if by and by != "month":
        names = group_labels(by, [r["group"] for r in figures])
    rows = [
        {
            "group": row["group"],
            **({"name": names[row["group"]]} if by else {}),
            "deals": row["deals"],
            "average_days": _days(row["average"]),
            "median_days": _days(middle.get(row["group"])),
        }
        for row in figures
        if row["deals"]
    ]
    return {
        "by": by,
        "columns": [
            *([column("name", _("Segment"), "label")] if by else []),
            column("deals", _("Deals won")),
            column("average_days", _("Average days"), "days"),
            column("median_days", _("Median days"), "days"),
        ],
        "rows": rows,
    }


def _epoch(expression):
    from peyvand.analytics.sql import EpochSeconds

    return EpochSeconds(expression)
