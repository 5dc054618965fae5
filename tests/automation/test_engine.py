"""The engine's promises: a run is performed once however often it is enqueued, and a run a lost worker left
behind is picked up again."""

import datetime as dt

import pytest
import time_machine

from peyvand.automation import engine
from peyvand.automation.models import RuleRun
from peyvand.core import periodic
from peyvand.sales.services import create_deal
from tests.automation.helpers import make_rule

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


def _queued_run(admin, rep_a):
    rule = make_rule(admin, "created", [{"type": "add_tag", "tag": "seen"}], record_type="deal")
    deal = create_deal(
        actor=rep_a, values={"title": "Fleet"}
    )  # events not delivered: the run is made by hand
    return RuleRun.objects.create(
        rule=rule,
        record_type="deal",
        record_id=deal.pk,
        trigger="created",
        fired_at=START,
        actions=rule.actions,
    ), deal


def test_a_run_is_performed_once_however_often_it_is_enqueued(admin, rep_a, pipeline):
    run, deal = _queued_run(admin, rep_a)
    assert engine.execute(run.pk) is not None
    assert engine.execute(run.pk) is None
    run.refresh_from_db()
    deal.refresh_from_db()
    assert (run.status, run.attempts, deal.version) == ("ok", 1, 2)


def test_a_run_left_queued_or_running_by_a_lost_worker_is_picked_up_again(admin, rep_a, pipeline, run_events):
    with time_machine.travel(START, tick=False):
        queued, deal = _queued_run(admin, rep_a)
        running, _ = _queued_run(admin, rep_a)
    RuleRun.objects.filter(pk=running.pk).update(status="running", started_at=START)

    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False), run_events():
        periodic.run_due(START + dt.timedelta(minutes=5), only="automation-retries")
    assert set(RuleRun.objects.values_list("status", flat=True)) == {
        "queued",
        "running",
    }  # may still be working

    later = START + dt.timedelta(minutes=45)
    with time_machine.travel(later, tick=False), run_events():
        periodic.run_due(later, only="automation-retries")
    assert set(RuleRun.objects.values_list("status", flat=True)) == {"ok"}
