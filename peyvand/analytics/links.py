"""Where each number of a report leads: the list of exactly the records behind it.

A link is the deals (activities, leads) list with the filters that select those records: the report's own
filters, the row's segment or month, and what the figure counts (won, lost, created, open, reached a stage).
A figure the lists cannot select exactly (a share, an average, a row of deals without a region) has no link
rather than a wrong one. ``tests/analytics/test_links.py`` follows every link and counts what it lists.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from peyvand.core import periods
from peyvand.sales.segments import CUSTOMER_CURRENT, CUSTOMER_NEW

Links = dict[str, str]  # column key -> address


def list_link(screen: str, **filters) -> str:
    """A list page filtered to the records behind a figure."""
    query = {
        k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in filters.items() if v not in (None, "")
    }
    return f"{reverse(f'{screen}:list')}?{urlencode(query)}"


def deals_link(**filters) -> str:
    return list_link("deals", **filters)


def deal_filters(applied: dict[str, Any]) -> dict[str, Any]:
    """The deals list's filters that narrow it as a report's filters narrow the report (all but the period)."""
    names = ("team", "pipeline", "region", "channel", "audience", "customer")
    return {"owner": applied.get("rep"), **{name: applied.get(name) for name in names}}


def segment_filter(by: str | None, group: Any) -> dict[str, Any] | None:
    """The deals list's filter for one segment's row; None when the list cannot ask for it (no region)."""
    if by is None:
        return {}
    if group is None:
        return None
    if by == "customer":
        return {"customer": CUSTOMER_CURRENT if group else CUSTOMER_NEW}
    return {"owner" if by == "rep" else by: group}


def _in_period(field: str, start, end) -> dict[str, Any]:
    return {f"{field}_after": start, f"{field}_before": end}


def _month_within(first_day: str, applied: dict[str, Any]) -> tuple[str, str]:
    """The part of the business-calendar month starting ``first_day`` that lies in the report's period."""
    month = periods.period_containing(
        periods.business_calendar(), periods.MONTH, dt.date.fromisoformat(first_day)
    )
    return max(month.start.isoformat(), applied["start"]), min(month.end.isoformat(), applied["end"])


def _outcomes(applied: dict[str, Any], data: dict[str, Any]) -> list[Links]:
    rows = []
    for row in data["rows"]:
        segment = segment_filter(data.get("by"), row.get("group"))
        if segment is None:
            rows.append({})
            continue
        base = deal_filters(applied) | segment
        closed = _in_period("closed", applied["start"], applied["end"])
        won = deals_link(**base, status="won", **closed)
        rows.append(
            {
                "name": won,
                "won": won,
                "revenue": won,
                "lost": deals_link(**base, status="lost", **closed),
                "created": deals_link(**base, **_in_period("created", applied["start"], applied["end"])),
            }
        )
    return rows


def _sales_cycle(applied: dict[str, Any], data: dict[str, Any]) -> list[Links]:
    by, rows = data.get("by"), []
    for row in data["rows"]:
        if by == "month":
            (start, end), segment = _month_within(row["group"], applied), {}
        else:
            start, end, segment = applied["start"], applied["end"], segment_filter(by, row.get("group"))
        if segment is None:
            rows.append({})
            continue
        won = deals_link(**deal_filters(applied) | segment, status="won", **_in_period("closed", start, end))
        rows.append({"name": won, "deals": won})
    return rows


def _monthly_trend(applied: dict[str, Any], data: dict[str, Any]) -> list[Links]:
    rows = []
    for row in data["rows"]:
        closed = _in_period("closed", row["month"], row["end"])
        won = deals_link(**deal_filters(applied), status="won", **closed)
        rows.append(
            {
                "name": won,
                "won": won,
                "revenue": won,
                "lost": deals_link(**deal_filters(applied), status="lost", **closed),
            }
        )
    return rows


def _won_by_rep_or_team(start_of: Callable, end_of: Callable):
    def links(applied: dict[str, Any], data: dict[str, Any]) -> list[Links]:
        rows = []
        for row in data["rows"]:
            if row.get("kind") not in ("rep", "team"):
                rows.append({})
                continue
            who = {"owner" if row["kind"] == "rep" else "team": row["id"]}
            won = deals_link(
                **deal_filters(applied) | who,
                status="won",
                **_in_period("closed", start_of(applied, data), end_of(applied, data)),
            )
            rows.append({"name": won, "actual": won, "deals_won": won})
        return rows

    return links


def _pipeline(applied: dict[str, Any], data: dict[str, Any]) -> list[Links]:
    if not data.get("pipeline"):
        return []
    base = deal_filters(applied) | {"pipeline": data["pipeline"]["id"], "status": "open"}
    return [
        {key: deals_link(**base, stage=row["stage"]) for key in ("name", "deals", "amount", "weighted")}
        for row in data["rows"]
    ]


def _forecast(applied: dict[str, Any], data: dict[str, Any]) -> list[Links]:
    rows = []
    for row in data["rows"]:
        open_deals = deals_link(
            **deal_filters(applied), status="open", close_after=row["start"], close_before=row["end"]
        )
        rows.append({"month": open_deals, "deals": open_deals, "amount": open_deals})
    return rows


def _funnel(applied: dict[str, Any], data: dict[str, Any]) -> list[Links]:
    if not data.get("pipeline"):
        return []
    base = deal_filters(applied) | {"pipeline": data["pipeline"]["id"]}
    created = _in_period("created", applied["start"], applied["end"])
    rows = []
    for row in data["rows"]:
        reached = {"reached": row["stage"]} if row["stage"] is not None else {"status": "won"}
        link = deals_link(**base, **created, **reached)
        rows.append({"name": link, "reached": link})
    return rows


def _activity(applied: dict[str, Any], data: dict[str, Any]) -> list[Links]:
    # The activities list cannot narrow to a deal's pipeline or a customer's standing.
    if applied.get("pipeline") or applied.get("customer"):
        return []
    by, rows = data.get("by"), []
    for row in data["rows"]:
        if by == "day":
            who, start, end = {}, row["group"], row["group"]
        elif by == "rep-day":
            who, start, end = {"owner": row["group"]}, row["day"], row["day"]
        else:
            who, start, end = (
                {"owner" if by == "rep" else "team": row["group"]},
                applied["start"],
                applied["end"],
            )
        base = {
            "owner": applied.get("rep"),
            "team": applied.get("team"),
            **who,
            "open": "false",
            **_in_period("done", start, end),
        }
        rows.append(
            {
                "calls": list_link("activities", **base, kind="call"),
                "meetings": list_link("activities", **base, kind="meeting"),
                "tasks_done": list_link("activities", **base, kind="task"),
            }
        )
    return rows


def _lead_quality(applied: dict[str, Any], data: dict[str, Any]) -> list[Links]:
    narrowing = {
        "owner": applied.get("rep"),
        "team": applied.get("team"),
        "pipeline": applied.get("pipeline"),
        "source": applied.get("channel"),
        "region": applied.get("region"),
        "audience": applied.get("audience"),
    }
    rows = []
    for row in data["rows"]:
        if data.get("by") == "month":
            group, (start, end) = {}, _month_within(row["group"], applied)
        elif row.get("group") is None:
            rows.append({})
            continue
        else:
            group, start, end = {"source": row["group"]}, applied["start"], applied["end"]
        base = narrowing | group | _in_period("created", start, end)
        leads = list_link("leads", **base)
        rows.append(
            {
                "name": leads,
                "leads": leads,
                **{band: list_link("leads", **base, score_band=band) for band in ("cold", "warm", "hot")},
            }
        )
    return rows


def _key_accounts(applied: dict[str, Any], data: dict[str, Any]) -> list[Links]:
    return [{"name": reverse("companies:detail", args=[row["company"]])} for row in data["rows"]]


LINKS: dict[str, Callable[[dict[str, Any], dict[str, Any]], list[Links]]] = {
    "outcomes": _outcomes,
    "sales-cycle": _sales_cycle,
    "monthly-trend": _monthly_trend,
    "plan-vs-actual": _won_by_rep_or_team(lambda a, d: a["start"], lambda a, d: a["end"]),
    "plan-completion": _won_by_rep_or_team(
        lambda a, d: d["period"]["start"], lambda a, d: d["period"]["as_of"]
    ),
    "pipeline": _pipeline,
    "forecast": _forecast,
    "funnel": _funnel,
    "activity": _activity,
    "lead-quality": _lead_quality,
    "key-accounts": _key_accounts,
}


def row_links(metric: str, result: dict[str, Any]) -> list[Links]:
    """For each row of a report's result (``run_report``), its figures' links by column key."""
    linker = LINKS.get(metric)
    return linker(result["filters"], result["data"]) if linker else []
