"""Sales capacity per team: reps × meetings per rep × deals won per meeting = deals won.

For each team, in the period:

- **Reps**: the team's active users with the sales-rep role (today's headcount: team membership is not
  historized).
- **Meetings per rep** = meetings done in the period by anyone in the team (the activity's team) ÷ reps.
- **Deals won per meeting** = deals of the team won (closed) in the period ÷ those meetings.

The product of the three is the team's deals won. Each factor is compared with the company's (the teams in
view): reps with the average team size (reps ÷ teams), the other two with the same ratio over all teams, each as
an index where 100 is the company's level. The **limiting factor** is the factor with the lowest index, when it
is below 100: hiring helps a team short of reps, more meetings help a team whose reps meet few customers, better
selling helps a team whose meetings rarely end in a win. The three indices multiplied (÷ 10 000) give the team's
deals won as a share of the average team's.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peyvand.accounts.models import Role, User
from peyvand.activities.models import Activity, ActivityKind
from peyvand.analytics.labels import group_labels
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope
from peyvand.sales.models import DealStatus

FACTORS = {
    "reps": _("Number of reps"),
    "meetings": _("Meetings per rep"),
    "conversion": _("Deals won per meeting"),
}


def reps_in_view(scope: Scope):
    """The active sales reps the user may see (like ``visible_to``): all, their team's, or themselves."""
    user = scope.user
    reps = User.objects.filter(is_active=True, role=Role.SALES_REP)
    if not user.is_admin:
        mine = Q(pk=user.pk)
        if user.team_id and (user.is_manager or settings.PEYVAND_REP_SEES_TEAM):
            mine |= Q(team_id=user.team_id)
        reps = reps.filter(mine)
    if scope.team:
        reps = reps.filter(team_id=scope.team)
    if scope.rep:
        reps = reps.filter(pk=scope.rep)
    return reps


def _ratio(part, whole, places: str) -> Decimal | None:
    return None if not whole else (Decimal(part) / Decimal(whole)).quantize(Decimal(places))


def _index(value: Decimal | None, average: Decimal | None) -> Decimal | None:
    """``value`` as a share of ``average``, 100 being equal."""
    return None if value is None or not average else (value * 100 / average).quantize(Decimal("0.1"))


@report(
    "capacity",
    _("Sales capacity by team"),
    summary=_(
        "Per team: reps, meetings per rep and deals won per meeting, and which of the three holds the team back."
    ),
)
def capacity(scope: Scope) -> dict[str, Any]:
    """Per team: reps, meetings per rep and deals won per meeting (whose product is deals won), each against the
    company's level, and the factor that limits the team."""
    won = dict(
        scope.deals()
        .filter(scope.in_period("closed_at"), status=DealStatus.WON)
        .values_list("team_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    meetings = Activity.objects.visible_to(scope.user).filter(
        scope.in_period("done_at"), kind=ActivityKind.MEETING
    )
    if scope.team:
        meetings = meetings.filter(team_id=scope.team)
    if scope.rep:
        meetings = meetings.filter(owner_id=scope.rep)
    met = dict(meetings.values_list("team_id").annotate(n=Count("id")).order_by())
    reps = dict(reps_in_view(scope).values_list("team_id").annotate(n=Count("id")).order_by())

    teams = sorted(set(won) | set(met) | set(reps), key=lambda t: (t is None, t or 0))
    total = {"reps": sum(reps.values()), "meetings": sum(met.values()), "won": sum(won.values())}
    staffed = sum(1 for t in teams if reps.get(t))
    # exact fractions for the indices; rounded figures only for display
    company = {
        "reps": Decimal(total["reps"]) / staffed if staffed else None,
        "meetings": Decimal(total["meetings"]) / total["reps"] if total["reps"] else None,
        "conversion": Decimal(total["won"]) / total["meetings"] if total["meetings"] else None,
    }
    names = group_labels("team", teams)
    rows = []
    for team in teams:
        count, meeting_count, won_count = reps.get(team, 0), met.get(team, 0), won.get(team, 0)
        exact = {
            "reps": Decimal(count),
            "meetings": Decimal(meeting_count) / count if count else None,
            "conversion": Decimal(won_count) / meeting_count if meeting_count else None,
        }
        indices = {f"{name}_index": _index(exact[name], company[name]) for name in FACTORS}
        lowest = min(
            ((value, name) for name in FACTORS if (value := indices[f"{name}_index"]) is not None),
            default=None,
        )
        limit = lowest[1] if lowest and lowest[0] < 100 else None
        rows.append(
            {
                "team": team,
                "name": names[team],
                "reps": count,
                "meetings": meeting_count,
                "meetings_per_rep": _ratio(meeting_count, count, "0.1"),
                "won": won_count,
                "won_per_meeting": _ratio(won_count, meeting_count, "0.001"),
                **indices,
                "limit": limit,
                "limit_name": str(FACTORS[limit]) if limit else "",
            }
        )
    return {
        "company": {
            "name": gettext("Company"),
            "teams": staffed,
            **total,
            "reps_per_team": _ratio(total["reps"], staffed, "0.1"),
            "meetings_per_rep": _ratio(total["meetings"], total["reps"], "0.1"),
            "won_per_meeting": _ratio(total["won"], total["meetings"], "0.001"),
        },
        "columns": [
            column("name", _("Team"), "label"),
            column("reps", _("Reps")),
            column("meetings_per_rep", _("Meetings per rep")),
            column("won_per_meeting", _("Deals won per meeting")),
            column("won", _("Deals won")),
            column("reps_index", _("Reps vs company"), "percent"),
            column("meetings_index", _("Meetings per rep vs company"), "percent"),
            column("conversion_index", _("Won per meeting vs company"), "percent"),
            column("limit_name", _("Limiting factor"), "label"),
        ],
        "rows": rows,
    }
