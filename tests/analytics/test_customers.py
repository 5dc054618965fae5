"""The customer metrics equal the figures computed by hand, in plain Python, from the same seeded history
(SQLite and PostgreSQL), for an administrator, a manager and a rep over several periods."""

import datetime as dt
from decimal import Decimal

import jdatetime
import pytest

from peyvand.analytics.customers import months_before
from peyvand.analytics.selectors import run_report
from peyvand.core.errors import ValidationFailed
from tests.analytics import oracle
from tests.analytics.dataset_customers import build
from tests.analytics.seeded import module_history

PERIODS = [
    (dt.date(2026, 3, 21), dt.date(2026, 9, 22)),
    (dt.date(2025, 12, 1), dt.date(2026, 11, 25)),
    (dt.date(2026, 6, 1), dt.date(2026, 6, 30)),
]
VIEWERS = ["admin", "manager_south", "rep_north1"]
SEGMENTS = [None, "rep", "team", "region", "pipeline", "channel", "audience", "customer"]


facts = module_history(build)


def report(user, name, start, end, **params):
    return run_report(user, name, {"start": start, "end": end, **params})["data"]


# --- the figures by hand -----------------------------------------------------------------------------------


def until(end: dt.date) -> dt.datetime:
    """The first instant after the period's last day, in the business's time zone."""
    return dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=oracle.TZ)


def instant(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=oracle.TZ)


def customer_of(deal):
    return ("company", deal["company"]) if deal["company"] else ("contact", deal["contact"])


def purchases(facts, user):
    return [d for d in oracle.visible(facts, user) if d["status"] == "won" and (d["company"] or d["contact"])]


def value_figures(bought):
    count, revenue = len(bought), sum((d["amount"] for d in bought), Decimal(0))
    customers = len({customer_of(d) for d in bought})
    return {
        "purchases": count,
        "customers": customers,
        "revenue": revenue,
        "average_purchase": (revenue / count).quantize(Decimal("1")) if count else None,
        "frequency": (Decimal(count) / customers).quantize(Decimal("0.01")) if customers else None,
        "customer_value": (revenue / customers).quantize(Decimal("1")) if customers else None,
    }


def counts_at(facts, deal, day: dt.date) -> bool:
    """A purchase counts for its customer at the start of ``day`` unless they were marked lost before that day
    and it came before the day they were."""
    lost = facts.lost.get(customer_of(deal))
    return lost is None or lost >= day or deal["closed_at"].astimezone(oracle.TZ).date() >= lost


def lifespan_seconds(facts, user, end, months):
    """Average over the customers with a purchase up to the end: first to last purchase, or to the end when
    the last is less than ``months`` months old and they were not marked lost since."""
    spans, active = {}, set()
    active_since = instant(months_before(end + dt.timedelta(days=1), months))
    for d in purchases(facts, user):
        if d["closed_at"] < until(end):
            first, last = spans.get(customer_of(d), (d["closed_at"], d["closed_at"]))
            spans[customer_of(d)] = (min(first, d["closed_at"]), max(last, d["closed_at"]))
            if d["closed_at"] >= active_since and counts_at(facts, d, end + dt.timedelta(days=1)):
                active.add(customer_of(d))
    seconds = [
        ((until(end) if key in active else last) - first).total_seconds()
        for key, (first, last) in spans.items()
    ]
    return sum(seconds) / len(seconds) if seconds else None


def customer_value(facts, user, start, end, by=None, months=12):
    bought = [d for d in purchases(facts, user) if oracle.within(d["closed_at"], start, end)]
    if by:
        groups = {}
        for d in bought:
            groups.setdefault(oracle.segment_of(facts, d, by), []).append(d)
        return {key: value_figures(deals) for key, deals in groups.items()}
    total = value_figures(bought)
    seconds = lifespan_seconds(facts, user, end, months)
    period = (until(end) - instant(start)).total_seconds()
    total["lifespan_months"] = seconds / 86400 / 30.4375 if seconds is not None else None
    total["ltv"] = (
        float(total["revenue"]) / total["customers"] * seconds / period
        if seconds and total["customers"]
        else None
    )
    return total


def churn(facts, user, start, end, months=12):
    start_window = instant(months_before(start, months))
    end_window = instant(months_before(end + dt.timedelta(days=1), months))
    history = {}
    for d in purchases(facts, user):
        if d["closed_at"] < until(end):
            history.setdefault(customer_of(d), []).append(d)
    after_end = end + dt.timedelta(days=1)
    at_start = {
        k
        for k, bought in history.items()
        if any(start_window <= d["closed_at"] < instant(start) and counts_at(facts, d, start) for d in bought)
    }
    at_end = {
        k
        for k, bought in history.items()
        if any(end_window <= d["closed_at"] and counts_at(facts, d, after_end) for d in bought)
    }
    new = {k for k, bought in history.items() if min(d["closed_at"] for d in bought) >= instant(start)}
    lost = at_start - at_end
    return {
        "start": len(at_start),
        "end": len(at_end),
        "new": len(new),
        "lost": len(lost),
        "churn_rate": oracle.pct(len(lost), len(at_start)),
        "retention_rate": oracle.pct(len(at_end) - len(new), len(at_start)),
    }


def spend_visible(user, row):
    return user.is_admin or row["team"] is None or row["team"] == user.team_id


def cac(facts, user, start, end):
    spent = {}
    for row in facts.spend:
        if spend_visible(user, row) and start <= row["month"] <= end:
            spent[row["channel"]] = spent.get(row["channel"], Decimal(0)) + row["amount"]
    firsts = {}
    for d in purchases(facts, user):
        key = customer_of(d)
        if key not in firsts or (d["closed_at"], d["id"]) < (firsts[key]["closed_at"], firsts[key]["id"]):
            firsts[key] = d
    new = {}
    for d in firsts.values():
        if oracle.within(d["closed_at"], start, end):
            new[d["channel"]] = new.get(d["channel"], 0) + 1
    rows = {
        channel: (spent.get(channel, Decimal(0)), new.get(channel, 0)) for channel in set(spent) | set(new)
    }
    return rows, (sum(spent.values(), Decimal(0)), sum(new.values()))


def owned_visible(user, owner, team):
    if user.is_admin:
        return True
    return owner == user.pk or (user.is_manager and team == user.team_id)


def nps(facts, user, start, end):
    months = {}
    for a in facts.answers:
        if owned_visible(user, a["owner"], a["team"]) and oracle.within(a["answered_at"], start, end):
            jday = jdatetime.date.fromgregorian(date=oracle.local_day(a["answered_at"]))
            first = jdatetime.date(jday.year, jday.month, 1).togregorian()
            months.setdefault(first, []).append(a["score"])

    def figures(scores):
        promoters, detractors = sum(s >= 9 for s in scores), sum(s <= 6 for s in scores)
        return {
            "answers": len(scores),
            "promoters": promoters,
            "passives": len(scores) - promoters - detractors,
            "detractors": detractors,
            "nps": (Decimal(promoters - detractors) * 100 / len(scores)).quantize(Decimal("0.1"))
            if scores
            else None,
        }

    return {m: figures(s) for m, s in months.items()}, figures([s for ss in months.values() for s in ss])


def key_accounts(facts, user, end):
    since = instant(months_before(end + dt.timedelta(days=1), 12))
    rows = {}
    for company, potential in facts.key_accounts.items():
        info = facts.companies[company]
        if not owned_visible(user, info["owner"], info["team"]):
            continue
        won = sum(
            (
                d["amount"]
                for d in oracle.visible(facts, user)
                if d["company"] == company and d["status"] == "won" and since <= d["closed_at"] < until(end)
            ),
            Decimal(0),
        )
        current = (won / 12).quantize(Decimal("1"))
        rows[company] = {
            "potential": potential,
            "current": current,
            "gap": max(potential - current, Decimal(0)),
            "reached": oracle.pct(current, potential),
        }
    return rows


# --- the database's figures equal them ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("months", [None, 3])
def test_customer_value_and_ltv_equal_the_hand_computed_figures(facts, viewer, start, end, months):
    user = facts.users[viewer]
    expected = customer_value(facts, user, start, end, months=months or 12)
    data = report(user, "customer-value", start, end, **({"months": months} if months else {}))
    total = data["total"]
    assert expected["purchases"], "the seeded history must give this view purchases to count"
    for key in ("purchases", "customers", "revenue", "average_purchase", "frequency", "customer_value"):
        assert total[key] == expected[key], key
    assert abs(float(total["lifespan_months"]) - expected["lifespan_months"]) <= 0.051
    assert float(total["ltv"]) == pytest.approx(expected["ltv"], rel=1e-6, abs=1)
    assert data["rows"] == [{"group": None, **total}]


@pytest.mark.django_db
@pytest.mark.parametrize("by", SEGMENTS[1:])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_customer_value_by_segment_equals_the_hand_computed_figures(facts, viewer, by):
    user = facts.users[viewer]
    start, end = PERIODS[1]
    expected = customer_value(facts, user, start, end, by=by)
    rows = report(user, "customer-value", start, end, by=by)["rows"]
    assert {row["group"]: {k: row[k] for k in expected[row["group"]]} for row in rows} == expected


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("months", [None, 3, 6])
def test_churn_and_retention_equal_the_hand_computed_figures(facts, viewer, start, end, months):
    user = facts.users[viewer]
    expected = churn(facts, user, start, end, months=months or 12)
    data = report(user, "churn", start, end, **({"months": months} if months else {}))
    assert data["months"] == (months or 12)
    assert data["rows"] == [expected]
    assert expected["start"], "the view must have customers at the start"


@pytest.mark.django_db
def test_churn_months_default_comes_from_the_setting(facts, settings):
    settings.PEYVAND_CHURN_MONTHS = 6
    user = facts.users["admin"]
    start, end = PERIODS[0]
    assert report(user, "churn", start, end)["rows"] == [churn(facts, user, start, end, months=6)]


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_cac_per_channel_equals_the_hand_computed_figures(facts, viewer, start, end):
    user = facts.users[viewer]
    expected, (spend, new) = cac(facts, user, start, end)
    data = report(user, "cac", start, end)
    got = {row["channel"]: (row["spend"], row["new_customers"]) for row in data["rows"]}
    assert got == expected
    assert (data["total"]["spend"], data["total"]["new_customers"]) == (spend, new)
    assert data["total"]["cac"] == ((spend / new).quantize(Decimal("1")) if new else None)
    for row in data["rows"]:
        assert row["cac"] == (
            (row["spend"] / row["new_customers"]).quantize(Decimal("1")) if row["new_customers"] else None
        )


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_nps_per_month_equals_the_hand_computed_score(facts, viewer, start, end):
    user = facts.users[viewer]
    expected, total = nps(facts, user, start, end)
    data = report(user, "nps", start, end)
    got = {row["start"]: {k: row[k] for k in total} for row in data["rows"] if row["answers"]}
    assert total["answers"], "the view must hold answers"
    assert got == expected
    assert data["total"] == total
    # every month the period touches has its row, in order, empty or not
    starts = [row["start"] for row in data["rows"]]
    assert starts == sorted(starts) and starts[0] <= start and len(set(starts)) == len(starts)


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_key_account_potential_equals_the_hand_computed_gap(facts, viewer, start, end):
    user = facts.users[viewer]
    expected = key_accounts(facts, user, end)
    data = report(user, "key-accounts", start, end)
    got = {
        row["company"]: {k: row[k] for k in ("potential", "current", "gap", "reached")}
        for row in data["rows"]
    }
    assert got == expected
    assert data["total"]["potential"] == sum((r["potential"] for r in expected.values()), Decimal(0))
    assert data["total"]["gap"] == sum((r["gap"] for r in expected.values()), Decimal(0))


@pytest.mark.django_db
def test_a_team_filter_narrows_the_customer_figures_to_that_teams_deals(facts):
    user, team = facts.users["admin"], facts.history.teams["south"]
    start, end = PERIODS[1]
    south = [d for d in facts.deals if d["team"] == team.pk]
    bought = [
        d
        for d in south
        if d["status"] == "won"
        and (d["company"] or d["contact"])
        and oracle.within(d["closed_at"], start, end)
    ]
    total = report(user, "customer-value", start, end, team=team.pk)["total"]
    assert (total["purchases"], total["revenue"]) == (len(bought), sum(d["amount"] for d in bought))


@pytest.mark.django_db
@pytest.mark.parametrize("months", [0, 601, "twelve"])
def test_a_months_option_out_of_range_is_refused(facts, months):
    with pytest.raises(ValidationFailed):
        report(facts.users["admin"], "churn", *PERIODS[0], months=months)


@pytest.mark.django_db
def test_reports_that_do_not_take_months_refuse_it(facts):
    with pytest.raises(ValidationFailed):
        report(facts.users["admin"], "nps", *PERIODS[0], months=3)
