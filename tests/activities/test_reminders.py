"""Reminders of tasks, meetings and calls (peyvand/activities/reminders.py, periodic.py): sent once each, in the
app and by e-mail, when their time comes; armed again when the due time moves; never for done activities."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client

from peyvand.activities.models import Activity
from peyvand.activities.reminders import due_reminders, reminder_key
from peyvand.activities.services import complete_activity, create_activity, update_activity
from peyvand.core import periodic
from peyvand.core.records import delete_record
from peyvand.notifications.models import Notification
from tests.fixtures import ApiClient

pytestmark = pytest.mark.django_db

JOB = "activity_reminders"
DUE = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


def browser_for(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def rep(rep_a):
    rep_a.email = "rep_a@example.com"
    rep_a.save()
    return rep_a


@pytest.fixture
def run_job(django_capture_on_commit_callbacks):
    """Run the reminders job as the worker would at ``now`` (e-mails go out after commit)."""

    def run(now):
        with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
            outcome = periodic.run_due(now, only=JOB)
        assert outcome == {JOB: "ok"}, outcome

    return run


def _meeting(owner, due=DUE, reminders=(10, 60), **values):
    with time_machine.travel(due - dt.timedelta(days=3), tick=False):
        return create_activity(
            actor=owner,
            values={
                "kind": "meeting",
                "subject": "Demo at Pars",
                "due_at": due,
                "reminders": list(reminders),
                **values,
            },
        )


def test_each_reminder_is_sent_once_in_the_app_and_by_email_when_its_time_comes(rep, run_job):
    meeting = _meeting(rep)

    run_job(DUE - dt.timedelta(minutes=61))  # nothing due yet
    assert mail.outbox == []
    run_job(DUE - dt.timedelta(minutes=60))
    run_job(DUE - dt.timedelta(minutes=59))  # the worker's next ticks send nothing again
    run_job(DUE - dt.timedelta(minutes=30))
    assert len(mail.outbox) == 1
    run_job(DUE - dt.timedelta(minutes=10))
    run_job(DUE - dt.timedelta(minutes=9))

    assert [m.to for m in mail.outbox] == [["rep_a@example.com"], ["rep_a@example.com"]]
    assert all("Demo at Pars" in m.subject for m in mail.outbox)
    assert f"/activities/{meeting.pk}/" in mail.outbox[0].body
    notes = Notification.objects.filter(recipient=rep, kind="reminder").order_by("id")
    assert [n.key for n in notes] == [reminder_key(meeting, 60), reminder_key(meeting, 10)]
    assert notes[0].url == f"/activities/{meeting.pk}/"


def test_moving_the_due_time_arms_the_reminders_again_for_the_new_time(rep, run_job):
    meeting = _meeting(rep, reminders=[10])
    run_job(DUE - dt.timedelta(minutes=10))
    assert len(mail.outbox) == 1

    later = DUE + dt.timedelta(days=1)
    with time_machine.travel(DUE - dt.timedelta(minutes=5), tick=False):
        meeting = update_activity(
            actor=rep, activity=meeting, version=meeting.version, values={"due_at": later}
        )
    run_job(DUE - dt.timedelta(minutes=4))  # the old time's reminder is not sent again
    assert len(mail.outbox) == 1
    run_job(later - dt.timedelta(minutes=10))
    run_job(later - dt.timedelta(minutes=9))

    assert len(mail.outbox) == 2
    assert Notification.objects.filter(kind="reminder").count() == 2


def test_no_reminder_for_a_done_or_deleted_activity(rep, rep_a2, run_job):
    done = _meeting(rep, subject="Done already")
    complete_activity(actor=rep, activity=done, version=done.version)
    deleted = _meeting(rep, subject="Called off")
    delete_record(deleted, actor=rep)

    run_job(DUE - dt.timedelta(minutes=60))
    run_job(DUE - dt.timedelta(minutes=10))

    assert mail.outbox == []
    assert not Notification.objects.filter(kind="reminder").exists()


def test_a_late_worker_sends_one_reminder_not_a_burst_and_none_after_the_activity_is_over(rep, run_job):
    _meeting(rep, reminders=[10, 60, 1440])

    run_job(DUE - dt.timedelta(minutes=5))  # the worker was down since the day before
    assert len(mail.outbox) == 1
    assert Notification.objects.get(kind="reminder").key.split(":")[2] == "10"

    _meeting(rep, subject="Yesterday's call", due=DUE - dt.timedelta(hours=2), reminders=[10])
    run_job(DUE)
    assert len(mail.outbox) == 1


def test_a_reminder_at_the_due_time_is_sent_at_that_time(rep, run_job):
    _meeting(rep, reminders=[0])
    run_job(DUE - dt.timedelta(minutes=1))
    assert mail.outbox == []
    run_job(DUE + dt.timedelta(seconds=30))
    assert len(mail.outbox) == 1


def test_only_the_owner_is_reminded_and_notes_and_emails_get_no_reminders(rep, manager_a, run_job):
    _meeting(rep)
    create_activity(actor=rep, values={"kind": "note", "subject": "A note", "due_at": DUE, "reminders": [10]})
    run_job(DUE - dt.timedelta(minutes=10))
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["rep_a"]
    assert [r for r in due_reminders(DUE - dt.timedelta(minutes=10))] == []


def test_reminders_are_set_and_read_through_the_api_sorted_and_without_repeats(rep):
    api = ApiClient(rep)
    created = api.post(
        "/activities",
        {"subject": "Call Sara", "kind": "call", "due_at": "2026-11-26T10:00:00Z", "reminders": [60, 10, 60]},
    )
    assert created.status_code == 201, created.content
    assert created.json()["reminders"] == [10, 60]

    changed = api.patch(
        f"/activities/{created.json()['id']}", {"version": created.json()["version"], "reminders": [1440]}
    )
    assert changed.json()["reminders"] == [1440]
    audit = api.get(f"/activities/{created.json()['id']}/audit").json()
    assert audit[0]["changes"]["reminders"] == [[10, 60], [1440]]


@pytest.mark.parametrize(
    "reminders",
    [[-5], [30 * 24 * 60 + 1], ["10"], [True], list(range(11)), "10"],
    ids=["negative", "beyond-30-days", "text", "boolean", "eleven", "not-a-list"],
)
def test_the_api_refuses_reminders_that_are_not_minutes_in_range(rep, reminders):
    response = ApiClient(rep).post("/activities", {"subject": "Call", "reminders": reminders})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("reminders")


def test_the_activity_form_offers_reminders_and_keeps_one_set_through_the_api(rep):
    client = browser_for(rep)
    response = client.post(
        "/activities/new/",
        {
            "kind": "task",
            "subject": "Send the quote",
            "due_at": "2026-11-26 10:00",
            "reminders": ["10", "1440"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Activity.objects.get(subject="Send the quote")
    assert task.reminders == [10, 1440]

    task = update_activity(actor=rep, activity=task, version=task.version, values={"reminders": [45, 10]})
    form = client.get(f"/activities/{task.pk}/edit/").content.decode()
    assert "45 minutes before" in form and "1 day before" in form
    response = client.post(
        f"/activities/{task.pk}/edit/",
        {"version": task.version, "kind": "task", "subject": "Send the quote", "reminders": ["45", "60"]},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.reminders == [45, 60]


def test_demo_reminders_go_to_upcoming_open_activities_only(rep, rep_a2):
    from peyvand.demo import reminders as demo_calendar

    with time_machine.travel(DUE - dt.timedelta(days=1), tick=False):
        upcoming = [
            create_activity(actor=rep, values={"kind": "meeting", "subject": f"Meeting {n}", "due_at": DUE})
            for n in range(10)
        ]
        past = create_activity(
            actor=rep, values={"kind": "call", "subject": "Past", "due_at": DUE - dt.timedelta(days=2)}
        )
        theirs = create_activity(actor=rep_a2, values={"kind": "task", "subject": "Theirs", "due_at": DUE})

        count = demo_calendar.load([rep])

    with_reminders = Activity.objects.exclude(reminders=[])
    assert 0 < count == with_reminders.count() <= len(upcoming)
    assert past not in with_reminders and theirs not in with_reminders
    assert all(set(a.reminders) <= {10, 15, 30, 60, 1440} for a in with_reminders)
