"""Jobs of the service desk that the worker runs on a schedule: SLA warnings and breaches.

Each ticket keeps the next moment the job has something to do for it (``sla_next_check``, worked out by
``sla.py`` whenever its timers change), so a run reads only the tickets whose moment has come, through the
partial index ``ticket_sla_next_check``, however many tickets are open.

Each warning and breach is marked by a conditional UPDATE (``… WHERE response_breached_at IS NULL RETURNING id``):
of two workers, or a run repeated after a crash, only the one whose UPDATE changed the row notifies and sends the
event; the notification's key names the ticket, the target, the kind and the due time, so a repeat is a no-op as
well. A run handles its batch in bulk (a few statements for the whole batch, not some per ticket).
"""

import datetime as dt

from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_noop

from peyvand.accounts.models import User
from peyvand.core import events
from peyvand.core.periodic import periodic
from peyvand.notifications.services import notify_many
from peyvand.service import sla
from peyvand.service.models import OPEN_STATUSES, SLAState, Ticket

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


FIELD = {
    (sla.RESPONSE, sla.WARNING): "response_warned_at",
    (sla.RESPONSE, sla.BREACH): "response_breached_at",
    (sla.RESOLUTION, sla.WARNING): "resolution_warned_at",
    (sla.RESOLUTION, sla.BREACH): "resolution_breached_at",
}


def claim(field: str, ids: list[int], now: dt.datetime) -> set[int]:
    """Mark ``field`` on those of ``ids`` where it is still empty; returns the ids this UPDATE changed.

    ``WHERE field IS NULL`` is what makes a mark once: of two workers, the second's UPDATE waits for the first's
    row locks, then finds the field set and changes nothing, so only the first announces.
    """
    if not ids:
        return set()
    if field.endswith("_breached_at"):
        state = ", sla_state = %s"
        state_params = [SLAState.BREACHED]
    else:
        state = ", sla_state = CASE WHEN sla_state = %s THEN %s ELSE sla_state END"
        state_params = [SLAState.OK, SLAState.WARNING]
    table = Ticket._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
    sql = (
        f'UPDATE "{table}" SET "{field}" = %s{state}'
        f' WHERE "{field}" IS NULL AND sla_paused_at IS NULL AND deleted_at IS NULL'
        f" AND status IN ({statuses}) AND id IN ({marks}) RETURNING id"
    )
    params = [connection.ops.adapt_datetimefield_value(now), *state_params, *OPEN_STATUSES, *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def recipients(ticket: Ticket, managers: dict[int | None, list]) -> list:
    """The owner and the managers of the ticket's queue (read once per team and run)."""
    if ticket.team_id not in managers:
        managers[ticket.team_id] = (
            list(User.objects.filter(team_id=ticket.team_id, role__in=MANAGER_ROLES, is_active=True))
            if ticket.team_id
            else []
        )
    return [ticket.owner, *managers[ticket.team_id]]


def _ticket_url(ticket: Ticket) -> str:
    try:
        return reverse("tickets:detail", args=[ticket.pk])
    except NoReverseMatch:  # the ticket pages are not installed
        return ""


def notification(ticket: Ticket, target: sla.Target, kind: str, people: list) -> dict:
    return {
        "recipients": people,
        "kind": f"ticket_sla_{'warning' if kind == sla.WARNING else 'breached'}",
        "title": TITLES[target.side, kind],
        "body": BODY,
        "params": {"reference": ticket.reference, "subject": ticket.subject},
        "url": _ticket_url(ticket),
        # The due time is in the key: a new target of the same side (a next response) is a new notification.
        "key": f"ticket-sla:{ticket.pk}:{target.name}:{kind}:{target.due.isoformat()}",
    }


def come(ticket: Ticket, *, now: dt.datetime, calendar: sla.BusinessCalendar) -> list[tuple[sla.Target, str]]:
    """The warnings and breaches of the ticket whose moment has come."""
    moments = [(t, k) for t, k, moment in sla.pending(ticket, now=now, calendar=calendar) if moment <= now]
    breached_sides = {t.side for t, k in moments if k == sla.BREACH}
    # When both have come (the job was down, or the warning share is 100%) the breach says it all.
    return [(t, k) for t, k in moments if not (k == sla.WARNING and t.side in breached_sides)]


@periodic(SLA_JOB, every=SLA_EVERY)
def check_sla(now: dt.datetime) -> int:
    """Warn of tickets at risk and escalate breaches, each once; returns how many warnings and breaches.

    One transaction over the batch: the due tickets are locked as they are read (another worker waits, then finds
    their next check moved on), each kind of mark is one conditional UPDATE, the notifications one insert and
    the next checks one update; the events go out after the commit.
    """
    calendar = sla.BusinessCalendar()  # one calendar for the whole run: a few queries, not some per ticket
    with transaction.atomic():
        tickets = list(due_tickets(now).select_for_update(of=("self",))[:BATCH])
        todo: dict[str, list[tuple[Ticket, sla.Target, str]]] = {}
        for ticket in tickets:
            for target, kind in come(ticket, now=now, calendar=calendar):
                todo.setdefault(FIELD[target.side, kind], []).append((ticket, target, kind))
        marked: list[tuple[Ticket, sla.Target, str]] = []
        for field, items in todo.items():
            changed = claim(field, [ticket.pk for ticket, _, _ in items], now)
            for ticket, target, kind in items:
                if ticket.pk in changed:
                    setattr(ticket, field, now)
                    marked.append((ticket, target, kind))
        managers: dict[int | None, list] = {}
        notify_many(notification(t, target, kind, recipients(t, managers)) for t, target, kind in marked)
        for ticket, target, kind in marked:
            signal = events.ticket_sla_warning if kind == sla.WARNING else events.ticket_sla_breached
            events.emit(signal, sender=Ticket, ticket=ticket, target=target.name, actor=None)
        for ticket in tickets:
            ticket.sla_next_check = sla.next_check(ticket, now=now, calendar=calendar)
        Ticket.objects.bulk_update(tickets, ["sla_next_check"], batch_size=500)
    return len(marked)


# Contracts' renewal reminders and service plans: their own module, found through this one.
from peyvand.service import periodic_contracts  # noqa: E402, F401
