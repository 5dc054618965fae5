"""SLA timers in working minutes: due times computed by hand on the business calendar (Asia/Tehran, UTC+3:30).

The week of these tests (December 2026): Wednesday the 9th, Thursday the 10th (a half day here), Friday the
11th (off), Saturday the 12th and Sunday the 13th (working days in Iran), Monday the 14th, Tuesday the 15th. The
policy's day is 08:00 to 16:00 (480 minutes; a half day 08:00 to 12:00).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peyvand.billing.models import BillingProfile, CustomerTier
from peyvand.contacts.models import Company
from peyvand.core.models import Holiday, WorkingWeek
from peyvand.service import sla
from peyvand.service.models import SLAPolicy, SLAState, Ticket, TicketPriority, TicketStatus

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of December 2026 in Tehran, as the aware UTC datetime the database keeps."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=TEHRAN).astimezone(dt.UTC)


@pytest.fixture(autouse=True)
def tehran(settings):
    settings.TIME_ZONE = "Asia/Tehran"
    WorkingWeek.objects.create(thursday="0.5", friday="0")


@pytest.fixture
def policy(db):
    return SLAPolicy.objects.create(
        name="Standard", first_response_minutes=120, resolution_minutes=960, next_response_minutes=240
    )


def ticket_for(owner, **fields) -> Ticket:
    return Ticket.objects.create(owner=owner, team=owner.team, subject="Printer jams", **fields)


def test_a_ticket_opened_on_a_half_day_thursday_afternoon_runs_from_saturday_across_holidays(rep_a, policy):
    Holiday.objects.create(date=dt.date(2026, 12, 13), name="Official holiday", share="0")
    Holiday.objects.create(date=dt.date(2026, 12, 14), name="Half-day holiday", share="0.5")
    ticket = ticket_for(rep_a)
    # 14:00 Thursday: the half day ended at 12:00, Friday is off.
    sla.start(ticket, now=at(10, 14))
    assert ticket.sla_policy == policy and ticket.sla_state == SLAState.OK
    assert ticket.sla_started_at == at(10, 14)
    # 120 minutes: Saturday 08:00 to 10:00.
    assert ticket.first_response_due == at(12, 10)
    # 960 minutes: Saturday 480, Sunday a holiday, Monday a half-day holiday 240, Tuesday 08:00 to 12:00.
    assert ticket.resolution_due == at(15, 12)
    # The warning comes at 75% of the first response's 120 minutes: 30 minutes left, Saturday 09:30.
    assert ticket.sla_next_check == at(12, 9, 30)


def test_working_minute_arithmetic_reads_the_calendar_once_per_chunk(rep_a, policy):
    Holiday.objects.create(date=dt.date(2026, 12, 13), name="Official holiday", share="0")
    calendar = sla.BusinessCalendar()
    with CaptureQueriesContext(connection) as queries:
        due = sla.add_working_minutes(at(9, 9), 480 * 20, policy, calendar=calendar)
        minutes = sla.working_minutes_between(at(9, 9), due, policy, calendar=calendar)
    assert minutes == 480 * 20
    # About 25 days ahead: one chunk of the calendar, the week and the holidays (two queries), not one a day.
    assert len(queries) == 2
    # Wednesday 09:00 to 16:00 (420), Thursday 12:00 end (240): 660 minutes.
    assert sla.working_minutes_between(at(9, 9), at(12, 8), policy) == 660
    # A target ending exactly at a day's end falls due then, not at the next day's start.
    assert sla.add_working_minutes(at(9, 9), 420, policy) == at(9, 16)
    assert sla.add_working_minutes(at(9, 9), 421, policy) == at(10, 8, 1)
    # Before the day starts counts from its start; nothing in a day off.
    assert sla.add_working_minutes(at(11, 10), 60, policy) == at(12, 9)
    assert sla.working_minutes_between(at(11, 8), at(11, 15), policy) == 0


def test_waiting_on_the_customer_pauses_the_clock_over_the_weekend(rep_a, policy):
    ticket = ticket_for(rep_a)
    sla.start(ticket, now=at(9, 9))
    assert ticket.first_response_due == at(9, 11)
    # Wednesday 420 + Thursday 240 = 660; 300 left on Saturday from 08:00.
    assert ticket.resolution_due == at(12, 13)
    sla.on_agent_reply(ticket, now=at(9, 10))
    assert ticket.first_responded_at == at(9, 10)
    assert ticket.first_response_due == at(9, 11)  # kept for the report

    ticket.status = TicketStatus.WAITING_CUSTOMER
    sla.on_status_change(ticket, old_status=TicketStatus.OPEN, now=at(10, 10))
    assert ticket.sla_state == SLAState.PAUSED and ticket.sla_paused_at == at(10, 10)
    # Thursday 10:00 to 12:00 (120) and Saturday 08:00 to 13:00 (300).
    assert ticket.sla_remaining == {"resolution": 420}
    assert ticket.sla_next_check is None
    assert sla.current_state(ticket, now=at(12, 15)) == SLAState.PAUSED

    # The customer answers on Saturday at 11:00: 420 minutes from then, Saturday 300 and Sunday to 10:00.
    ticket.status = TicketStatus.OPEN
    sla.on_status_change(ticket, old_status=TicketStatus.WAITING_CUSTOMER, now=at(12, 11))
    assert ticket.sla_paused_at is None and ticket.sla_remaining == {}
    assert ticket.resolution_due == at(13, 10)
    assert ticket.sla_state == SLAState.OK
    # The warning at 75% of 960: 240 minutes left (Sunday 08:00 to 10:00, Saturday 14:00 to 16:00), 14:00.
    assert ticket.sla_next_check == at(12, 14)
    assert sla.current_state(ticket, now=at(12, 13, 59)) == SLAState.OK
    assert sla.current_state(ticket, now=at(12, 14, 30)) == SLAState.WARNING
    assert sla.current_state(ticket, now=at(13, 10)) == SLAState.BREACHED

    ticket.status = TicketStatus.RESOLVED
    sla.on_status_change(ticket, old_status=TicketStatus.OPEN, now=at(13, 9))
    assert ticket.sla_state == SLAState.MET and ticket.sla_next_check is None
    assert sla.current_state(ticket, now=at(20, 9)) == SLAState.MET


def test_resolving_after_the_due_time_is_a_breach_and_a_reopen_restarts_the_resolution(rep_a, policy):
    ticket = ticket_for(rep_a)
    sla.start(ticket, now=at(9, 9))
    sla.on_agent_reply(ticket, now=at(9, 9, 30))
    ticket.status = TicketStatus.RESOLVED
    sla.on_status_change(ticket, old_status=TicketStatus.OPEN, now=at(12, 14))  # due Saturday 13:00
    assert ticket.sla_state == SLAState.BREACHED

    ticket.status = TicketStatus.REOPENED
    sla.on_status_change(ticket, old_status=TicketStatus.RESOLVED, now=at(14, 8))
    # A fresh 960 minutes from Monday 08:00: Monday and Tuesday whole.
    assert ticket.resolution_due == at(15, 16)
    assert ticket.sla_state == SLAState.OK
    assert ticket.sla_next_check == at(15, 12)  # 240 minutes left


def test_customer_messages_start_the_next_response_and_an_agent_reply_ends_it(rep_a, policy):
    ticket = ticket_for(rep_a)
    sla.start(ticket, now=at(9, 9))
    sla.on_customer_message(ticket, now=at(9, 9, 10))
    assert ticket.next_response_due is None  # the first response target covers it
    sla.on_agent_reply(ticket, now=at(9, 9, 30))
    sla.on_customer_message(ticket, now=at(9, 14))
    # 240 minutes: Wednesday to 16:00 (120), Thursday 08:00 to 10:00.
    assert ticket.next_response_due == at(10, 10)
    sla.on_customer_message(ticket, now=at(9, 15))
    assert ticket.next_response_due == at(10, 10)  # the oldest unanswered message counts
    sla.on_agent_reply(ticket, now=at(9, 15, 30))
    assert ticket.next_response_due is None


def test_the_policy_is_the_first_active_match_by_priority_and_the_customers_tier(rep_a):
    vip = CustomerTier.objects.create(name="VIP")
    company = Company.objects.create(owner=rep_a, team=rep_a.team, name="Pars Co")
    SLAPolicy.objects.create(
        name="Off", position=0, active=False, first_response_minutes=1, resolution_minutes=1
    )
    urgent = SLAPolicy.objects.create(
        name="Urgent",
        position=1,
        priority=TicketPriority.URGENT,
        first_response_minutes=30,
        resolution_minutes=240,
    )
    for_vip = SLAPolicy.objects.create(
        name="VIP", position=2, customer_tier=vip, first_response_minutes=60, resolution_minutes=480
    )
    anyone = SLAPolicy.objects.create(
        name="Any", position=3, first_response_minutes=240, resolution_minutes=1440
    )

    assert sla.choose_policy(ticket_for(rep_a, priority=TicketPriority.URGENT)) == urgent
    assert sla.choose_policy(ticket_for(rep_a, company=company)) == anyone
    BillingProfile.objects.create(company=company, tier=vip)
    assert sla.choose_policy(ticket_for(rep_a, company=company)) == for_vip
    SLAPolicy.objects.all().delete()
    ticket = ticket_for(rep_a)
    sla.start(ticket, now=at(9, 9))
    assert ticket.sla_policy is None and ticket.sla_state == SLAState.NONE and ticket.resolution_due is None
    assert sla.current_state(ticket, now=at(9, 9)) == SLAState.NONE


def test_raising_the_priority_moves_to_the_urgent_policy_keeping_the_minutes_already_used(rep_a, policy):
    SLAPolicy.objects.filter(pk=policy.pk).update(position=10)
    policy.refresh_from_db()
    urgent = SLAPolicy.objects.create(
        name="Urgent",
        position=1,
        priority=TicketPriority.URGENT,
        first_response_minutes=30,
        resolution_minutes=240,
        next_response_minutes=60,
    )
    ticket = ticket_for(rep_a)
    sla.start(ticket, now=at(9, 9))  # Wednesday 09:00, the standard policy
    assert ticket.sla_policy == policy and ticket.first_response_due == at(9, 11)
    # An hour later it is raised to urgent: 60 of its minutes are used, so the 30-minute response fell due at
    # 09:30; the resolution is due 240 - 60 = 180 minutes on: 13:00.
    ticket.priority = TicketPriority.URGENT
    sla.on_terms_change(ticket, now=at(9, 10))
    assert ticket.sla_policy == urgent
    assert ticket.first_response_due == at(9, 9, 30) and ticket.resolution_due == at(9, 13)
    assert sla.current_state(ticket, now=at(9, 10, 1)) == SLAState.BREACHED
    # Lowered back, the standard spans return with the hour and a minute used: 120 - 61 and 960 - 61 minutes.
    ticket.priority = TicketPriority.NORMAL
    sla.on_terms_change(ticket, now=at(9, 10, 1))
    assert ticket.sla_policy == policy
    assert ticket.first_response_due == at(9, 11)
    # Back over a day off: 40 working minutes before Saturday 08:10 is Thursday (a half day) 11:30.
    assert sla.subtract_working_minutes(at(12, 8, 10), 40, policy) == at(10, 11, 30)
    # 899 minutes from Wednesday 10:01: Wednesday to 16:00 359, Thursday 240, Saturday 300 → Saturday 13:00.
    assert ticket.resolution_due == at(12, 13)


def test_a_priority_change_while_waiting_on_the_customer_resizes_what_is_kept(rep_a, policy):
    SLAPolicy.objects.filter(pk=policy.pk).update(position=10)
    SLAPolicy.objects.create(
        name="Low",
        position=1,
        priority=TicketPriority.LOW,
        first_response_minutes=240,
        resolution_minutes=1440,
    )
    ticket = ticket_for(rep_a)
    sla.start(ticket, now=at(9, 9))
    ticket.status = TicketStatus.WAITING_CUSTOMER
    sla.on_status_change(ticket, old_status=TicketStatus.NEW, now=at(9, 10))
    assert ticket.sla_remaining == {"first_response": 60, "resolution": 900}
    ticket.priority = TicketPriority.LOW
    sla.on_terms_change(ticket, now=at(12, 9))
    assert ticket.sla_paused_at == at(9, 10) and ticket.sla_state == SLAState.PAUSED
    assert ticket.sla_remaining == {"first_response": 180, "resolution": 1380}


def test_the_services_rerun_the_sla_when_the_priority_changes_and_not_otherwise(agent_a, policy):
    from peyvand.service import services_tickets

    SLAPolicy.objects.filter(pk=policy.pk).update(position=10)

    SLAPolicy.objects.create(
        name="Urgent",
        position=1,
        priority=TicketPriority.URGENT,
        first_response_minutes=30,
        resolution_minutes=240,
    )
    ticket = services_tickets.create_ticket(actor=agent_a, values={"subject": "Server down"})
    assert ticket.sla_policy == policy
    ticket = services_tickets.update_ticket(
        actor=agent_a, ticket=ticket, version=ticket.version, values={"subject": "Down!"}
    )
    assert ticket.sla_policy == policy
    ticket = services_tickets.update_ticket(
        actor=agent_a, ticket=ticket, version=ticket.version, values={"priority": TicketPriority.URGENT}
    )
    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "Urgent" and ticket.first_response_due < ticket.resolution_due
