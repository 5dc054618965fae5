"""The database's figures equal the ones computed by hand from the same seeded history (SQLite and PostgreSQL)."""

import datetime as dt

import pytest

from peyvand.analytics.selectors import run_report
from tests.analytics import oracle
from tests.analytics.dataset import build
from tests.analytics.seeded import module_history

PERIODS = [(dt.date(2026, 3, 21), dt.date(2026, 9, 22)), (dt.date(2025, 12, 1), dt.date(2026, 11, 25))]
VIEWERS = ["admin", "manager_south", "rep_north1"]


history = module_history(build, seed=7)


def report(user, name, start, end, **params):
    return run_report(user, name, {"start": start, "end": end, **params})["data"]


def _close(a, b, tolerance=0.051):
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tolerance


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("by", [None, "rep", "team", "region", "pipeline", "channel", "audience", "customer"])
def test_outcomes_equal_the_hand_computed_figures(history, viewer, start, end, by):
    user = history.users[viewer]
    expected = oracle.outcomes(history, user, start, end, by)
    rows = report(user, "outcomes", start, end, **({"by": by} if by else {}))["rows"]
    got = {
        row["group"] if by else None: {k: row[k] for k in expected.get(row.get("group"), row)} for row in rows
    }
    assert expected, "the seeded history must give this view something to count"
    assert got == expected


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("pipeline_index", [0, 1])
def test_funnel_equals_the_hand_computed_funnel(history, viewer, start, end, pipeline_index):
    user = history.users[viewer]
    pipeline = history.pipelines[pipeline_index]
    if pipeline.team_id and not user.is_admin and user.team_id != pipeline.team_id:
        # another team's pipeline is not found, so nothing of it is counted
        assert report(user, "funnel", start, end, pipeline=pipeline.pk) == {
            "pipeline": None,
            "columns": [],
            "rows": [],
            "cohort": 0,
        }
        return
    cohort, reached = oracle.funnel(history, user, start, end, pipeline.pk)
    data = report(user, "funnel", start, end, pipeline=pipeline.pk)
    assert data["cohort"] == cohort
    assert [row["reached"] for row in data["rows"]] == reached
    assert data["rows"][0]["from_start"] == oracle.pct(reached[0], cohort)
    assert [row["to_next"] for row in data["rows"][:-1]] == [
        oracle.pct(b, a) for a, b in zip(reached, reached[1:], strict=False)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_days_in_stage_equal_the_hand_computed_average_and_median(history, viewer, start, end):
    user = history.users[viewer]
    pipeline = history.pipelines[0]
    expected = oracle.stage_time(history, user, start, end, pipeline.pk)
    rows = report(user, "stage-time", start, end, pipeline=pipeline.pk)["rows"]
    assert {row["stage"] for row in rows} == set(expected)
    for row in rows:
        moves, average, median = expected[row["stage"]]
        assert row["moves"] == moves
        assert _close(row["average_days"], average)
        assert _close(row["median_days"], median)


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("by", [None, "rep", "pipeline", "channel", "month"])
def test_sales_cycle_equals_the_hand_computed_average_and_median(history, viewer, start, end, by):
    user = history.users[viewer]
    expected = oracle.sales_cycle(history, user, start, end, by)
    rows = report(user, "sales-cycle", start, end, **({"by": by} if by else {}))["rows"]
    assert {row["group"] for row in rows} == set(expected)
    for row in rows:
        deals, average, median = expected[row["group"]]
        assert row["deals"] == deals
        assert _close(row["average_days"], average)
        assert _close(row["median_days"], median)


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("pipeline_index", [0, 1])
def test_pipeline_by_stage_equals_the_open_deals_counted_by_hand(history, viewer, pipeline_index):
    user = history.users[viewer]
    pipeline = history.pipelines[pipeline_index]
    data = report(user, "pipeline", *PERIODS[0], pipeline=pipeline.pk)
    if pipeline.team_id and not user.is_admin and user.team_id != pipeline.team_id:
        assert data["rows"] == []
        return
    expected = oracle.pipeline_now(history, user, pipeline.pk)
    got = {r["stage"]: {k: r[k] for k in ("deals", "amount", "weighted")} for r in data["rows"] if r["deals"]}
    assert got == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start,end", [(dt.date(2026, 3, 21), dt.date(2026, 9, 22)), (dt.date(2026, 6, 22), dt.date(2026, 7, 22))]
)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_plan_versus_actual_equals_the_hand_computed_sums(history, viewer, start, end):
    user = history.users[viewer]
    expected = oracle.plan_vs_actual(history, user, start, end)
    rows = report(user, "plan-vs-actual", start, end)["rows"]
    got = {
        (r["kind"], r["id"]): {k: r[k] for k in ("plan", "actual", "deals_plan", "deals_won")} for r in rows
    }
    assert got == expected
    assert any(r["plan"] for r in rows)


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_monthly_trend_equals_the_hand_computed_months(history, viewer, start, end):
    user = history.users[viewer]
    expected = oracle.monthly_trend(history, user, start, end)
    rows = report(user, "monthly-trend", start, end)["rows"]
    got = [{k: (dt.date.fromisoformat(r[k]) if k == "month" else r[k]) for k in expected[0]} for r in rows]
    assert got == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "as_of", [dt.date(2026, 3, 25), dt.date(2026, 6, 5), dt.date(2026, 11, 24), dt.date(2026, 11, 25)]
)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_plan_completion_equals_the_hand_paced_figures(history, viewer, as_of):
    user = history.users[viewer]
    total, elapsed, expected = oracle.plan_completion(history, user, as_of)
    data = run_report(user, "plan-completion", {"as_of": as_of.isoformat()})["data"]
    assert data["working_days"]["total"] == total and data["working_days"]["elapsed"] == elapsed
    keys = ("plan", "actual", "expected", "completion", "reached")
    got = {(r["kind"], r["id"]): {k: r[k] for k in keys} for r in data["rows"]}
    assert got == expected


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("by", ["channel", "month"])
def test_lead_quality_equals_the_hand_computed_figures(history, viewer, start, end, by):
    user = history.users[viewer]
    expected = oracle.lead_quality(history, user, start, end, by)
    rows = report(user, "lead-quality", start, end, by=by)["rows"]
    key = (lambda r: dt.date.fromisoformat(r["group"])) if by == "month" else (lambda r: r["group"])
    got = {
        key(r): {
            k: r[k]
            for k in (
                "leads",
                "average_score",
                "cold",
                "warm",
                "hot",
                "qualified_share",
                "qualified_conversion",
                "unqualified_conversion",
            )
        }
        for r in rows
        if r["leads"]
    }
    assert expected and got == expected
