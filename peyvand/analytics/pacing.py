"""Plan versus actual, paced by working days.

**Plan completion at today's date** = actual so far ÷ (plan ÷ working days in the period × working days
elapsed) × 100. Working days elapsed count from the period's first day through ``as_of`` (included), each day by
its share in the working-day calendar (``core.workdays``: Friday off, holidays, half days). Below 100 % the
current pace misses the plan. Also: the plain share of the plan reached (actual ÷ plan × 100) and the amount
still needed per remaining working day ((plan − actual) ÷ working days after ``as_of``).

"Actual" is the amount of the deals won (closed) from the period's first day through ``as_of``: a rep's by
owner, a team's by the deal's team; the plan is the rep's or team's target for the month or quarter of the
business calendar (Jalali by default) that contains ``as_of``. The total row's plan is the sum of the team
targets in view (or of the rep targets when no team has one).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peyvand.accounts.models import Team, User
from peyvand.analytics.outcomes import percent
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope, local_end, local_start
from peyvand.core import periods
from peyvand.core.workdays import WorkCalendar
from peyvand.sales.models import DealStatus
from peyvand.targets.models import Target


def pace(*, plan: Decimal, actual: Decimal, total_days: Decimal, elapsed_days: Decimal) -> dict[str, Any]:
    """The pacing figures of one plan: expected so far, completion at today's date, share reached, need per day."""
    plan, actual = Decimal(plan), Decimal(actual)
    expected = plan / total_days * elapsed_days if total_days else Decimal(0)
    remaining = total_days - elapsed_days
    left = max(plan - actual, Decimal(0))
    return {
        "plan": plan,
        "actual": actual,
        "expected": expected.quantize(Decimal("1")),
        "completion": percent(actual, expected),
        "reached": percent(actual, plan),
        "needed_per_day": (left / remaining).quantize(Decimal("1")) if remaining > 0 else None,
    }


def _won_by(scope: Scope, since: dt.datetime, until: dt.datetime, key: str) -> dict[Any, tuple[Decimal, int]]:
    won = scope.deals().filter(status=DealStatus.WON, closed_at__gte=since, closed_at__lt=until)
    rows = won.values(key).annotate(amount=Sum("amount"), count=Count("id")).order_by()
    return {row[key]: (row["amount"] or Decimal(0), row["count"]) for row in rows}


@report(
    "plan-completion",
    _("Plan completion at today's date"),
    options={"as_of": "date", "period_kind": periods.KINDS},
    summary=_(
        "Who is on pace this month: the amount won so far against the plan paced by working days, and what is still needed each remaining working day."
    ),
)
def plan_completion(
    scope: Scope, *, as_of: dt.date | None = None, period_kind: str = periods.MONTH
) -> dict[str, Any]:
    """Per rep, per team and in total: plan, actual so far, expected so far at this pace, completion at today's
    date (%), share of the plan reached (%), and the amount still needed per remaining working day."""
    as_of = as_of or timezone.localdate()
    current = periods.period_containing(periods.business_calendar(), period_kind, as_of)
    calendar = WorkCalendar(current.start, current.end)
    total_days = calendar.working_days(current.start, current.end)
    elapsed = calendar.working_days(current.start, as_of)
    since, until = local_start(current.start), local_end(as_of)

    targets = Target.objects.visible_to(scope.user).filter(
        calendar=current.calendar, period_kind=current.kind, year=current.year, number=current.number
    )
    if scope.team:
        targets = targets.filter(Q(team_id=scope.team) | Q(user__team_id=scope.team))
    if scope.rep:
        targets = targets.filter(user_id=scope.rep)
    rep_plans = {t.user_id: t for t in targets if t.user_id}
    team_plans = {t.team_id: t for t in targets if t.team_id and not scope.rep}

    by_rep = _won_by(scope, since, until, "owner_id")
    by_team = _won_by(scope, since, until, "team_id")
    rows = []
    reps = User.objects.in_bulk(set(rep_plans) | set(by_rep))
    teams = Team.objects.in_bulk(set(team_plans) | ({k for k in by_team if k} if not scope.rep else set()))
    for kind, subjects, plans, actuals in (
        ("team", teams, team_plans, by_team),
        ("rep", reps, rep_plans, by_rep),
    ):
        for subject_id, subject in sorted(subjects.items(), key=lambda item: str(item[1])):
            target = plans.get(subject_id)
            amount, count = actuals.get(subject_id, (Decimal(0), 0))
            figures = pace(
                plan=target.amount if target else Decimal(0),
                actual=amount,
                total_days=total_days,
                elapsed_days=elapsed,
            )
            figures.update(
                kind=kind,
                id=subject_id,
                name=str(subject),
                deals_plan=target.deals_won if target else 0,
                deals_won=count,
                deals_completion=percent(
                    Decimal(count),
                    Decimal(target.deals_won) / total_days * elapsed if target and total_days else 0,
                ),
            )
            rows.append(figures)

    plan_rows = [r for r in rows if r["kind"] == "team" and r["id"] in team_plans] or [
        r for r in rows if r["kind"] == "rep"
    ]
    total_actual = sum((a for a, _c in by_rep.values()), Decimal(0))
    total = pace(
        plan=sum((r["plan"] for r in plan_rows), Decimal(0)),
        actual=total_actual,
        total_days=total_days,
        elapsed_days=elapsed,
    )
    total.update(
        kind="total",
        id=None,
        name=str(_("Total")),
        deals_plan=sum(r["deals_plan"] for r in plan_rows),
        deals_won=sum(c for _a, c in by_rep.values()),
    )
    return {
        "period": {
            "calendar": current.calendar,
            "kind": current.kind,
            "year": current.year,
            "number": current.number,
            "label": current.label(),
            "start": current.start.isoformat(),
            "end": current.end.isoformat(),
            "as_of": as_of.isoformat(),
        },
        "working_days": {"total": total_days, "elapsed": elapsed, "remaining": total_days - elapsed},
        "columns": [
            column("name", _("Rep or team"), "label"),
            column("plan", _("Plan"), "money"),
            column("actual", _("Actual"), "money"),
            column("expected", _("Expected by today"), "money"),
            column("completion", _("Completion at today's date"), "percent"),
            column("reached", _("Share of plan reached"), "percent"),
            column("needed_per_day", _("Needed per remaining working day"), "money"),
            column("deals_plan", _("Deals planned")),
            column("deals_won", _("Deals won")),
        ],
        "rows": rows,
        "total": total,
    }
