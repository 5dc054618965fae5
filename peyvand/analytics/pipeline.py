"""The pipeline as it stands, plan versus actual over a period, and the monthly trend.

- **Pipeline by stage**: the open deals in each stage now: count, amount, and weighted amount
  (amount × the stage's probability ÷ 100).
- **Plan versus actual**: per rep and team, the targets whose month or quarter lies within the period (months
  preferred; quarters when no month is set) against the amount and number of deals won in the period.
- **Monthly trend**: for each month of the business calendar up to the period's end, revenue, deals won and
  lost, and win rate (won ÷ (won + lost)).
"""

from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from peyvand.accounts.models import Team, User
from peyvand.analytics.funnel import funnel_pipeline
from peyvand.analytics.outcomes import percent
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope, local_end, local_start
from peyvand.core import periods
from peyvand.sales.models import DealStatus
from peyvand.targets.models import Target


@report(
    "pipeline",
    _("Pipeline by stage"),
    summary=_(
        "The open deals in each stage now: how many, their amount and their amount weighted by the stage's probability."
    ),
)
def pipeline_by_stage(scope: Scope) -> dict[str, Any]:
    """Open deals in each open stage of the pipeline now: how many, their amount and their weighted amount."""
    pipeline = funnel_pipeline(scope)
    if pipeline is None:
        return {"pipeline": None, "columns": [], "rows": []}
    weighted = ExpressionWrapper(
        F("amount") * F("stage__probability") / 100,
        output_field=DecimalField(max_digits=24, decimal_places=2),
    )
    figures = {
        row["stage_id"]: row
        for row in scope.deals()
        .filter(pipeline=pipeline, status=DealStatus.OPEN)
        .values("stage_id")
        .annotate(deals=Count("id"), total=Sum("amount"), weighted=Sum(weighted))
        .order_by()
    }
    rows = []
    for stage in pipeline.stages.all():
        if stage.kind != "open":
            continue
        row = figures.get(stage.pk, {})
        rows.append(
            {
                "stage": stage.pk,
                "name": stage.name,
                "probability": stage.probability,
                "deals": row.get("deals", 0),
                "amount": row.get("total") or Decimal(0),
                "weighted": (row.get("weighted") or Decimal(0)).quantize(Decimal("1")),
            }
        )
    return {
        "pipeline": {"id": pipeline.pk, "name": pipeline.name},
        "columns": [
            column("name", _("Stage"), "label"),
            column("probability", _("Probability"), "percent"),
            column("deals", _("Open deals")),
            column("amount", _("Amount"), "money"),
            column("weighted", _("Weighted amount"), "money"),
        ],
        "rows": rows,
    }


def _targets_within(scope: Scope):
    targets = Target.objects.visible_to(scope.user).filter(
        start_date__gte=scope.start, end_date__lte=scope.end
    )
    if scope.team:
        targets = targets.filter(Q(team_id=scope.team) | Q(user__team_id=scope.team))
    if scope.rep:
        targets = targets.filter(user_id=scope.rep)
    kind = periods.MONTH if targets.filter(period_kind=periods.MONTH).exists() else periods.QUARTER
    return targets.filter(period_kind=kind, calendar=periods.business_calendar())


@report(
    "plan-vs-actual",
    _("Plan versus actual"),
    summary=_("Each rep's and team's plan for the period against what they won."),
)
def plan_vs_actual(scope: Scope) -> dict[str, Any]:
    """Per rep and team: the plan of the months (or quarters) within the period against the deals won in it."""
    plans: dict[tuple[str, int], dict[str, Decimal]] = {}
    for row in (
        _targets_within(scope)
        .values("user_id", "team_id")
        .annotate(amount=Sum("amount"), deals=Sum("deals_won"))
    ):
        key = ("rep", row["user_id"]) if row["user_id"] else ("team", row["team_id"])
        plans[key] = {"amount": row["amount"], "deals": row["deals"]}
    won = scope.deals().filter(scope.in_period("closed_at"), status=DealStatus.WON)
    actuals: dict[tuple[str, int], dict[str, Any]] = {}
    for kind, key in (("rep", "owner_id"), ("team", "team_id")):
        if kind == "team" and scope.rep:
            continue
        for row in won.values(key).annotate(amount=Sum("amount"), deals=Count("id")).order_by():
            if row[key] is not None:
                actuals[(kind, row[key])] = {"amount": row["amount"], "deals": row["deals"]}
    keys = set(plans) | set(actuals)
    names = {
        ("rep", pk): str(u) for pk, u in User.objects.in_bulk([k[1] for k in keys if k[0] == "rep"]).items()
    }
    names |= {
        ("team", pk): t.name for pk, t in Team.objects.in_bulk([k[1] for k in keys if k[0] == "team"]).items()
    }
    rows = []
    for key in sorted(keys, key=lambda k: (k[0] != "team", names.get(k, ""))):
        plan = plans.get(key, {"amount": Decimal(0), "deals": 0})
        actual = actuals.get(key, {"amount": Decimal(0), "deals": 0})
        rows.append(
            {
                "kind": key[0],
                "id": key[1],
                "name": names.get(key, ""),
                "plan": plan["amount"],
                "actual": actual["amount"],
                "reached": percent(actual["amount"], plan["amount"]),
                "deals_plan": plan["deals"],
                "deals_won": actual["deals"],
            }
        )
    return {
        "columns": [
            column("name", _("Rep or team"), "label"),
            column("plan", _("Plan"), "money"),
            column("actual", _("Actual"), "money"),
            column("reached", _("Share of plan reached"), "percent"),
            column("deals_plan", _("Deals planned")),
            column("deals_won", _("Deals won")),
        ],
        "rows": rows,
    }


TREND_MONTHS = 12


@report(
    "monthly-trend",
    _("Monthly trend"),
    summary=_("Revenue, deals won and lost and the win rate month by month."),
)
def monthly_trend(scope: Scope) -> dict[str, Any]:
    """Revenue, deals won and lost and win rate for each month of the business calendar in the period (at most
    the last twelve up to its end)."""
    months = scope.months()[-TREND_MONTHS:]
    # One pass over the period's deals: each falls in the bucket of the first month whose end is after it.
    bucket = Case(
        *[When(closed_at__lt=local_end(m.end), then=Value(i)) for i, m in enumerate(months)],
        output_field=IntegerField(),
    )
    span = Q(closed_at__gte=local_start(months[0].start), closed_at__lt=local_end(months[-1].end))
    by_month = (
        scope.deals()
        .filter(span, status__in=(DealStatus.WON, DealStatus.LOST))
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(
            won=Count("id", filter=Q(status=DealStatus.WON)),
            lost=Count("id", filter=Q(status=DealStatus.LOST)),
            revenue=Sum("amount", filter=Q(status=DealStatus.WON)),
        )
        .order_by()
    )
    figures = {row["bucket"]: row for row in by_month}
    rows = []
    for index, m in enumerate(months):
        month_figures = figures.get(index, {})
        won, lost = month_figures.get("won", 0), month_figures.get("lost", 0)
        rows.append(
            {
                "month": m.start.isoformat(),
                "end": m.end.isoformat(),
                "name": m.label(),
                "revenue": month_figures.get("revenue") or Decimal(0),
                "won": won,
                "lost": lost,
                "win_rate": percent(won, won + lost),
            }
        )
    return {
        "columns": [
            column("name", _("Month"), "label"),
            column("revenue", _("Revenue"), "money"),
            column("won", _("Deals won")),
            column("lost", _("Deals lost")),
            column("win_rate", _("Win rate"), "percent"),
        ],
        "rows": rows,
    }
