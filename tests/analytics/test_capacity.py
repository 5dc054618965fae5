"""The capacity report equals reps, meetings and wins counted by hand from the seeded history."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from peyvand.accounts.models import Role
from peyvand.analytics.selectors import run_report
from tests.analytics import oracle
from tests.analytics.dataset_activity import build
from tests.analytics.seeded import module_history

PERIODS = [(dt.date(2026, 3, 21), dt.date(2026, 9, 22)), (dt.date(2025, 12, 1), dt.date(2026, 11, 25))]
VIEWERS = ["admin", "manager_south", "rep_north1"]


history = module_history(build, seed=7)


def hand_capacity(h, user, start, end):
    reps: dict = {}
    for person in h.users.values():
        seen = user.is_admin or person.pk == user.pk or (user.is_manager and person.team_id == user.team_id)
        if person.role == Role.SALES_REP and person.is_active and seen:
            reps[person.team_id] = reps.get(person.team_id, 0) + 1
    meetings: dict = {}
    for a in oracle.visible(h, user, h.activities):
        if a["kind"] == "meeting" and not a["deleted"] and oracle.within(a["done_at"], start, end):
            meetings[a["team"]] = meetings.get(a["team"], 0) + 1
    won: dict = {}
    for d in oracle.visible(h, user):
        if d["status"] == "won" and oracle.within(d["closed_at"], start, end):
            won[d["team"]] = won.get(d["team"], 0) + 1
    return reps, meetings, won


def index(value, average):
    return (
        None
        if value is None or not average
        else round(
            Decimal(value.numerator)
            / value.denominator
            * 100
            / (Decimal(average.numerator) / average.denominator),
            1,
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_capacity_equals_the_hand_counted_reps_meetings_and_wins(history, viewer, start, end):
    user = history.users[viewer]
    reps, meetings, won = hand_capacity(history, user, start, end)
    data = run_report(user, "capacity", {"start": start, "end": end})["data"]
    teams = set(reps) | set(meetings) | set(won)
    assert {row["team"] for row in data["rows"]} == teams
    staffed = sum(1 for t in teams if reps.get(t))
    company = {
        "reps": Fraction(sum(reps.values()), staffed),
        "meetings": Fraction(sum(meetings.values()), sum(reps.values())),
        "conversion": Fraction(sum(won.values()), sum(meetings.values())),
    }
    for row in data["rows"]:
        team = row["team"]
        count, met, wins = reps.get(team, 0), meetings.get(team, 0), won.get(team, 0)
        assert (row["reps"], row["meetings"], row["won"]) == (count, met, wins)
        factors = {
            "reps": Fraction(count),
            "meetings": Fraction(met, count) if count else None,
            "conversion": Fraction(wins, met) if met else None,
        }
        if count and met:
            # the identity the report rests on: reps × meetings per rep × won per meeting = won
            assert factors["reps"] * factors["meetings"] * factors["conversion"] == wins
        indices = {name: index(factors[name], company[name]) for name in factors}
        assert {name: row[f"{name}_index"] for name in factors} == indices
        present = {name: value for name, value in indices.items() if value is not None}
        lowest = min(present, key=present.get) if present else None
        assert row["limit"] == (lowest if lowest and present[lowest] < 100 else None)
    assert data["company"]["won"] == sum(won.values())
    assert data["company"]["reps"] == sum(reps.values())


@pytest.mark.django_db
def test_a_rep_sees_a_team_of_one(history):
    rep = history.users["rep_north1"]
    rows = run_report(rep, "capacity", {"start": PERIODS[1][0], "end": PERIODS[1][1]})["data"]["rows"]
    assert [(row["team"], row["reps"]) for row in rows] == [(rep.team_id, 1)]
    # alone, the rep is the company average: nothing limits them against themselves
    assert rows[0]["limit"] is None


@pytest.mark.django_db
def test_the_team_filter_narrows_every_factor(history):
    admin, south = history.users["admin"], history.teams["south"]
    params = {"start": PERIODS[1][0], "end": PERIODS[1][1]}
    everyone = {row["team"]: row for row in run_report(admin, "capacity", params)["data"]["rows"]}
    only = run_report(admin, "capacity", {**params, "team": south.pk})["data"]["rows"]
    assert len(only) == 1
    assert {k: only[0][k] for k in ("reps", "meetings", "won")} == {
        k: everyone[south.pk][k] for k in ("reps", "meetings", "won")
    }
