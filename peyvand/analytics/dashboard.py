"""The dashboards: the figures a manager (their team) or a rep (themself) looks at every morning, each with a
link to the records behind it. Every figure comes from a registered report, so the page and the API agree."""

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from peyvand.accounts.models import Team, User
from peyvand.activities.models import Activity
from peyvand.analytics import billing_revenue, charts
from peyvand.analytics.links import deal_filters, deals_link
from peyvand.analytics.registry import REPORTS
from peyvand.analytics.scope import Scope
from peyvand.analytics.selectors import scope_from
from peyvand.billing.models import Product, ProductCategory
from peyvand.core import periods
from peyvand.core.choices import Audience, Channel
from peyvand.sales.selectors import pipelines_visible_to, stuck

TOP_DEALS = 5


def _report(scope: Scope, name: str, **options) -> dict[str, Any]:
    return REPORTS[name].compute(scope, **options)


def activity_counts(scope: Scope, today: dt.date) -> dict[str, dict[str, int]]:
    """Calls, meetings and tasks done today and this week (from Saturday), of what the user may see."""
    week_start = today - dt.timedelta(days=(today.weekday() - 5) % 7)
    activities = Activity.objects.visible_to(scope.user).filter(done_at__isnull=False)
    if scope.team:
        activities = activities.filter(team_id=scope.team)
    if scope.rep:
        activities = activities.filter(owner_id=scope.rep)
    since = timezone.make_aware(dt.datetime.combine(week_start, dt.time.min))
    day = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    figures = activities.filter(done_at__gte=since).aggregate(
        **{
            f"{span}_{kind}": Count(
                "id", filter=Q(kind=kind) & (Q(done_at__gte=day) if span == "today" else Q())
            )
            for span in ("today", "week")
            for kind in ("call", "meeting", "task")
        }
    )
    return {
        span: {kind: figures[f"{span}_{kind}"] for kind in ("call", "meeting", "task")}
        for span in ("today", "week")
    }


def revenue_from_invoices(scope: Scope, outcome: dict, by_rep: list[dict], trend: dict) -> None:
    """The billing settings count revenue from invoices: the dashboard's revenue figures (the period's, each
    rep's and each month's) become issued invoices less credit notes; deal counts and rates stay the deals'."""
    outcome["revenue"] = billing_revenue.invoiced(scope)[None]
    per_rep = billing_revenue.invoiced(scope, key="owner_id")
    for row in by_rep:
        row["revenue"] = per_rep.get(row["group"], 0)
    for row, width in zip(by_rep, charts.bars(by_rep, "revenue"), strict=True):
        row["width"] = width
    months = [
        periods.period_containing(
            periods.reading_calendar(), periods.MONTH, dt.date.fromisoformat(r["month"])
        )
        for r in trend["rows"]
    ]
    per_month = billing_revenue.invoiced_by_month(scope, months)
    for index, row in enumerate(trend["rows"]):
        row["revenue"] = per_month.get(index, 0)
    chart = charts.line([r["revenue"] for r in trend["rows"]])
    trend["chart"] = chart
    for row, (x, y) in zip(trend["rows"], chart["dots"], strict=True):
        row["x"], row["y"] = x, y
    outcome["revenue_source"] = "invoices"


@dataclass
class Choices:
    teams: list
    reps: list
    pipelines: list
    products: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    channels: list = field(default_factory=lambda: list(Channel.choices))
    audiences: list = field(default_factory=lambda: list(Audience.choices))


def filter_choices(user, *, products: bool = False) -> Choices:
    """Teams, reps and pipelines the user may pick in the filters; products and their categories on the report
    pages (the "by product" segment)."""
    if user.is_admin:
        teams = list(Team.objects.order_by("name"))
        reps = User.objects.filter(is_active=True)
    elif user.is_manager and user.team_id:
        teams = list(Team.objects.filter(pk=user.team_id))
        reps = User.objects.filter(is_active=True, team_id=user.team_id)
    else:
        teams, reps = [], User.objects.filter(pk=user.pk)
    return Choices(
        teams=teams,
        reps=list(reps.order_by("first_name", "username")),
        pipelines=list(pipelines_visible_to(user)),
        # The catalogue is shared: every member of staff reads it.
        products=list(Product.objects.filter(active=True).order_by("name", "id").values_list("pk", "name"))
        if products
        else [],
        categories=list(ProductCategory.objects.order_by("name", "id").values_list("pk", "name"))
        if products
        else [],
    )


def dashboard(user, params: dict[str, Any]) -> dict[str, Any]:
    scope = scope_from(user, params)
    today = timezone.localdate()
    scoped = deal_filters(scope.applied())

    def link(**filters) -> str:
        return deals_link(**(scoped | filters))

    pacing = _report(scope, "plan-completion", as_of=today)
    for row in pacing["rows"]:
        row["link"] = link(
            **{"owner" if row["kind"] == "rep" else "team": row["id"]},
            status="won",
            closed_after=pacing["period"]["start"],
            closed_before=today,
        )
    # Completion bars share one scale with room past 100 %, and a mark where 100 % lies.
    scale = max([150.0] + [float(r["completion"] or 0) for r in pacing["rows"]])
    for row, width in zip(
        pacing["rows"], charts.bars(pacing["rows"], "completion", scale=scale), strict=True
    ):
        row["width"] = width
    pacing["target_mark"] = round(100 / scale * 100, 1)

    plan = _report(scope, "plan-vs-actual")
    top = max([float(r["plan"]) for r in plan["rows"]] + [float(r["actual"]) for r in plan["rows"]] + [0])
    for row in plan["rows"]:
        row["plan_width"] = round(float(row["plan"]) / top * 100, 1) if top else 0
        row["actual_width"] = round(float(row["actual"]) / top * 100, 1) if top else 0
        row["link"] = link(
            **{"owner" if row["kind"] == "rep" else "team": row["id"]},
            status="won",
            closed_after=scope.start,
            closed_before=scope.end,
        )

    outcome = _report(scope, "outcomes")["rows"][0]
    by_rep = _report(scope, "outcomes", by="rep")["rows"]
    for row, width in zip(by_rep, charts.bars(by_rep, "revenue"), strict=True):
        row["width"] = width
        row["link"] = link(
            owner=row["group"], status="won", closed_after=scope.start, closed_before=scope.end
        )

    pipeline = _report(scope, "pipeline")
    for row, width in zip(pipeline["rows"], charts.bars(pipeline["rows"], "amount"), strict=True):
        row["width"] = width
        row["link"] = link(pipeline=pipeline["pipeline"]["id"], stage=row["stage"], status="open")

    funnel = _report(scope, "funnel")
    for row, width in zip(funnel["rows"], charts.bars(funnel["rows"], "reached"), strict=True):
        row["width"] = width
    if funnel["pipeline"]:
        funnel["link"] = link(
            pipeline=funnel["pipeline"]["id"],
            created_after=scope.start,
            created_before=scope.end,
        )

    # Charts of months are cut in the reader's calendar (Gregorian months on an English page), whatever the
    # business calendar the targets above are planned in.
    calendar = periods.reading_calendar()
    trend_scope = replace(scope, start=scope.end - dt.timedelta(days=365), calendar=calendar)
    trend = _report(trend_scope, "monthly-trend")
    trend["chart"] = charts.line([r["revenue"] for r in trend["rows"]])
    axis = charts.month_axis(calendar, [dt.date.fromisoformat(r["month"]) for r in trend["rows"]])
    for row, (x, y), tick in zip(trend["rows"], trend["chart"]["dots"], axis, strict=True):
        row["x"], row["y"], row["tick"] = x, y, tick
        row["link"] = link(status="won", closed_after=row["month"], closed_before=row["end"])

    # The forecast of this month and the next two, by the stages' probabilities.
    this_month = periods.period_containing(calendar, periods.MONTH, today)
    horizon = periods.period_containing(calendar, periods.MONTH, this_month.end + dt.timedelta(days=40))
    forecast = _report(
        replace(scope, start=this_month.start, end=horizon.end, calendar=calendar), "forecast", history=False
    )
    top_forecast = max([float(r["amount"]) for r in forecast["rows"]] + [0])
    for row in forecast["rows"]:
        row["amount_width"] = round(float(row["amount"]) / top_forecast * 100, 1) if top_forecast else 0
        row["weighted_width"] = round(float(row["weighted"]) / top_forecast * 100, 1) if top_forecast else 0
        row["link"] = link(status="open", close_after=row["start"], close_before=row["end"])

    if billing_revenue.revenue_source() == "invoices":
        revenue_from_invoices(scope, outcome, by_rep, trend)

    stuck_deals = stuck(scope.deals())
    top_deals = (
        scope.deals()
        .filter(status="open")
        .select_related("stage", "owner")
        .order_by("-amount", "id")[:TOP_DEALS]
    )
    return {
        "scope": scope,
        "today": today,
        "pacing": pacing,
        "plan": plan,
        "outcome": outcome,
        "outcome_link": link(status="won", closed_after=scope.start, closed_before=scope.end),
        "by_rep": by_rep,
        "pipeline": pipeline,
        "funnel": funnel,
        "trend": trend,
        "forecast": forecast,
        "stuck_count": stuck_deals.count(),
        "stuck_link": link(stuck="true"),
        "stuck": list(stuck_deals.select_related("stage", "owner")[:TOP_DEALS]),
        "activity": activity_counts(scope, today),
        "top_deals": list(top_deals),
    }
