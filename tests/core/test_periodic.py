import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from peyvand.core import periodic
from peyvand.core.models import PeriodicRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting_job():
    calls = []
    periodic._JOBS["test-counter"] = periodic.Periodic(
        "test-counter", dt.timedelta(minutes=10), lambda now: calls.append(now)
    )
    yield calls
    del periodic._JOBS["test-counter"]


@pytest.fixture
def failing_job():
    def fail(now):
        raise RuntimeError("gateway down")

    periodic._JOBS["test-failing"] = periodic.Periodic("test-failing", dt.timedelta(minutes=1), fail)
    yield
    del periodic._JOBS["test-failing"]


def test_a_job_runs_when_due_and_not_again_before_its_interval(counting_job):
    start = timezone.now()
    periodic.run_due(start, only="test-counter")
    periodic.run_due(start + dt.timedelta(minutes=9), only="test-counter")
    assert len(counting_job) == 1
    periodic.run_due(start + dt.timedelta(minutes=10), only="test-counter")
    assert len(counting_job) == 2
    assert PeriodicRun.objects.get(name="test-counter").next_at == start + dt.timedelta(minutes=20)


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(counting_job, failing_job):
    outcomes = periodic.run_due()
    assert outcomes["test-failing"] == "RuntimeError: gateway down"
    assert outcomes["test-counter"] == "ok"
    assert PeriodicRun.objects.get(name="test-failing").last_error == "RuntimeError: gateway down"


def test_the_worker_in_batch_mode_runs_due_jobs_and_stops(counting_job):
    call_command("worker", batch=True, verbosity=0)
    assert len(counting_job) == 1


def test_the_worker_knows_every_apps_periodic_jobs():
    names = set(periodic.registered())
    assert {"stuck_deals", "activity_reminders", "imports-interrupted", "imports-old-files"} <= names
    assert any(name.startswith("automation") for name in names), names
