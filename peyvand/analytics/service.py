"""The service desk's figures (docs/metrics/service.md) and the survey answers the net promoter score reads.

``record_survey_answer`` receives ``events.survey_answered`` (connected in ``AnalyticsConfig.ready``): the
service app sits below analytics and cannot write a ``SurveyResponse`` itself, so it announces the answer inside
its transaction and the row is written here, in the same transaction.
"""

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.labels import group_labels
from peyvand.analytics.models import SurveyResponse
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope
from peyvand.core.choices import Channel
from peyvand.sales.models import DealStatus
from peyvand.service import sla
from peyvand.service.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    PRIORITY_ORDER,
    SLAPolicy,
    SLAState,
    Ticket,
    TicketPriority,
    TicketSurvey,
    TicketType,
)


def record_survey_answer(
    sender, *, survey, owner, team, contact, score, comment, answered_at, channel, **_kw
):
    """The answer to "how likely are you to recommend us?" as one of the net promoter score's answers, owned by
    the ticket's agent and queue (so the NPS report's team and rep filters find it). No score, no row."""
    if score is None:
        return None
    return SurveyResponse.objects.create(
        owner=owner,
        team=team,
        contact=contact,
        score=score,
        comment=comment,
        answered_at=answered_at,
        channel=channel if channel in Channel.values else Channel.OTHER,
    )


# --- the service desk's figures (docs/metrics/service.md) ------------------------------------------------------

PERFORMANCE_BY = ("team", "rep", "priority", "month")
# Calendar days since a ticket was opened: the ageing buckets of the backlog, as (key, label, from, to).
AGE_BUCKETS = (
    ("age_0_1", _("Under 1 day"), 0, 1),
    ("age_1_3", _("1–3 days"), 1, 3),
    ("age_3_7", _("3–7 days"), 3, 7),
    ("age_7_30", _("7–30 days"), 7, 30),
    ("age_30", _("Over 30 days"), 30, None),
)


def tickets_in_scope(scope: Scope) -> QuerySet:
    """The tickets the user may see (``Ticket.objects.visible_to``: an agent their own and their queue's, a
    manager their team's, an administrator all), narrowed by the team (queue) and rep (agent) filters. Tickets
    merged into another are left out: their conversation is counted on the ticket they joined."""
    tickets = Ticket.objects.visible_to(scope.user).filter(merged_into__isnull=True)
    if scope.team:
        tickets = tickets.filter(team_id=scope.team)
    if scope.rep:
        tickets = tickets.filter(owner_id=scope.rep)
    return tickets


def median(values: list[float]) -> float | None:
    """The middle value; the mean of the two middle ones for an even count."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def p90(values: list[float]) -> float | None:
    """The 90th percentile by nearest rank: the smallest value that at least 90 % of the values do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]


def _hours(minutes: float | None) -> Decimal | None:
    return None if minutes is None else (Decimal(str(minutes)) / 60).quantize(Decimal("0.01"))


def _share(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


class _Grouper:
    """Which row a ticket's figure falls in: its team, agent or priority, or the month of the figure's own date."""

    def __init__(self, scope: Scope, by: str | None):
        self.by = by
        self.months = scope.months() if by == "month" else []

    def key(self, ticket: dict[str, Any], when: dt.datetime | None) -> Any:
        if self.by == "team":
            return ticket["team_id"]
        if self.by == "rep":
            return ticket["owner_id"]
        if self.by == "priority":
            return ticket["priority"]
        if self.by == "month":
            day = timezone.localtime(when).date() if when else None
            return next((i for i, m in enumerate(self.months) if day and m.start <= day <= m.end), None)
        return None

    def labels(self, keys: list[Any]) -> dict[Any, str]:
        if self.by in ("team", "rep"):
            return group_labels(self.by, keys)
        if self.by == "priority":
            return {k: str(TicketPriority(k).label) if k in TicketPriority.values else str(k) for k in keys}
        if self.by == "month":
            return {k: self.months[k].label() for k in keys if k is not None}
        return {k: gettext("All tickets") for k in keys}

    def order(self, keys: list[Any]) -> list[Any]:
        if self.by == "month":
            return list(range(len(self.months)))
        if self.by == "priority":
            return [p for p in reversed(PRIORITY_ORDER) if p in keys]
        return sorted(keys, key=lambda k: (k is None, str(k)))


def _empty() -> dict[str, Any]:
    return {
        "resolved": 0,
        "fcr": 0,
        "reopened": 0,
        "sla_tickets": 0,
        "sla_met": 0,
        "first_response": [],
        "resolution": [],
        "csat": [],
    }


def _figures(raw: dict[str, Any]) -> dict[str, Any]:
    csat = raw["csat"]
    return {
        "resolved": raw["resolved"],
        "fcr": raw["fcr"],
        "fcr_rate": _share(raw["fcr"], raw["resolved"]),
        "first_response_median": _hours(median(raw["first_response"])),
        "first_response_p90": _hours(p90(raw["first_response"])),
        "resolution_median": _hours(median(raw["resolution"])),
        "resolution_p90": _hours(p90(raw["resolution"])),
        "reopened": raw["reopened"],
        "reopen_rate": _share(raw["reopened"], raw["resolved"]),
        "sla_met": raw["sla_met"],
        "sla_met_rate": _share(raw["sla_met"], raw["sla_tickets"]),
        "csat_answers": len(csat),
        "csat_average": (Decimal(sum(csat)) / len(csat)).quantize(Decimal("0.01")) if csat else None,
    }


def _merge(into: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        into[key] = into[key] + value


@report(
    "service-performance",
    _("Service desk performance"),
    summary=_(
        "First-contact resolution, first response and resolution times (working hours, median and 90th "
        "percentile), reopen rate, SLA met and satisfaction, by queue, agent, priority or month."
    ),
    options={"by": PERFORMANCE_BY},
)
def service_performance(scope: Scope, by: str | None = None) -> dict[str, Any]:
    """Of the tickets resolved in the period: how many, first-contact resolutions (exactly one agent reply, never
    reopened) and their share, reopened ones and their share, those with an SLA and the share that met it, and
    the resolution time (working minutes from opening to resolution, in hours); of the first responses given in
    the period, the first response time; of the surveys answered in the period, the satisfaction average (1–5)."""
    grouper = _Grouper(scope, by)
    groups: dict[Any, dict[str, Any]] = {}
    calendar = sla.BusinessCalendar()
    policies = {p.pk: sla.Hours.of(p) for p in SLAPolicy.objects.all()}
    default_hours = sla.Hours.of(None)
    fields = (
        "id",
        "team_id",
        "owner_id",
        "priority",
        "created_at",
        "first_responded_at",
        "resolved_at",
        "status",
        "agent_replies",
        "reopen_count",
        "sla_policy_id",
        "sla_state",
    )
    tickets = tickets_in_scope(scope).filter(
        scope.in_period("resolved_at") | scope.in_period("first_responded_at")
    )
    for ticket in tickets.values(*fields).order_by("id"):
        hours = policies.get(ticket["sla_policy_id"], default_hours)
        responded = ticket["first_responded_at"]
        if responded and scope.since <= responded < scope.until:
            row = groups.setdefault(grouper.key(ticket, responded), _empty())
            row["first_response"].append(
                sla.working_minutes_between(ticket["created_at"], responded, hours, calendar=calendar)
            )
        resolved = ticket["resolved_at"]
        if resolved and ticket["status"] in DONE_STATUSES and scope.since <= resolved < scope.until:
            row = groups.setdefault(grouper.key(ticket, resolved), _empty())
            row["resolved"] += 1
            row["fcr"] += ticket["agent_replies"] == 1 and ticket["reopen_count"] == 0
            row["reopened"] += ticket["reopen_count"] > 0
            if ticket["sla_state"] in (SLAState.MET, SLAState.BREACHED):
                row["sla_tickets"] += 1
                row["sla_met"] += ticket["sla_state"] == SLAState.MET
            row["resolution"].append(
                sla.working_minutes_between(ticket["created_at"], resolved, hours, calendar=calendar)
            )
    answers = TicketSurvey.objects.filter(
        ticket__in=tickets_in_scope(scope), csat__isnull=False, **_between("answered_at", scope)
    ).values("csat", "answered_at", "ticket__team_id", "ticket__owner_id", "ticket__priority")
    for answer in answers:
        ticket = {
            "team_id": answer["ticket__team_id"],
            "owner_id": answer["ticket__owner_id"],
            "priority": answer["ticket__priority"],
        }
        groups.setdefault(grouper.key(ticket, answer["answered_at"]), _empty())["csat"].append(answer["csat"])
    keys = grouper.order(list(groups))
    labels = grouper.labels(keys)
    total = _empty()
    for raw in groups.values():
        _merge(total, raw)
    rows = [
        {"group": key, "label": labels.get(key, ""), **_figures(groups.get(key, _empty()))}
        for key in keys
        if key is not None or by in (None, "team")
    ]
    return {
        "columns": [
            column("label", SEGMENT_TITLES.get(by or "", _("Tickets")), "label"),
            column("resolved", _("Resolved")),
            column("fcr", _("First-contact resolutions")),
            column("fcr_rate", _("First-contact resolution rate"), "percent"),
            column("first_response_median", _("First response, median"), "hours"),
            column("first_response_p90", _("First response, 90th percentile"), "hours"),
            column("resolution_median", _("Resolution time, median"), "hours"),
            column("resolution_p90", _("Resolution time, 90th percentile"), "hours"),
            column("reopened", _("Reopened")),
            column("reopen_rate", _("Reopen rate"), "percent"),
            column("sla_met", _("SLA met")),
            column("sla_met_rate", _("SLA met share"), "percent"),
            column("csat_answers", _("Satisfaction answers")),
            column("csat_average", _("Satisfaction average (1–5)")),
        ],
        "rows": rows,
        "total": _figures(total),
    }


SEGMENT_TITLES = {
    "team": _("Queue"),
    "rep": _("Agent"),
    "priority": _("Priority"),
    "month": _("Month"),
}


def _between(path: str, scope: Scope) -> dict[str, Any]:
    return {f"{path}__gte": scope.since, f"{path}__lt": scope.until}


@report(
    "service-backlog",
    _("Service backlog and ageing"),
    summary=_("Open tickets now, by how long ago they were opened, per queue, agent or priority."),
    options={"by": ("team", "rep", "priority")},
)
def service_backlog(scope: Scope, by: str | None = None) -> dict[str, Any]:
    """The tickets open right now (new, open, waiting, reopened), counted by their age in calendar days since
    they were opened: under 1, 1–3, 3–7, 7–30 and over 30 days (each bucket includes its lower bound). A snapshot
    of the moment asked: the period does not narrow it."""
    grouper = _Grouper(scope, by or "team")
    now = timezone.now()
    groups: dict[Any, dict[str, int]] = {}
    open_tickets = tickets_in_scope(scope).filter(status__in=OPEN_STATUSES)
    for ticket in open_tickets.values("team_id", "owner_id", "priority", "created_at"):
        row = groups.setdefault(grouper.key(ticket, None), {"open": 0, **{b[0]: 0 for b in AGE_BUCKETS}})
        row["open"] += 1
        age = (now - ticket["created_at"]) / dt.timedelta(days=1)
        for key, _label, low, high in AGE_BUCKETS:
            if age >= low and (high is None or age < high):
                row[key] += 1
                break
    keys = grouper.order(list(groups))
    labels = grouper.labels(keys)
    empty = {"open": 0, **{b[0]: 0 for b in AGE_BUCKETS}}
    rows = [{"group": k, "label": labels.get(k, ""), **groups.get(k, empty)} for k in keys]
    total = {name: sum(r[name] for r in rows) for name in empty}
    return {
        "columns": [
            column("label", SEGMENT_TITLES[by or "team"], "label"),
            column("open", _("Open tickets")),
            *[column(key, label) for key, label, _low, _high in AGE_BUCKETS],
        ],
        "rows": rows,
        "total": total,
    }


def _customer(company_id: int | None, contact_id: int | None) -> tuple[str, int] | None:
    if company_id:
        return ("company", company_id)
    if contact_id:
        return ("contact", contact_id)
    return None


@report(
    "service-complaints",
    _("Complaint rate"),
    summary=_("Complaint tickets per customer served and per 100 won deals, per month and for the period."),
)
def service_complaints(scope: Scope) -> dict[str, Any]:
    """Per month: complaint tickets opened; customers served (different customers, the company else the
    contact, with any ticket opened); complaints per customer served; won deals (of the deals the user may see,
    by the day they were won) and complaints per 100 won deals."""
    months = scope.months()

    def month_of(when: dt.datetime) -> int | None:
        day = timezone.localtime(when).date()
        return next((i for i, m in enumerate(months) if m.start <= day <= m.end), None)

    complaints = [0] * len(months)
    served: list[set] = [set() for _m in months]
    opened = tickets_in_scope(scope).filter(scope.in_period("created_at"))
    for ticket in opened.values("type", "company_id", "contact_id", "created_at"):
        index = month_of(ticket["created_at"])
        if index is None:
            continue
        complaints[index] += ticket["type"] == TicketType.COMPLAINT
        customer = _customer(ticket["company_id"], ticket["contact_id"])
        if customer:
            served[index].add(customer)
    won = [0] * len(months)
    won_deals = scope.deals().filter(status=DealStatus.WON).filter(scope.in_period("closed_at"))
    for closed_at in won_deals.values_list("closed_at", flat=True):
        index = month_of(closed_at)
        if index is not None:
            won[index] += 1

    def figures(count: int, customers: int, deals: int) -> dict[str, Any]:
        return {
            "complaints": count,
            "customers": customers,
            "per_customer": None if not customers else (Decimal(count) / customers).quantize(Decimal("0.01")),
            "won_deals": deals,
            "per_100_won": None if not deals else (Decimal(count) * 100 / deals).quantize(Decimal("0.1")),
        }

    rows = [
        {"month": m.label(), "start": m.start, **figures(complaints[i], len(served[i]), won[i])}
        for i, m in enumerate(months)
    ]
    return {
        "columns": [
            column("month", _("Month"), "label"),
            column("complaints", _("Complaints")),
            column("customers", _("Customers served")),
            column("per_customer", _("Complaints per customer")),
            column("won_deals", _("Won deals")),
            column("per_100_won", _("Complaints per 100 won deals")),
        ],
        "rows": rows,
        "total": figures(sum(complaints), len(set().union(*served)), sum(won)),
    }
