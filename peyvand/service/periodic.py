"""Jobs of the service desk that the worker runs on a schedule: SLA warnings and breaches.

Each ticket keeps the next moment the job has something to do for it (``sla_next_check``, worked out by
``sla.py`` whenever its timers change), so a run reads only the tickets whose moment has come, through the
partial index ``ticket_sla_next_check``, however many tickets are open.

Each warning and breach is marked by a conditional UPDATE (``… WHERE response_breached_at IS NULL``): of two
workers, or a run repeated after a crash, only the one whose UPDATE changed the row notifies and sends the event;
the notification's key names the ticket, the side, the kind and the due time, so a repeat is a no-op as well.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_noop

from peyvand.accounts.models import User
from peyvand.core import events
from peyvand.core.periodic import periodic
from peyvand.notifications.services import notify
from peyvand.service import sla
from peyvand.service.models import OPEN_STATUSES, SLAState, Ticket

log = logging.getLogger(__name__)

SLA_JOB = "ticket_sla"
SLA_EVERY = dt.timedelta(minutes=1)
# Tickets handled per run at most; the rest wait for the next run a minute later, oldest moment first.
BATCH = 2000
# Who besides the owner hears of a ticket at risk: the managers of its queue's team.
MANAGER_ROLES = ("support_manager", "sales_manager")

TITLES = {
    (sla.RESPONSE, sla.WARNING): gettext_noop("Ticket %(reference)s: the response is due soon"),
    (sla.RESPONSE, sla.BREACH): gettext_noop("Ticket %(reference)s: the response is overdue"),
    (sla.RESOLUTION, sla.WARNING): gettext_noop("Ticket %(reference)s: the resolution is due soon"),
    (sla.RESOLUTION, sla.BREACH): gettext_noop("Ticket %(reference)s: the resolution is overdue"),
}
BODY = gettext_noop("%(subject)s")


def due_tickets(now: dt.datetime):
    """Open, unpaused tickets whose next warning or breach moment has come (the index's own condition)."""
    return (
        Ticket.objects.filter(
            deleted_at__isnull=True,
            sla_paused_at__isnull=True,
            sla_next_check__isnull=False,
            sla_next_check__lte=now,
        )
        .filter(status__in=OPEN_STATUSES)
        .select_related("sla_policy", "owner", "team")
        .order_by("sla_next_check")
    )


def _still(target: sla.Target) -> Q:
    """The row still has this target as it was read (not answered, resumed or changed since)."""
    if target.name == sla.FIRST_RESPONSE:
        return Q(first_responded_at__isnull=True, first_response_due=target.due)
    if target.name == sla.NEXT_RESPONSE:
        return Q(next_response_due=target.due)
    return Q(resolution_due=target.due)


def _claim(ticket: Ticket, target: sla.Target, kind: str, now: dt.datetime) -> bool:
    """Mark the warning or breach once; True for the one caller whose UPDATE changed the row."""
    field = f"{target.side}_{'warned' if kind == sla.WARNING else 'breached'}_at"
    changes: dict = {field: now}
    if kind == sla.BREACH:
        changes["sla_state"] = SLAState.BREACHED
    claimed = (
        Ticket.objects.filter(
            _still(target),
            pk=ticket.pk,
            sla_paused_at__isnull=True,
            status__in=OPEN_STATUSES,
            **{field: None},
        ).update(**changes)
        == 1
    )
    if claimed:
        setattr(ticket, field, now)
        if kind == sla.WARNING:
            Ticket.objects.filter(pk=ticket.pk, sla_state=SLAState.OK).update(sla_state=SLAState.WARNING)
    return claimed


def recipients(ticket: Ticket) -> list:
    people = [ticket.owner]
    if ticket.team_id:
        people += list(User.objects.filter(team_id=ticket.team_id, role__in=MANAGER_ROLES, is_active=True))
    return people


def _ticket_url(ticket: Ticket) -> str:
    try:
        return reverse("tickets:detail", args=[ticket.pk])
    except NoReverseMatch:  # the ticket pages are not installed
        return ""


def announce(ticket: Ticket, target: sla.Target, kind: str) -> None:
    notify(
        recipients=recipients(ticket),
        kind=f"ticket_sla_{'warning' if kind == sla.WARNING else 'breached'}",
        title=TITLES[target.side, kind],
        body=BODY,
        params={"reference": ticket.reference, "subject": ticket.subject},
        url=_ticket_url(ticket),
        key=f"ticket-sla:{ticket.pk}:{target.name}:{kind}:{target.due.isoformat()}",
    )
    signal = events.ticket_sla_warning if kind == sla.WARNING else events.ticket_sla_breached
    events.emit(signal, sender=Ticket, ticket=ticket, target=target.name, actor=None)


def check_ticket(ticket: Ticket, *, now: dt.datetime, calendar: sla.BusinessCalendar) -> int:
    """Mark and announce what has come for one ticket, then store its next moment; returns how many marked."""
    marked = 0
    come = [(t, k) for t, k, moment in sla.pending(ticket, now=now, calendar=calendar) if moment <= now]
    breached_sides = {t.side for t, k in come if k == sla.BREACH}
    for target, kind in sorted(come, key=lambda p: p[1] == sla.BREACH):
        if kind == sla.WARNING and target.side in breached_sides:
            continue  # both have come (the job was down, or the warning share is 100%): the breach says it all
        with transaction.atomic():
            if _claim(ticket, target, kind, now):
                announce(ticket, target, kind)
                marked += 1
    ticket.refresh_from_db(
        fields=[
            "sla_state",
            "response_warned_at",
            "response_breached_at",
            "resolution_warned_at",
            "resolution_breached_at",
            "sla_paused_at",
            "status",
            "first_responded_at",
            "first_response_due",
            "next_response_due",
            "resolution_due",
        ]
    )
    # Only if nothing changed the timers meanwhile (a reply, a pause): they then set their own next check.
    Ticket.objects.filter(
        pk=ticket.pk,
        sla_paused_at__isnull=True,
        first_response_due=ticket.first_response_due,
        next_response_due=ticket.next_response_due,
        resolution_due=ticket.resolution_due,
    ).update(sla_next_check=sla.next_check(ticket, now=now, calendar=calendar))
    return marked


@periodic(SLA_JOB, every=SLA_EVERY)
def check_sla(now: dt.datetime) -> int:
    """Warn of tickets at risk and escalate breaches, each once; returns how many warnings and breaches."""
    calendar = sla.BusinessCalendar()  # one calendar for the whole run: a few queries, not some per ticket
    marked = 0
    for ticket in due_tickets(now)[:BATCH]:
        try:
            marked += check_ticket(ticket, now=now, calendar=calendar)
        except Exception:
            log.exception("the SLA of ticket %s could not be checked", ticket.pk)
    return marked
