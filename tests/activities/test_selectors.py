"""Reads of activities (peyvand/activities/selectors.py): the user's own open tasks, overdue and due today."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from peyvand.activities.selectors import my_open_tasks
from peyvand.activities.services import complete_activity, create_activity
from peyvand.core.records import delete_record

pytestmark = pytest.mark.django_db

TEHRAN = ZoneInfo("Asia/Tehran")
# 18:00 in Tehran on 1404/03/11; the local day ends at 23:59:59 Tehran time, 20:29:59 UTC.
NOW = dt.datetime(2025, 6, 1, 18, 0, tzinfo=TEHRAN)


def _task(owner, subject, due_at, **values):
    return create_activity(
        actor=owner, values={"subject": subject, "kind": "task", "due_at": due_at, **values}
    )


def _subjects(queryset):
    return [a.subject for a in queryset]


def test_my_open_tasks_are_my_overdue_and_todays_undone_tasks_each_in_due_order(rep_a, rep_a2):
    _task(rep_a, "last week", NOW - dt.timedelta(days=7))
    _task(rep_a, "this morning", NOW.replace(hour=9))
    _task(rep_a, "tonight", NOW.replace(hour=22))
    _task(rep_a, "in an hour", NOW + dt.timedelta(hours=1))
    _task(rep_a, "tomorrow", NOW + dt.timedelta(days=1))
    _task(rep_a, "done yesterday", NOW - dt.timedelta(days=1), done=True)
    _task(rep_a, "done tonight", NOW.replace(hour=21), done=True)
    _task(rep_a, "no due date", None)
    _task(rep_a2, "teammate's overdue", NOW - dt.timedelta(days=1))
    _task(rep_a2, "teammate's today", NOW.replace(hour=20))

    tasks = my_open_tasks(rep_a, now=NOW)

    assert _subjects(tasks["overdue"]) == ["last week", "this morning"]
    assert _subjects(tasks["today"]) == ["in an hour", "tonight"]


def test_today_ends_at_midnight_in_the_users_time_zone_not_in_utc(rep_a):
    _task(rep_a, "23:59 Tehran", dt.datetime(2025, 6, 1, 23, 59, tzinfo=TEHRAN))
    _task(rep_a, "00:01 Tehran next day", dt.datetime(2025, 6, 2, 0, 1, tzinfo=TEHRAN))

    tasks = my_open_tasks(rep_a, now=NOW.astimezone(dt.UTC))

    assert _subjects(tasks["today"]) == ["23:59 Tehran"]


def test_an_admin_or_manager_gets_only_their_own_tasks_not_everyone_they_can_see(admin, manager_a, rep_a):
    _task(rep_a, "rep's overdue", NOW - dt.timedelta(days=1))
    _task(manager_a, "manager's overdue", NOW - dt.timedelta(days=2))

    for user, expected in ((admin, []), (manager_a, ["manager's overdue"])):
        tasks = my_open_tasks(user, now=NOW)
        assert _subjects(tasks["overdue"]) == expected
        assert _subjects(tasks["today"]) == []


def test_a_deleted_task_is_not_an_open_task(rep_a):
    task = _task(rep_a, "deleted", NOW - dt.timedelta(days=1))
    delete_record(task, actor=rep_a)

    tasks = my_open_tasks(rep_a, now=NOW)

    assert _subjects(tasks["overdue"]) == []


def test_a_task_marked_done_leaves_my_open_tasks(rep_a):
    task = _task(rep_a, "call back", NOW - dt.timedelta(hours=2))
    complete_activity(actor=rep_a, activity=task, version=task.version)

    assert _subjects(my_open_tasks(rep_a, now=NOW)["overdue"]) == []


def test_without_a_now_the_current_time_is_used(rep_a):
    _task(rep_a, "an hour ago", timezone.now() - dt.timedelta(hours=1))

    assert _subjects(my_open_tasks(rep_a)["overdue"]) == ["an hour ago"]
