"""Plan completion at today's date, paced by working days, with a controlled clock (Azar 1405: 22 November to
21 December 2026; Fridays 27 Nov, 4, 11 and 18 Dec; a holiday on Monday 30 Nov)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from peyvand.analytics.pacing import pace
from peyvand.core.models import DayShare, Holiday, WorkingWeek
from peyvand.core.workdays import working_days
from peyvand.sales.models import Deal, DealStatus
from peyvand.targets.services import set_target
from tests.factories import make_pipeline

TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
MILLION = Decimal(1_000_000)


def at(day: int, month: int = 11, hour: int = 18) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TEHRAN)


@pytest.fixture
def azar(db, admin, rep_a, settings):
    settings.PEYVAND_CALENDAR = "jalali"
    Holiday.objects.create(date=dt.date(2026, 11, 30), name="Holiday")
    # 30 days − 4 Fridays − 1 holiday = 25 working days: a plan of 25 million asks one million a day.
    set_target(
        actor=admin, user=rep_a.pk, kind="month", year=1405, number=9, amount=25 * MILLION, deals_won=5
    )
    pipeline = make_pipeline()
    won = pipeline.stages.get(kind="won")
    for day, amount in ((23, 2), (25, 2), (29, 3), (1, 4)):
        month = 12 if day == 1 else 11
        Deal.objects.create(
            title=f"won {day}",
            amount=amount * MILLION,
            pipeline=pipeline,
            stage=won,
            status=DealStatus.WON,
            owner=rep_a,
            team=rep_a.team,
            stage_entered_at=at(day, month, 10),
            closed_at=at(day, month, 10),
        )
    return rep_a


def completion(api_for, user):
    response = api_for(user).get("/reports/plan-completion")
    assert response.status_code == 200, response.content
    body = response.json()
    row = next(r for r in body["data"]["rows"] if r["kind"] == "rep")
    return body, row


@pytest.mark.parametrize(
    "now,elapsed,actual",
    [
        (at(26), 5, 4),  # Thursday: Sunday to Thursday worked
        (at(27), 5, 4),  # Friday adds nothing
        (at(29), 7, 7),  # Saturday 28 and Sunday 29 worked
        (at(30), 7, 7),  # the holiday adds nothing
        (at(1, 12), 8, 11),  # Tuesday 1 December
    ],
)
def test_plan_completion_paces_by_working_days_across_a_friday_and_a_holiday(
    azar, api_for, now, elapsed, actual
):
    with time_machine.travel(now, tick=False):
        body, row = completion(api_for, azar)
    assert body["data"]["working_days"] == {"total": 25, "elapsed": elapsed, "remaining": 25 - elapsed}
    assert body["data"]["period"]["as_of"] == now.date().isoformat()
    assert row["plan"] == 25_000_000
    assert row["actual"] == actual * 1_000_000
    assert row["expected"] == elapsed * 1_000_000
    assert row["completion"] == pytest.approx(round(actual / elapsed * 100, 1))
    assert row["reached"] == pytest.approx(round(actual / 25 * 100, 1))
    assert row["needed_per_day"] == round((25 - actual) * 1_000_000 / (25 - elapsed))


def test_a_half_day_thursday_counts_half(azar, api_for):
    WorkingWeek.objects.create(thursday=DayShare.HALF)
    assert working_days(dt.date(2026, 11, 22), dt.date(2026, 12, 21)) == Decimal("23")  # 25 − 4 × ½
    with time_machine.travel(at(26), tick=False):
        body, row = completion(api_for, azar)
    assert body["data"]["working_days"]["elapsed"] == 4.5
    assert row["expected"] == round(25_000_000 / 23 * 4.5)
    assert row["completion"] == pytest.approx(round(4_000_000 / (25_000_000 / 23 * 4.5) * 100, 1))


def test_a_holiday_marked_half_a_day_counts_half(azar):
    Holiday.objects.filter(date=dt.date(2026, 11, 30)).update(share=DayShare.HALF)
    assert working_days(dt.date(2026, 11, 22), dt.date(2026, 12, 21)) == Decimal("25.5")


def test_pace_on_the_last_day_needs_nothing_more_per_day_and_below_plan_is_under_100():
    figures = pace(plan=Decimal(100), actual=Decimal(80), total_days=Decimal(20), elapsed_days=Decimal(20))
    assert figures["completion"] == Decimal("80.0")
    assert figures["needed_per_day"] is None
    assert (
        pace(plan=Decimal(100), actual=Decimal(0), total_days=Decimal(20), elapsed_days=Decimal(0))[
            "completion"
        ]
        is None
    )


def test_a_rep_sees_only_their_own_plan_and_a_manager_their_team(
    azar, api_for, rep_a2, manager_a, rep_b, admin
):
    set_target(actor=admin, user=rep_a2.pk, kind="month", year=1405, number=9, amount=10 * MILLION)
    set_target(actor=admin, user=rep_b.pk, kind="month", year=1405, number=9, amount=10 * MILLION)
    with time_machine.travel(at(26), tick=False):
        rows = api_for(rep_a2).get("/reports/plan-completion").json()["data"]["rows"]
        assert [(r["kind"], r["id"]) for r in rows] == [("rep", rep_a2.pk)]
        assert rows[0]["actual"] == 0
        manager_rows = api_for(manager_a).get("/reports/plan-completion").json()["data"]["rows"]
        assert {r["id"] for r in manager_rows if r["kind"] == "rep"} == {azar.pk, rep_a2.pk}
        total = api_for(manager_a).get("/reports/plan-completion").json()["data"]["total"]
        assert total["plan"] == 35_000_000 and total["actual"] == 4_000_000
