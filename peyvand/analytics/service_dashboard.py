"""The service dashboard: what a support manager looks at every morning (the queue's backlog and its age, how
fast and how well it answers, how satisfied customers are). Every figure comes from a registered report
(``analytics/service.py``, ``nps``), so the page, the report pages and the API agree."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from peyvand.accounts.models import Role, Team, User
from peyvand.analytics import charts
from peyvand.analytics.registry import REPORTS
from peyvand.analytics.selectors import scope_from
from peyvand.analytics.service import AGE_BUCKETS
from peyvand.service import permissions

SUPPORT_ROLES = (Role.SUPPORT_AGENT, Role.SUPPORT_MANAGER)


def can_see_service_dashboard(user) -> bool:
    """Those who work the queue: support agents and managers, sales managers, administrators (the figures count
    only the tickets each sees)."""
    return permissions.can_work_tickets(user)


@dataclass
class ServiceChoices:
    teams: list
    reps: list


def service_filter_choices(user) -> ServiceChoices:
    """The queues and agents the filters offer: an administrator all; anyone else their own team's, or
    themself alone without a team."""
    agents = User.objects.filter(is_active=True).filter(Q(role__in=SUPPORT_ROLES) | Q(pk=user.pk))
    if user.is_admin:
        teams = list(Team.objects.order_by("name"))
    elif user.team_id:
        teams = list(Team.objects.filter(pk=user.team_id))
        agents = agents.filter(team_id=user.team_id)
    else:
        teams, agents = [], agents.filter(pk=user.pk)
    return ServiceChoices(teams=teams, reps=list(agents.order_by("first_name", "username")))


def _table(data: dict[str, Any]) -> dict[str, Any]:
    """A report's rows as the page shows them: each cell formatted by its column's kind, with the column's name
    (a phone shows each row as a card of named figures)."""
    columns = data["columns"]
    return {
        "columns": columns,
        "rows": [
            [(c["kind"], charts.format_value(c["kind"], row.get(c["key"])), c["label"]) for c in columns]
            for row in data["rows"]
        ],
    }


def _run(scope, name: str, **options) -> dict[str, Any]:
    return REPORTS[name].compute(scope, **options)


def service_dashboard(user, params: dict[str, Any]) -> dict[str, Any]:
    scope = scope_from(user, params)
    performance = _run(scope, "service-performance")
    by_agent = _run(scope, "service-performance", by="rep")
    by_priority = _run(scope, "service-performance", by="priority")
    by_team = _run(scope, "service-performance", by="team") if user.is_admin else None
    backlog = _run(scope, "service-backlog")
    buckets = [
        {"key": key, "label": label, "count": backlog["total"][key]}
        for key, label, _low, _high in AGE_BUCKETS
    ]
    for bucket, width in zip(buckets, charts.bars(buckets, "count"), strict=True):
        bucket["width"] = width
    for row, width in zip(by_agent["rows"], charts.bars(by_agent["rows"], "resolved"), strict=True):
        row["width"] = width
    complaints = _run(scope, "service-complaints")
    nps = _run(scope, "nps")
    return {
        "scope": scope,
        "total": performance["total"],
        "by_agent": by_agent,
        "priority_table": _table(by_priority),
        "team_table": _table(by_team) if by_team else None,
        "agent_table": _table(by_agent),
        "backlog": backlog,
        "buckets": buckets,
        "complaints": complaints["total"],
        "nps": nps["total"],
    }
