"""The A/B report's figures and tests equal the ones computed by hand from the seeded history."""

import datetime as dt
import statistics

import pytest
from django.test import Client
from django.utils import translation

from peyvand.accounts.services import issue_token
from peyvand.analytics.abtest import MIN_CLOSED, MIN_WON, _verdict
from peyvand.analytics.selectors import run_report
from peyvand.analytics.significance import Significance, two_proportion_z, welch_t
from peyvand.core.errors import ValidationFailed
from tests.analytics import oracle
from tests.analytics.dataset_activity import build
from tests.analytics.seeded import module_history

PERIODS = [(dt.date(2026, 3, 21), dt.date(2026, 9, 22)), (dt.date(2025, 12, 1), dt.date(2026, 11, 25))]
VIEWERS = ["admin", "manager_south", "rep_north1"]


history = module_history(build, seed=7)


def reps_of(h, team):
    return [u.pk for name, u in h.users.items() if name.startswith(f"rep_{team}")]


def groups_for(h, mode):
    """The report's options and each group's test on a deal, for two pipelines or the two teams' reps."""
    if mode == "pipelines":
        a, b = (p.pk for p in h.pipelines)
        return {"a": a, "b": b}, {"a": lambda d: d["pipeline"] == a, "b": lambda d: d["pipeline"] == b}
    north, south = reps_of(h, "north"), reps_of(h, "south")
    options = {"a_reps": ",".join(map(str, north)), "b_reps": ",".join(map(str, south))}
    return options, {"a": lambda d: d["owner"] in north, "b": lambda d: d["owner"] in south}


def hand_groups(h, user, start, end, members):
    closed = [
        d
        for d in oracle.visible(h, user)
        if d["status"] in ("won", "lost") and oracle.within(d["closed_at"], start, end)
    ]
    result = {}
    for key, belongs in members.items():
        mine = [d for d in closed if belongs(d)]
        won = [d for d in mine if d["status"] == "won"]
        cycles = [
            (d["closed_at"] - (d["lead_created_at"] or d["created_at"])).total_seconds() / 86400 for d in won
        ]
        sizes = [float(d["amount"]) for d in won]
        result[key] = {"closed": len(mine), "won": len(won), "cycles": cycles, "sizes": sizes, "deals": won}
    return result


def _welch(a, b, name):
    def stats(values):
        return (
            len(values),
            statistics.fmean(values) if values else 0.0,
            statistics.variance(values) if len(values) > 1 else 0.0,
        )

    return welch_t(*stats(a[name]), *stats(b[name]))


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("mode", ["pipelines", "reps"])
def test_ab_figures_and_tests_equal_the_hand_computed_ones(history, viewer, start, end, mode):
    user = history.users[viewer]
    options, members = groups_for(history, mode)
    params = {"start": start, "end": end, **options}
    if mode == "pipelines" and viewer == "rep_north1":
        # the Projects pipeline belongs to the south team: a north rep cannot compare it
        with pytest.raises(ValidationFailed):
            run_report(user, "ab-test", params)
        return
    data = run_report(user, "ab-test", params)["data"]
    hand = hand_groups(history, user, start, end, members)
    a, b = hand["a"], hand["b"]
    for group in data["groups"]:
        facts = hand[group["key"]]
        assert (group["closed"], group["won"]) == (facts["closed"], facts["won"])
        assert group["win_rate"] == oracle.pct(facts["won"], facts["closed"])
        revenue = sum(d["amount"] for d in facts["deals"])
        assert group["average_deal"] == (round(revenue / facts["won"]) if facts["won"] else None)
        if facts["won"]:
            assert abs(group["cycle_days"] - statistics.fmean(facts["cycles"])) <= 0.051

    expected = {
        "win_rate": (two_proportion_z(a["won"], a["closed"], b["won"], b["closed"]), MIN_CLOSED, "closed"),
        "cycle_days": (_welch(a, b, "cycles"), MIN_WON, "won"),
        "average_deal": (_welch(a, b, "sizes"), MIN_WON, "won"),
    }
    rows = {row["measure"]: row for row in data["rows"]}
    assert set(rows) == set(expected)
    for measure, (test, minimum, counted) in expected.items():
        row = rows[measure]
        if test is None:
            assert row["statistic"] is None and row["p_value"] is None
        else:
            assert row["statistic"] == pytest.approx(test.statistic, abs=2e-3)
            assert row["p_value"] == pytest.approx(test.p_value, abs=2e-4)
        enough = min(a[counted], b[counted]) >= minimum
        if not enough or test is None:
            assert row["better"] is None and row["significant"] is False
            continue
        higher_is_better = measure != "cycle_days"
        assert row["better"] == ("b" if (row["b"] > row["a"]) == higher_is_better else "a")
        assert row["significant"] == (test.p_value < 0.05)


@pytest.mark.django_db
def test_the_verdict_is_a_plain_sentence_naming_the_better_group(history):
    options, _members = groups_for(history, "reps")
    with translation.override("en"):
        rows = run_report(
            history.users["admin"], "ab-test", {"start": PERIODS[1][0], "end": PERIODS[1][1], **options}
        )["data"]["rows"]
        win_rate = rows[0]
        assert win_rate["better"] in ("a", "b")
        ending = (
            "the difference is significant at 95 %."
            if win_rate["significant"]
            else "but the difference is not significant at 95 % (it may be chance)."
        )
        assert win_rate["verdict"].startswith(f"{win_rate['better'].upper()} wins more often")
        assert win_rate["verdict"].endswith(ending)


@pytest.mark.django_db
def test_a_short_period_has_not_enough_data_yet(history):
    options, _members = groups_for(history, "reps")
    with translation.override("en"):
        rows = run_report(
            history.users["admin"], "ab-test", {"start": "2026-05-01", "end": "2026-05-07", **options}
        )["data"]["rows"]
    assert all(row["better"] is None for row in rows)
    assert rows[0]["verdict"] == "Not enough data yet: each group needs at least 20 closed deals."
    assert rows[1]["verdict"] == "Not enough data yet: each group needs at least 10 won deals."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "options",
    [
        {"a": "PIPELINE"},
        {"a": "PIPELINE", "b": "PIPELINE"},
        {"a": "PIPELINE", "b": "OTHER", "a_reps": "REP"},
        {"a_reps": "REP", "b_reps": "REP"},
        {"a_reps": "REP"},
        {"a_reps": "REP", "b_reps": "999999"},
    ],
)
def test_groups_that_cannot_be_compared_are_refused(history, options):
    values = {
        "PIPELINE": str(history.pipelines[0].pk),
        "OTHER": str(history.pipelines[1].pk),
        "REP": str(history.users["rep_north0"].pk),
    }
    params = {k: values.get(v, v) for k, v in options.items()}
    with pytest.raises(ValidationFailed):
        run_report(history.users["admin"], "ab-test", {"start": "2026-01-01", "end": "2026-06-30", **params})


@pytest.mark.django_db
def test_without_groups_the_report_says_what_to_choose(history):
    data = run_report(history.users["admin"], "ab-test", {"start": "2026-01-01", "end": "2026-06-30"})["data"]
    assert data["rows"] == [] and data["message"]


@pytest.mark.django_db
def test_the_report_page_compares_the_reps_picked_in_two_lists(history):
    client = Client()
    client.force_login(history.users["admin"])
    client.cookies["django_language"] = "en"
    north, south = reps_of(history, "north"), reps_of(history, "south")
    period = {"start": "2025-12-01", "end": "2026-11-25"}
    page = client.get("/reports/ab-test/", {**period, "a_reps": north, "b_reps": south})
    assert page.status_code == 200
    options = {"a_reps": ",".join(map(str, north)), "b_reps": ",".join(map(str, south))}
    with translation.override("en"):
        data = run_report(history.users["admin"], "ab-test", {**period, **options})["data"]
    assert data["rows"][0]["verdict"] in page.content.decode()


@pytest.mark.django_db
def test_the_api_takes_the_groups_of_reps_as_comma_separated_ids(history):
    admin = history.users["admin"]
    client = Client(headers={"Authorization": f"Bearer {issue_token(user=admin)}"})
    options, _members = groups_for(history, "reps")
    answer = client.get("/api/v1/reports/ab-test", {"start": "2026-01-01", "end": "2026-06-30", **options})
    assert answer.status_code == 200, answer.content
    assert [row["measure"] for row in answer.json()["data"]["rows"]] == [
        "win_rate",
        "cycle_days",
        "average_deal",
    ]
    refused = client.get("/api/v1/reports/outcomes", {"a_reps": options["a_reps"]})
    assert refused.status_code == 422


def test_a_significant_difference_is_said_plainly():
    with translation.override("en"):
        faster = _verdict("cycle_days", Significance(statistic=-3.1, p_value=0.002), 40.0, 25.5, True, "")
        assert faster == {
            "better": "b",
            "significant": True,
            "verdict": "B closes faster; the difference is significant at 95 %.",
        }
        same = _verdict("win_rate", Significance(statistic=0.0, p_value=1.0), 50, 50, True, "")
        assert same["better"] is None and same["verdict"] == "No difference between A and B."
