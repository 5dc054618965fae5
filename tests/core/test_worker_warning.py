"""The header warns administrators, and only them, when no background worker has been seen for a few minutes."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from peyvand.core import periodic
from peyvand.core.models import PeriodicRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _header(user, language="en") -> str:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get("/").content.decode()


def _seen(ago: dt.timedelta) -> None:
    now = timezone.now()
    PeriodicRun.objects.update_or_create(
        name=periodic.HEARTBEAT, defaults={"next_at": now, "started_at": now - ago}
    )


def test_no_worker_ever_seen_warns_the_administrator(admin):
    assert "No background worker has been seen yet" in _header(admin)


def test_a_worker_silent_for_minutes_is_named_with_the_minutes(admin):
    _seen(dt.timedelta(minutes=12, seconds=5))
    page = _header(admin)
    assert (
        "No background worker has been seen for 12 minutes: imports, reminders and automation are waiting"
        in page
    )
    assert "۱۲ دقیقه" in _header(admin, "fa")


def test_a_running_worker_and_other_roles_see_no_warning(admin, rep_a, manager_a):
    _seen(dt.timedelta(minutes=1))
    assert "worker-warning" not in _header(admin)
    cache.clear()
    PeriodicRun.objects.all().delete()
    assert "worker-warning" not in _header(rep_a)
    assert "worker-warning" not in _header(manager_a)


def test_the_worker_records_its_heartbeat(admin):
    from django.core.management import call_command

    call_command("worker", batch=True, verbosity=0)
    assert periodic.worker_last_seen() is not None
    assert "worker-warning" not in _header(admin)
