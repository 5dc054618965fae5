"""Forecast of the amount to be won, by expected close month, and how well it would have done in past months.

**Weighted pipeline** of a month of the business calendar (``core.periods``: Jalali by default) = the sum,
over the open deals whose expected close date falls in that month (and in the report's period), of amount ×
their stage's configured win probability ÷ 100.

**Forecast by history** = the same sum with each stage's **historical win rate** instead of its configured
probability: of the closed (won or lost) deals that were ever in that stage, the share that was won. The rates
come from the same deals the report covers (its filters apply); a stage that no closed deal ever passed through
keeps its configured probability.

**Back-test**: for each of the last ``months`` whole months (default 6) ending by the period's end (or today,
if earlier), the pipeline is rebuilt as it stood on the month's first day: the deals created before it and not
yet closed, each in the stage its stage history shows it was in then. Those whose expected close date falls in
the month are forecast by both methods — the historical rates learnt only from deals closed before that day —
and compared with the amount actually won (deals closed as won) in the month: **error** = forecast − actual,
**% error** = error ÷ actual × 100. Simplifications: a deal's expected close date and a stage's probability are
not historized, so today's values stand in for the ones of the time.
"""

import datetime as dt
import operator
from collections.abc import Iterable
from decimal import Decimal
from functools import reduce
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.outcomes import percent
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope, local_end, local_start
from peyvand.core import periods
from peyvand.core.errors import ValidationFailed
from peyvand.sales.models import DealStatus, Stage, StageHistory, StageKind

DEFAULT_MONTHS, MAX_MONTHS = 6, 24
HUNDRED = Decimal(100)


def _month_of(day: dt.date) -> periods.Period:
    return periods.period_containing(periods.business_calendar(), periods.MONTH, day)


def _closed_through(scope: Scope, stages: Iterable[int]) -> QuerySet:
    """The closed (won or lost) deals the report covers, once for each of ``stages`` they were ever in."""
    return scope.deals().filter(
        status__in=(DealStatus.WON, DealStatus.LOST), stage_history__to_stage_id__in=list(stages)
    )


# A deal that came back to a stage counts once for it. Counted from the deals' side, so the filters narrow the
# deals first and only their moves are read.
_RATES = {
    "closed": Count("id", distinct=True),
    "won": Count("id", distinct=True, filter=Q(status=DealStatus.WON)),
}


def stage_win_rates(scope: Scope, stages: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Stage id -> (won, closed) over the closed deals that were ever in that stage, for ``stages``."""
    rows = _closed_through(scope, stages).values("stage_history__to_stage_id").annotate(**_RATES).order_by()
    return {row["stage_history__to_stage_id"]: (row["won"], row["closed"]) for row in rows}


def stage_win_rates_before(
    scope: Scope, stages: Iterable[int], moments: list[dt.datetime]
) -> list[dict[int, tuple[int, int]]]:
    """For each of ``moments`` (earliest first): stage id -> (won, closed) over the closed deals closed before
    it that were ever in that stage, for ``stages``.

    One pass over the stage history: each deal is counted in the span between two moments in which it closed,
    and the rates before a moment add up the spans before it (a deal closes once, so no deal counts twice)."""
    span = Case(
        *[When(closed_at__lt=moment, then=Value(i)) for i, moment in enumerate(moments)],
        output_field=IntegerField(),
    )
    rows = (
        _closed_through(scope, stages)
        .filter(closed_at__lt=moments[-1])
        .annotate(span=span)
        .values("stage_history__to_stage_id", "span")
        .annotate(**_RATES)
        .order_by()
    )
    by_span: dict[int, dict[int, tuple[int, int]]] = {}
    for row in rows:
        by_span.setdefault(row["span"], {})[row["stage_history__to_stage_id"]] = (row["won"], row["closed"])
    learnt: list[dict[int, tuple[int, int]]] = []
    rates: dict[int, tuple[int, int]] = {}
    for i in range(len(moments)):
        for stage_id, (won, closed) in by_span.get(i, {}).items():
            before = rates.get(stage_id, (0, 0))
            rates[stage_id] = (before[0] + won, before[1] + closed)
        learnt.append(dict(rates))
    return learnt


def _open_stages() -> dict[int, Stage]:
    return {s.pk: s for s in Stage.objects.filter(kind=StageKind.OPEN).select_related("pipeline")}


def _weigh(amounts: dict[int, Decimal], stages: dict[int, Stage], rates) -> tuple[Decimal, Decimal]:
    """Amounts per stage weighted by the configured probability, and by the historical win rate."""
    configured = history = Decimal(0)
    for stage_id, amount in amounts.items():
        probability = Decimal(stages[stage_id].probability) / HUNDRED
        won, closed = rates.get(stage_id, (0, 0))
        configured += amount * probability
        history += amount * (Decimal(won) / closed if closed else probability)
    return configured.quantize(Decimal("1")), history.quantize(Decimal("1"))


@report(
    "forecast",
    _("Forecast by expected close month"),
    summary=_(
        "The open deals expected to close each month, weighted by stage probability and by how often deals in that stage were won before."
    ),
)
def forecast(scope: Scope, *, history: bool = True) -> dict[str, Any]:
    """Open deals by expected close month of the business calendar: amount, weighted by the stages' configured
    probabilities, and weighted by the stages' historical win rates (left out, as None, when ``history`` is
    False: learning the rates reads every closed deal's stage history, too slow for a page that must open at
    once, such as the dashboard)."""
    months = [(month, max(month.start, scope.start), min(month.end, scope.end)) for month in scope.months()]
    which = Case(
        *[
            When(expected_close_date__range=(first, last), then=Value(i))
            for i, (_m, first, last) in enumerate(months)
        ],
        output_field=IntegerField(),
    )
    pipeline = (
        scope.deals()
        .filter(status=DealStatus.OPEN, expected_close_date__range=(scope.start, scope.end))
        .annotate(month=which)
        .values("month", "stage_id")
        .annotate(amount=Sum("amount"), deals=Count("id"))
        .order_by()
    )
    stages = _open_stages()
    rates = stage_win_rates(scope, stages) if history else {}
    by_month: dict[int, dict[int, Decimal]] = {}
    counts: dict[int, int] = {}
    for row in pipeline:
        if row["stage_id"] in stages:
            by_month.setdefault(row["month"], {})[row["stage_id"]] = row["amount"]
            counts[row["month"]] = counts.get(row["month"], 0) + row["deals"]
    rows = []
    for i, (month, first, last) in enumerate(months):
        amounts = by_month.get(i, {})
        weighted, historical = _weigh(amounts, stages, rates)
        rows.append(
            {
                "month": month.label(),
                "start": first,
                "end": last,
                "deals": counts.get(i, 0),
                "amount": sum(amounts.values(), Decimal(0)),
                "weighted": weighted,
                "historical": historical if history else None,
            }
        )
    used = {stage_id for amounts in by_month.values() for stage_id in amounts}
    return {
        "stages": [
            {
                "stage": stage.pk,
                "name": stage.name,
                "pipeline": stage.pipeline.name,
                "probability": stage.probability,
                "closed": rates.get(stage.pk, (0, 0))[1],
                "won": rates.get(stage.pk, (0, 0))[0],
                "historical_rate": percent(*rates.get(stage.pk, (0, 0))),
            }
            for stage in stages.values()
            if stage.pk in used or stage.pk in rates
        ],
        "columns": [
            column("month", _("Expected close month"), "label"),
            column("deals", _("Open deals")),
            column("amount", _("Amount"), "money"),
            column("weighted", _("Weighted by stage probability"), "money"),
            column("historical", _("Weighted by historical win rate"), "money"),
        ],
        "rows": rows,
        "total": {
            "month": gettext("Total"),
            **{
                key: sum((row[key] or Decimal(0) for row in rows), Decimal(0))
                for key in ("amount", "weighted", "historical")
            },
            "deals": sum(row["deals"] for row in rows),
        },
    }


def _stage_on(day: dt.datetime) -> Subquery:
    """The stage a deal was in at ``day``: where its last move before then took it."""
    last_move = StageHistory.objects.filter(deal_id=OuterRef("pk"), moved_at__lt=day).order_by(
        "-moved_at", "-id"
    )
    return Subquery(last_move.values("to_stage_id")[:1], output_field=IntegerField())


def _error(forecast: Decimal, actual: Decimal) -> tuple[Decimal, Decimal | None]:
    error = forecast - actual
    return error, (error * HUNDRED / actual).quantize(Decimal("0.1")) if actual else None


@report(
    "forecast-backtest",
    _("Forecast back-test"),
    options={"months": "int"},
    summary=_(
        "How close the forecast made at the start of each past month came to what was actually won in it."
    ),
)
def forecast_backtest(scope: Scope, *, months: int = DEFAULT_MONTHS) -> dict[str, Any]:
    """For each of the last months: both forecasts made from the pipeline as it stood on the month's first day,
    against the amount actually won in the month, with the error and the % error."""
    if months > MAX_MONTHS:
        raise ValidationFailed([{"field": "months", "message": gettext("Give at most 24 months.")}])
    until = min(scope.end, timezone.localdate())
    last = _month_of(until)
    if last.end > until:  # the month is not over yet: test the one before
        last = _month_of(last.start - dt.timedelta(days=1))
    tested = [last]
    while len(tested) < months:
        tested.insert(0, _month_of(tested[0].start - dt.timedelta(days=1)))

    stages = _open_stages()
    sinces = [local_start(month.start) for month in tested]
    # Each month's figures come from one pass over the deals for all months at once: a deal's expected close
    # date (and, for the actual, its close date) falls in one month at most.
    expected_in = [Q(expected_close_date__range=(month.start, month.end)) for month in tested]
    open_then = (
        scope.deals()
        .filter(
            reduce(
                operator.or_,
                (
                    expected & Q(created_at__lt=since) & (Q(closed_at__isnull=True) | Q(closed_at__gte=since))
                    for expected, since in zip(expected_in, sinces, strict=True)
                ),
            )
        )
        .annotate(
            month=Case(*[When(expected, then=Value(i)) for i, expected in enumerate(expected_in)]),
            stage_then=Case(
                *[
                    When(expected, then=_stage_on(since))
                    for expected, since in zip(expected_in, sinces, strict=True)
                ],
                output_field=IntegerField(),
            ),
        )
        .values("month", "stage_then")
        .annotate(amount=Sum("amount"), deals=Count("id"))
        .order_by()
    )
    amounts: dict[int, dict[int, Decimal]] = {}
    counts: dict[int, int] = {}
    for row in open_then:
        # a deal reopened later was in a won or lost stage then, so it was not in the pipeline
        if row["stage_then"] in stages:
            amounts.setdefault(row["month"], {})[row["stage_then"]] = row["amount"]
            counts[row["month"]] = counts.get(row["month"], 0) + row["deals"]
    closed_in = Case(
        *[
            When(closed_at__gte=since, closed_at__lt=local_end(month.end), then=Value(i))
            for i, (month, since) in enumerate(zip(tested, sinces, strict=True))
        ],
        output_field=IntegerField(),
    )
    won = {
        row["month"]: row
        for row in scope.deals()
        .filter(status=DealStatus.WON, closed_at__gte=sinces[0], closed_at__lt=local_end(tested[-1].end))
        .annotate(month=closed_in)
        .values("month")
        .annotate(amount=Sum("amount"), deals=Count("id"))
        .order_by()
    }
    learnt = stage_win_rates_before(scope, stages, sinces)
    rows = []
    for i, month in enumerate(tested):
        weighted, historical = _weigh(amounts.get(i, {}), stages, learnt[i])
        actual = won.get(i, {}).get("amount") or Decimal(0)
        weighted_error, weighted_pct = _error(weighted, actual)
        historical_error, historical_pct = _error(historical, actual)
        rows.append(
            {
                "month": month.label(),
                "start": month.start,
                "end": month.end,
                "deals": counts.get(i, 0),
                "weighted": weighted,
                "historical": historical,
                "actual": actual,
                "won_deals": won.get(i, {}).get("deals", 0),
                "weighted_error": weighted_error,
                "weighted_error_pct": weighted_pct,
                "historical_error": historical_error,
                "historical_error_pct": historical_pct,
            }
        )
    return {
        "months": months,
        "mean_absolute_error": {
            method: (sum(abs(row[f"{method}_error"]) for row in rows) / len(rows)).quantize(Decimal("1"))
            for method in ("weighted", "historical")
        },
        "columns": [
            column("month", _("Month"), "label"),
            column("deals", _("Open deals expected to close")),
            column("weighted", _("Forecast by stage probability"), "money"),
            column("historical", _("Forecast by historical win rate"), "money"),
            column("actual", _("Actually won"), "money"),
            column("weighted_error", _("Error, stage probability"), "money"),
            column("weighted_error_pct", _("Error in percent, stage probability"), "percent"),
            column("historical_error", _("Error, historical win rate"), "money"),
            column("historical_error_pct", _("Error in percent, historical win rate"), "percent"),
        ],
        "rows": rows,
    }
