"""The forecast and its back-test equal the figures computed by hand from the seeded history."""

import datetime as dt
from decimal import Decimal

import jdatetime
import pytest

from peyvand.analytics.selectors import run_report
from peyvand.core.errors import ValidationFailed
from tests.analytics import oracle
from tests.analytics.dataset import TZ
from tests.analytics.dataset_activity import build
from tests.analytics.seeded import module_history

VIEWERS = ["admin", "manager_south", "rep_north1"]
PROBABILITY = {"New": 10, "Qualified": 30, "Proposal": 60}


history = module_history(build, seed=7)


def jalali_month(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last Gregorian day of the Jalali month containing ``day``."""
    j = jdatetime.date.fromgregorian(date=day)
    first = jdatetime.date(j.year, j.month, 1).togregorian()
    after = jdatetime.date(j.year + (j.month == 12), j.month % 12 + 1, 1).togregorian()
    return first, after - dt.timedelta(days=1)


def stage_at(h, deal_id, moment=None):
    """Where the deal's last move (before ``moment``) took it."""
    moves = [m for m in h.moves if m.deal == deal_id and (moment is None or m.moved_at < moment)]
    return moves[-1].to_stage if moves else None


def rates(h, user, before=None):
    deals = {
        d["id"]: d
        for d in oracle.visible(h, user)
        if d["status"] in ("won", "lost") and (before is None or d["closed_at"] < before)
    }
    passed: dict = {}
    for move in h.moves:
        if move.deal in deals:
            passed.setdefault(move.to_stage, set()).add(move.deal)
    return {stage: (sum(deals[d]["status"] == "won" for d in ids), len(ids)) for stage, ids in passed.items()}


def weigh(h, deals_by_stage, learnt):
    configured = history = Decimal(0)
    for stage, amount in deals_by_stage.items():
        probability = Decimal(PROBABILITY[h.stages[stage][3]]) / 100
        won, closed = learnt.get(stage, (0, 0))
        configured += amount * probability
        history += amount * (Decimal(won) / closed if closed else probability)
    return round(configured), round(history)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start,end", [(dt.date(2026, 10, 1), dt.date(2027, 2, 28)), (dt.date(2026, 3, 21), dt.date(2027, 6, 30))]
)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_forecast_by_month_equals_the_hand_weighted_pipeline(history, viewer, start, end):
    user = history.users[viewer]
    learnt = rates(history, user)
    data = run_report(user, "forecast", {"start": start, "end": end})["data"]
    months, first = [], start
    while first <= end:
        month_start, month_end = jalali_month(first)
        months.append((max(month_start, start), min(month_end, end)))
        first = month_end + dt.timedelta(days=1)
    assert [(row["start"], row["end"]) for row in data["rows"]] == months
    for row, (first, last) in zip(data["rows"], months, strict=True):
        amounts: dict = {}
        count = 0
        for deal in oracle.visible(history, user):
            if deal["status"] == "open" and first <= history.expected_close[deal["id"]] <= last:
                stage = stage_at(history, deal["id"])
                amounts[stage] = amounts.get(stage, Decimal(0)) + deal["amount"]
                count += 1
        weighted, historical = weigh(history, amounts, learnt)
        assert (row["deals"], row["amount"], row["weighted"], row["historical"]) == (
            count,
            sum(amounts.values(), Decimal(0)),
            weighted,
            historical,
        )
    assert sum(row["deals"] for row in data["rows"]) > 0
    for stage in data["stages"]:
        won, closed = learnt.get(stage["stage"], (0, 0))
        assert (stage["won"], stage["closed"]) == (won, closed)
        assert stage["historical_rate"] == oracle.pct(won, closed)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "end,months", [(dt.date(2026, 11, 21), 6), (dt.date(2026, 11, 25), 3), (dt.date(2026, 8, 1), 4)]
)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_backtest_rebuilds_each_month_from_stage_history_and_compares_with_what_was_won(
    history, viewer, end, months
):
    user = history.users[viewer]
    data = run_report(
        user, "forecast-backtest", {"start": end - dt.timedelta(days=30), "end": end, "months": months}
    )["data"]
    # the last whole month ending by ``end``, and the ones before it
    last_start, last_end = jalali_month(end)
    if last_end > end:
        last_start, last_end = jalali_month(last_start - dt.timedelta(days=1))
    tested = [(last_start, last_end)]
    while len(tested) < months:
        tested.insert(0, jalali_month(tested[0][0] - dt.timedelta(days=1)))
    assert [(row["start"], row["end"]) for row in data["rows"]] == tested

    for row, (first, last) in zip(data["rows"], tested, strict=True):
        since = dt.datetime.combine(first, dt.time.min, tzinfo=TZ)
        after = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=TZ)
        amounts: dict = {}
        count = 0
        for deal in oracle.visible(history, user):
            if deal["created_at"] >= since or (deal["closed_at"] and deal["closed_at"] < since):
                continue
            if not first <= history.expected_close[deal["id"]] <= last:
                continue
            stage = stage_at(history, deal["id"], since)
            if stage is None or history.stages[stage][2] != "open":
                continue
            amounts[stage] = amounts.get(stage, Decimal(0)) + deal["amount"]
            count += 1
        weighted, historical = weigh(history, amounts, rates(history, user, before=since))
        won = [
            d
            for d in oracle.visible(history, user)
            if d["status"] == "won" and since <= d["closed_at"] < after
        ]
        actual = sum((d["amount"] for d in won), Decimal(0))
        assert (row["deals"], row["weighted"], row["historical"]) == (count, weighted, historical)
        assert (row["actual"], row["won_deals"]) == (actual, len(won))
        assert row["weighted_error"] == weighted - actual
        assert row["historical_error"] == historical - actual
        if actual:
            assert row["weighted_error_pct"] == ((weighted - actual) * 100 / actual).quantize(Decimal("0.1"))
        else:
            assert row["weighted_error_pct"] is None
    assert any(row["deals"] for row in data["rows"])


@pytest.mark.django_db
def test_backtest_learns_historical_rates_only_from_deals_closed_before_the_month(history):
    """Rates learnt from all closed deals (a look ahead) would give other forecasts in the seeded history."""
    admin = history.users["admin"]
    rows = run_report(admin, "forecast-backtest", {"end": "2026-11-21", "months": 6})["data"]["rows"]
    hindsight = rates(history, admin)
    differ = 0
    for row in rows:
        since = dt.datetime.combine(row["start"], dt.time.min, tzinfo=TZ)
        amounts: dict = {}
        for deal in oracle.visible(history, admin):
            opened = deal["created_at"] < since and not (deal["closed_at"] and deal["closed_at"] < since)
            stage = stage_at(history, deal["id"], since)
            if opened and row["start"] <= history.expected_close[deal["id"]] <= row["end"] and stage:
                if history.stages[stage][2] == "open":
                    amounts[stage] = amounts.get(stage, Decimal(0)) + deal["amount"]
        differ += weigh(history, amounts, hindsight)[1] != row["historical"]
    assert differ


@pytest.mark.django_db
def test_backtest_refuses_more_than_two_years(history):
    with pytest.raises(ValidationFailed):
        run_report(history.users["admin"], "forecast-backtest", {"months": 25})
