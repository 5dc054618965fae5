"""Each metric computed by hand, in plain Python, from the facts ``dataset.build`` returns."""

import datetime as dt
import statistics
from decimal import Decimal

from tests.analytics.dataset import TZ


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(TZ).date()


def within(moment, start: dt.date, end: dt.date) -> bool:
    return moment is not None and start <= local_day(moment) <= end


def visible(history, user, deals=None):
    deals = history.deals if deals is None else deals
    if user.is_admin:
        return list(deals)
    if user.is_manager:
        return [d for d in deals if d["team"] == user.team_id or d["owner"] == user.pk]
    return [d for d in deals if d["owner"] == user.pk]


def customer_is_current(history, deal) -> bool:
    def same_customer(other):
        if deal["company"]:
            return other["company"] == deal["company"]
        return (
            deal["contact"] is not None and other["company"] is None and other["contact"] == deal["contact"]
        )

    return any(
        other["id"] != deal["id"]
        and other["status"] == "won"
        and other["closed_at"] < deal["created_at"]
        and same_customer(other)
        for other in history.deals
    )


def segment_of(history, deal, by):
    if by == "rep":
        return deal["owner"]
    if by == "customer":
        return customer_is_current(history, deal)
    return deal[by]


def pct(part, whole):
    return None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def outcomes(history, user, start, end, by=None):
    groups: dict = {}
    for deal in visible(history, user):
        key = segment_of(history, deal, by) if by else None
        g = groups.setdefault(
            key, {"won": 0, "lost": 0, "revenue": Decimal(0), "created": 0, "created_won": 0}
        )
        if within(deal["closed_at"], start, end):
            if deal["status"] == "won":
                g["won"] += 1
                g["revenue"] += deal["amount"]
            elif deal["status"] == "lost":
                g["lost"] += 1
        if within(deal["created_at"], start, end):
            g["created"] += 1
            g["created_won"] += deal["status"] == "won"
    result = {}
    for key, g in groups.items():
        if not (g["won"] or g["lost"] or g["created"]):
            continue
        result[key] = {
            "won": g["won"],
            "lost": g["lost"],
            "win_rate": pct(g["won"], g["won"] + g["lost"]),
            "revenue": g["revenue"],
            "average_deal": (g["revenue"] / g["won"]).quantize(Decimal("1")) if g["won"] else None,
            "created": g["created"],
            "close_rate": pct(g["created_won"], g["created"]),
        }
    return result


def funnel(history, user, start, end, pipeline_id):
    open_stages = sorted(
        (order, sid)
        for sid, (pid, order, kind, _n) in history.stages.items()
        if pid == pipeline_id and kind == "open"
    )
    cohort = [
        d
        for d in visible(history, user)
        if d["pipeline"] == pipeline_id and within(d["created_at"], start, end)
    ]
    furthest = {}
    for move in history.moves:
        pid, order, kind, _n = history.stages[move.to_stage]
        if kind == "open":
            furthest[move.deal] = max(furthest.get(move.deal, -1), order)
    reached = [
        sum(1 for d in cohort if d["status"] == "won" or furthest.get(d["id"], -1) >= order)
        for order, _sid in open_stages
    ]
    reached.append(sum(1 for d in cohort if d["status"] == "won"))
    return len(cohort), reached


def stage_time(history, user, start, end, pipeline_id):
    ids = {d["id"] for d in visible(history, user)}
    per_stage: dict = {}
    for move in history.moves:
        if move.deal not in ids or move.from_stage is None or not within(move.moved_at, start, end):
            continue
        if history.stages[move.from_stage][0] != pipeline_id:
            continue
        per_stage.setdefault(move.from_stage, []).append(move.seconds_in_previous)
    return {
        stage: (len(values), sum(values) / len(values) / 86400, statistics.median(values) / 86400)
        for stage, values in per_stage.items()
    }


def sales_cycle(history, user, start, end, by=None):
    groups: dict = {}
    for deal in visible(history, user):
        if deal["status"] != "won" or not within(deal["closed_at"], start, end):
            continue
        began = deal["lead_created_at"] or deal["created_at"]
        if by == "month":
            day = local_day(deal["closed_at"])
            key = next(first.isoformat() for first, last in jalali_months(start, end) if first <= day <= last)
        else:
            key = segment_of(history, deal, by) if by else None
        groups.setdefault(key, []).append((deal["closed_at"] - began).total_seconds())
    return {
        key: (len(values), sum(values) / len(values) / 86400, statistics.median(values) / 86400)
        for key, values in groups.items()
    }


def pipeline_now(history, user, pipeline_id):
    result = {}
    for deal in visible(history, user):
        if deal["pipeline"] != pipeline_id or deal["status"] != "open":
            continue
        row = result.setdefault(deal["stage"], {"deals": 0, "amount": Decimal(0), "weighted": Decimal(0)})
        row["deals"] += 1
        row["amount"] += deal["amount"]
        row["weighted"] += deal["amount"] * history.probabilities[deal["stage"]] / 100
    for row in result.values():
        row["weighted"] = row["weighted"].quantize(Decimal("1"))
    return result


def visible_targets(history, user):
    if user.is_admin:
        return list(history.targets)
    team_reps = {u.pk for u in history.users.values() if u.team_id == user.team_id}
    if user.is_manager:
        return [t for t in history.targets if t["team"] == user.team_id or t["user"] in team_reps]
    return [t for t in history.targets if t["user"] == user.pk]


def plan_vs_actual(history, user, start, end):
    rows = {}
    for t in visible_targets(history, user):
        if t["start"] >= start and t["end"] <= end:
            key = ("rep", t["user"]) if t["user"] else ("team", t["team"])
            row = rows.setdefault(
                key, {"plan": Decimal(0), "actual": Decimal(0), "deals_plan": 0, "deals_won": 0}
            )
            row["plan"] += t["amount"]
            row["deals_plan"] += t["deals"]
    for deal in visible(history, user):
        if deal["status"] == "won" and within(deal["closed_at"], start, end):
            for key in (("rep", deal["owner"]), ("team", deal["team"])):
                row = rows.setdefault(
                    key, {"plan": Decimal(0), "actual": Decimal(0), "deals_plan": 0, "deals_won": 0}
                )
                row["actual"] += deal["amount"]
                row["deals_won"] += 1
    return rows


def jalali_months(start, end):
    """(first day, last day) of each Jalali month from the one holding ``start`` to the one holding ``end``."""
    import jdatetime

    months = []
    day = jdatetime.date.fromgregorian(date=start)
    year, month = day.year, day.month
    while True:
        first = jdatetime.date(year, month, 1).togregorian()
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        last = jdatetime.date(year, month, 1).togregorian() - dt.timedelta(days=1)
        months.append((first, last))
        if last >= end:
            return months


def monthly_trend(history, user, start, end):
    rows = []
    for first, last in jalali_months(start, end)[-12:]:
        won = [
            d for d in visible(history, user) if d["status"] == "won" and within(d["closed_at"], first, last)
        ]
        lost = [
            d for d in visible(history, user) if d["status"] == "lost" and within(d["closed_at"], first, last)
        ]
        rows.append(
            {
                "month": first,
                "revenue": sum((d["amount"] for d in won), Decimal(0)),
                "won": len(won),
                "lost": len(lost),
                "win_rate": pct(len(won), len(won) + len(lost)),
            }
        )
    return rows


def working_days(history, first, last):
    total, day = Decimal(0), first
    while day <= last:
        if day in history.holidays:
            total += history.holidays[day]
        elif day.weekday() != 4:  # Friday
            total += 1
        day += dt.timedelta(days=1)
    return total


def plan_completion(history, user, as_of):
    first, last = jalali_months(as_of, as_of)[0]
    total, elapsed = working_days(history, first, last), working_days(history, first, as_of)
    plans = {}
    for t in visible_targets(history, user):
        if t["start"] == first:
            plans[("rep", t["user"]) if t["user"] else ("team", t["team"])] = t["amount"]
    actual = {}
    for deal in visible(history, user):
        if deal["status"] == "won" and within(deal["closed_at"], first, as_of):
            for key in (("rep", deal["owner"]), ("team", deal["team"])):
                actual[key] = actual.get(key, Decimal(0)) + deal["amount"]
    result = {}
    for key in set(plans) | set(actual):
        plan, got = plans.get(key, Decimal(0)), actual.get(key, Decimal(0))
        expected = plan / total * elapsed
        result[key] = {
            "plan": plan,
            "actual": got,
            "expected": expected.quantize(Decimal("1")),
            "completion": pct(got, expected) if expected else None,
            "reached": pct(got, plan),
        }
    return total, elapsed, result


def lead_quality(history, user, start, end, by="channel"):
    if user.is_admin:
        leads = dict(history.leads)
    elif user.is_manager:
        leads = {k: v for k, v in history.leads.items() if v["team"] == user.team_id or v["owner"] == user.pk}
    else:
        leads = {k: v for k, v in history.leads.items() if v["owner"] == user.pk}
    won = {d["lead"] for d in history.deals if d["status"] == "won" and d["lead"]}
    groups: dict = {}
    months = {first: (first, last) for first, last in jalali_months(start, end)}
    for pk, lead in leads.items():
        if not within(lead["created_at"], start, end):
            continue
        if by == "month":
            day = local_day(lead["created_at"])
            key = next(first for first, (f, last) in months.items() if f <= day <= last)
        else:
            key = lead["source"]
        groups.setdefault(key, []).append((lead, pk in won))
    result = {}
    for key, members in groups.items():
        qualified = [w for lead, w in members if lead["qualified"]]
        unqualified = [w for lead, w in members if not lead["qualified"]]
        result[key] = {
            "leads": len(members),
            "average_score": round(sum(lead["score"] for lead, _w in members) / len(members), 1),
            "cold": sum(lead["band"] == "cold" for lead, _w in members),
            "warm": sum(lead["band"] == "warm" for lead, _w in members),
            "hot": sum(lead["band"] == "hot" for lead, _w in members),
            "qualified_share": pct(len(qualified), len(members)),
            "qualified_conversion": pct(sum(qualified), len(qualified)),
            "unqualified_conversion": pct(sum(unqualified), len(unqualified)),
        }
    return result
