"""The SLA job: warnings and breaches marked, announced and escalated exactly once, reading only due tickets."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peyvand.accounts.models import Role
from peyvand.automation.models import RuleRun
from peyvand.core import events, periodic
from peyvand.core.models import WorkingWeek
from peyvand.notifications.models import Notification
from peyvand.service import sla
from peyvand.service.models import SLAPolicy, SLAState, Ticket, TicketStatus
from peyvand.service.periodic import SLA_JOB, check_sla
from tests.factories import UserFactory

TEHRAN = ZoneInfo("Asia/Tehran")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=TEHRAN).astimezone(dt.UTC)


@pytest.fixture
def calendar(db, settings):
    settings.TIME_ZONE = "Asia/Tehran"
    WorkingWeek.objects.create(thursday="0.5", friday="0")
    return SLAPolicy.objects.create(name="Standard", first_response_minutes=120, resolution_minutes=960)


def opened(owner, now: dt.datetime, **fields) -> Ticket:
    ticket = Ticket(owner=owner, team=owner.team, subject="Printer jams", status=TicketStatus.OPEN, **fields)
    sla.start(ticket, now=now)
    ticket.save()
    return ticket


@pytest.fixture
def heard():
    got: list[tuple[str, int, str]] = []

    def warning(sender, ticket, target, **kwargs):
        got.append(("warning", ticket.pk, target))

    def breached(sender, ticket, target, **kwargs):
        got.append(("breached", ticket.pk, target))

    events.ticket_sla_warning.connect(warning)
    events.ticket_sla_breached.connect(breached)
    yield got
    events.ticket_sla_warning.disconnect(warning)
    events.ticket_sla_breached.disconnect(breached)


@pytest.mark.django_db
def test_a_warning_then_a_breach_are_each_announced_once_to_the_owner_and_the_managers(
    calendar, rep_a, manager_a, rep_b, django_capture_on_commit_callbacks, heard
):
    ticket = opened(rep_a, at(9, 9))  # first response due Wednesday 11:00, warned at 10:30
    quiet = opened(rep_b, at(9, 9, 45))  # warned at 11:15
    with django_capture_on_commit_callbacks(execute=True):
        assert check_sla(at(9, 10, 29)) == 0
    assert not Notification.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert check_sla(at(9, 10, 31)) == 1
        assert check_sla(at(9, 10, 32)) == 0
    ticket.refresh_from_db()
    assert ticket.response_warned_at == at(9, 10, 31) and ticket.sla_state == SLAState.WARNING
    assert ticket.response_breached_at is None
    assert ticket.sla_next_check == at(9, 11)  # the breach comes next
    assert sorted(n.recipient.username for n in Notification.objects.all()) == ["manager_a", "rep_a"]
    assert heard == [("warning", ticket.pk, "first_response")]

    with django_capture_on_commit_callbacks(execute=True):
        assert check_sla(at(9, 11, 5)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert check_sla(at(9, 11, 10)) == 0
    ticket.refresh_from_db()
    assert ticket.response_breached_at == at(9, 11, 5) and ticket.sla_state == SLAState.BREACHED
    # The resolution's warning is next: due Saturday 13:00 (Wednesday 420, Thursday 240, Saturday 300 minutes),
    # 240 minutes left at Saturday 09:00.
    assert ticket.sla_next_check == at(12, 9)
    # The other ticket's warning (11:15) has not come.
    assert heard == [("warning", ticket.pk, "first_response"), ("breached", ticket.pk, "first_response")]
    assert Ticket.objects.get(pk=quiet.pk).response_warned_at is None
    titles = sorted(n.text_title() for n in Notification.objects.filter(recipient=rep_a))
    assert titles == [
        f"Ticket #{ticket.pk}: the response is due soon",
        f"Ticket #{ticket.pk}: the response is overdue",
    ]


@pytest.mark.django_db
def test_the_worker_runs_the_job_and_a_paused_or_answered_ticket_is_left_alone(
    calendar, rep_a, django_capture_on_commit_callbacks, heard
):
    answered = opened(rep_a, at(9, 9))
    sla.on_agent_reply(answered, now=at(9, 9, 30))
    answered.save()
    waiting = opened(rep_a, at(9, 9))
    waiting.status = TicketStatus.WAITING_CUSTOMER
    sla.on_status_change(waiting, old_status=TicketStatus.OPEN, now=at(9, 9, 30))
    waiting.save()
    late = opened(rep_a, at(9, 9))
    with time_machine.travel(at(9, 12), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert periodic.run_due(only=SLA_JOB) == {SLA_JOB: "ok"}
    assert heard == [("breached", late.pk, "first_response")]  # the warning is implied by the breach
    late.refresh_from_db()
    assert late.response_warned_at is None and late.sla_state == SLAState.BREACHED


@pytest.mark.django_db
def test_the_job_reads_only_the_due_tickets_in_as_many_queries_for_one_as_for_many(
    calendar, rep_a, rep_a2, manager_a, django_capture_on_commit_callbacks
):
    for _ in range(30):
        opened(rep_a, at(9, 9))  # warned at 10:30
    one = opened(rep_a, at(9, 8))  # warned at 09:30
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as first:
        assert check_sla(at(9, 9, 35)) == 1
    many = [opened(owner, at(9, 8, 10)) for owner in (rep_a, rep_a2) * 3]  # warned at 09:40
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as second:
        assert check_sla(at(9, 9, 45)) == 6
    reads = [q["sql"] for q in second if q["sql"].startswith("SELECT") and '"service_ticket"' in q["sql"]]
    assert len(reads) == 1 and "sla_next_check" in reads[0]  # the due ones only, through the index's columns
    assert len(second) == len(first)
    assert Ticket.objects.get(pk=one.pk).response_warned_at == at(9, 9, 35)
    assert all(
        t.response_warned_at == at(9, 9, 45) for t in Ticket.objects.filter(pk__in=[t.pk for t in many])
    )
    # The owner and the team's manager, each once per ticket.
    assert Notification.objects.filter(recipient=manager_a).count() == 7


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_escalate_a_breach_once(calendar, rep_a, manager_a):
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once need PostgreSQL")
    tickets = [opened(rep_a, at(9, 9)) for _ in range(5)]
    barrier = threading.Barrier(2)
    counts: list[int] = []
    heard: list[int] = []
    events.ticket_sla_breached.connect(handler := lambda sender, ticket, **kw: heard.append(ticket.pk))

    def worker():
        try:
            barrier.wait()
            counts.append(check_sla(at(9, 11, 30)))
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        events.ticket_sla_breached.disconnect(handler)
    assert sum(counts) == 5
    assert sorted(heard) == sorted(t.pk for t in tickets)
    for ticket in tickets:
        assert Notification.objects.filter(recipient=rep_a, key__contains=f":{ticket.pk}:").count() == 1
    assert Notification.objects.filter(recipient=manager_a).count() == 5


@pytest.mark.django_db
def test_a_breach_fires_the_automation_trigger_and_a_rule_can_escalate(
    calendar, admin, rep_a, django_capture_on_commit_callbacks
):
    from tests.automation.helpers import make_rule

    senior = UserFactory(username="senior", role=Role.SUPPORT_AGENT, team=rep_a.team)
    make_rule(
        admin,
        "ticket_sla_breached",
        [
            {"type": "update_field", "field": "priority", "value": "urgent"},
            {"type": "assign_owner", "user": senior.pk},
        ],
        record_type="ticket",
    )
    late = opened(rep_a, at(9, 9))
    with django_capture_on_commit_callbacks(execute=True):
        check_sla(at(9, 12))
    with django_capture_on_commit_callbacks(execute=True):
        check_sla(at(9, 12, 5))
    late.refresh_from_db()
    assert late.priority == "urgent" and late.owner == senior
    assert RuleRun.objects.count() == 1
