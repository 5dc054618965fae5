"""SLA timers: due times for first response, next response and resolution, in working minutes.

The ticket services call these hooks as a ticket changes; each sets the ticket's SLA fields in memory and the
caller saves them with the rest of its change, so a timer never disagrees with the ticket it times.

Working minutes are those between the policy's ``day_start`` and ``day_end`` in the business's time zone
(``settings.TIME_ZONE``) on the working days of ``core.workdays``: a full day counts the whole span, a half day its
first half, a day off nothing. Stored datetimes are aware UTC; only the working hours are read in local time.

Decisions (the issue leaves them open):

- A wait on the customer pauses every target still running; each keeps the working minutes it had left, and on
  leaving the wait falls due that many working minutes from then. A target already past due when the wait
  began keeps its due time (it is breached, a pause does not excuse it).
- A reopen gives the resolution a fresh target of the policy's full resolution minutes from the reopen; its
  warning may come again. A breach is acted on once per ticket and side (response, resolution): a breach before
  the reopen stays recorded, the ticket's SLA stays breached and is not escalated a second time.
- A customer's new message starts the next-response target only once the first response was given (until then
  the first response target covers it) and only if none is already running (the oldest unanswered message
  counts); a new next-response target may warn again.
- The moment the periodic job next has something to do (a warning or a breach) is kept in ``sla_next_check``,
  so the job reads only the tickets whose moment has come, through an index.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from peyvand.core.workdays import WorkCalendar
from peyvand.service.models import DONE_STATUSES, SLAPolicy, SLAState, Ticket, TicketStatus

UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
# The calendar is read in chunks of this many days as a computation reaches further.
CHUNK_DAYS = 62
# A week with no working day and no working holiday would never end a target: give up after this long.
HORIZON_DAYS = 3 * 366

RESPONSE, RESOLUTION = "response", "resolution"
FIRST_RESPONSE, NEXT_RESPONSE = "first_response", "next_response"
WARNING, BREACH = "warning", "breach"


class BusinessCalendar:
    """Day shares read chunk by chunk (two queries a chunk, ``core.workdays.WorkCalendar``), then from memory.

    One instance may serve many computations (the periodic job shares one across all the tickets of a run).
    """

    def __init__(self) -> None:
        self._shares: dict[dt.date, Decimal] = {}
        self.first: dt.date | None = None
        self.last: dt.date | None = None

    def _load(self, start: dt.date, end: dt.date) -> None:
        chunk = WorkCalendar(start, end)
        day = start
        while day <= end:
            self._shares[day] = chunk.share(day)
            day += ONE_DAY

    def share(self, day: dt.date) -> Decimal:
        if self.first is None or self.last is None:
            self.first, self.last = day, day + dt.timedelta(days=CHUNK_DAYS - 1)
            self._load(self.first, self.last)
        elif day > self.last:
            end = max(day, self.last + dt.timedelta(days=CHUNK_DAYS))
            self._load(self.last + ONE_DAY, end)
            self.last = end
        elif day < self.first:
            start = min(day, self.first - dt.timedelta(days=CHUNK_DAYS))
            self._load(start, self.first - ONE_DAY)
            self.first = start
        return self._shares[day]


@dataclass(frozen=True)
class Hours:
    """A policy's working day: what the arithmetic needs of it."""

    day_start: dt.time
    day_end: dt.time

    @classmethod
    def of(cls, policy: SLAPolicy | None) -> "Hours":
        policy = policy or SLAPolicy()
        return cls(policy.day_start, policy.day_end)


def _hours(policy) -> Hours:
    return policy if isinstance(policy, Hours) else Hours.of(policy)


def _periods(
    day: dt.date, hours: Hours, calendar: BusinessCalendar
) -> tuple[dt.datetime, dt.datetime] | None:
    """The working span of ``day`` as aware datetimes, or None on a day off."""
    share = calendar.share(day)
    if share <= 0:
        return None
    zone = timezone.get_default_timezone()
    begin = dt.datetime.combine(day, hours.day_start, tzinfo=zone)
    end = dt.datetime.combine(day, hours.day_end, tzinfo=zone)
    if share < 1:
        end = begin + (end - begin) * float(share)
    return begin, end


def _days_from(start: dt.datetime) -> Iterator[dt.date]:
    day = timezone.localtime(start).date()
    for _ in range(HORIZON_DAYS):
        yield day
        day += ONE_DAY


def add_working_minutes(
    start: dt.datetime, minutes: float, policy, *, calendar: BusinessCalendar | None = None
) -> dt.datetime | None:
    """The moment ``minutes`` working minutes after ``start`` (UTC); None when the calendar holds no such time.

    A target that ends exactly at the end of a working day falls due then, not at the next day's start.
    """
    if minutes <= 0:
        return start.astimezone(UTC)
    hours = _hours(policy)
    calendar = calendar or BusinessCalendar()
    left = dt.timedelta(minutes=minutes)
    for day in _days_from(start):
        span = _periods(day, hours, calendar)
        if span is None:
            continue
        begin, end = max(span[0], start), span[1]
        if begin >= end:
            continue
        if left <= end - begin:
            return (begin + left).astimezone(UTC)
        left -= end - begin
    return None


def subtract_working_minutes(
    end: dt.datetime, minutes: float, policy, *, calendar: BusinessCalendar | None = None
) -> dt.datetime | None:
    """The moment ``minutes`` working minutes before ``end`` (UTC): when a target that is now overdue by that much
    fell due. None when the calendar holds no such time."""
    if minutes <= 0:
        return end.astimezone(UTC)
    hours = _hours(policy)
    calendar = calendar or BusinessCalendar()
    left = dt.timedelta(minutes=minutes)
    day = timezone.localtime(end).date()
    for _ in range(HORIZON_DAYS):
        span = _periods(day, hours, calendar)
        day -= ONE_DAY
        if span is None:
            continue
        begin, stop = span[0], min(span[1], end)
        if stop <= begin:
            continue
        if left <= stop - begin:
            return (stop - left).astimezone(UTC)
        left -= stop - begin
    return None


def working_minutes_between(
    a: dt.datetime, b: dt.datetime, policy, *, calendar: BusinessCalendar | None = None
) -> float:
    """Working minutes from ``a`` to ``b`` (0 when ``b`` is not after ``a``)."""
    if b <= a:
        return 0.0
    hours = _hours(policy)
    calendar = calendar or BusinessCalendar()
    last = timezone.localtime(b).date()
    total = dt.timedelta()
    for day in _days_from(a):
        if day > last:
            break
        span = _periods(day, hours, calendar)
        if span is None:
            continue
        begin, end = max(span[0], a), min(span[1], b)
        if end > begin:
            total += end - begin
    return total.total_seconds() / 60


# --- choosing a policy ------------------------------------------------------------------------------------------


def customer_tier_id(ticket: Ticket) -> int | None:
    """The tier of the ticket's company's billing profile, else of its contact's."""
    from peyvand.billing.models import BillingProfile

    for field, value in (("company_id", ticket.company_id), ("contact_id", ticket.contact_id)):
        if value is None:
            continue
        tier = BillingProfile.objects.filter(**{field: value}).values_list("tier_id", flat=True).first()
        if tier is not None:
            return tier
    return None


def choose_policy(ticket: Ticket) -> SLAPolicy | None:
    """The policy of a service contract covering the ticket (selectors_contracts), else the first active policy
    by position whose priority and customer tier match (empty matches any)."""
    from peyvand.service.selectors_contracts import contract_policy

    if (policy := contract_policy(ticket)) is not None:
        return policy
    tier = customer_tier_id(ticket)
    tier_matches = (
        Q(customer_tier__isnull=True) | Q(customer_tier_id=tier) if tier else Q(customer_tier__isnull=True)
    )
    return (
        SLAPolicy.objects.filter(active=True)
        .filter(Q(priority="") | Q(priority=ticket.priority))
        .filter(tier_matches)
        .order_by("position", "id")
        .first()
    )


# --- the running targets ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    side: str  # RESPONSE or RESOLUTION: which marks it uses
    name: str  # FIRST_RESPONSE, NEXT_RESPONSE or RESOLUTION: which due field it is
    due: dt.datetime
    span: int | None  # the policy's minutes for it (its warning is a share of them); None without a policy


def _span(ticket: Ticket, name: str) -> int | None:
    policy = ticket.sla_policy if ticket.sla_policy_id else None
    if policy is None:
        return None
    return {
        FIRST_RESPONSE: policy.first_response_minutes,
        NEXT_RESPONSE: policy.next_response_minutes,
        RESOLUTION: policy.resolution_minutes,
    }[name]


def running_targets(ticket: Ticket, *, even_done: bool = False) -> list[Target]:
    """The targets whose clock runs: the response one (first, else next) and the resolution."""
    if ticket.sla_started_at is None or (ticket.status in DONE_STATUSES and not even_done):
        return []
    targets = []
    if ticket.first_responded_at is None and ticket.first_response_due:
        targets.append(
            Target(RESPONSE, FIRST_RESPONSE, ticket.first_response_due, _span(ticket, FIRST_RESPONSE))
        )
    elif ticket.first_responded_at is not None and ticket.next_response_due:
        targets.append(
            Target(RESPONSE, NEXT_RESPONSE, ticket.next_response_due, _span(ticket, NEXT_RESPONSE))
        )
    if ticket.resolution_due:
        targets.append(Target(RESOLUTION, RESOLUTION, ticket.resolution_due, _span(ticket, RESOLUTION)))
    return targets


def _mark(ticket: Ticket, side: str, kind: str) -> dt.datetime | None:
    return getattr(ticket, f"{side}_{'warned' if kind == WARNING else 'breached'}_at")


def warning_at(
    ticket: Ticket, target: Target, *, now: dt.datetime, calendar: BusinessCalendar
) -> dt.datetime | None:
    """When ``target`` passes the policy's warning share of its span (never after its due time)."""
    if target.span is None or ticket.sla_policy is None:
        return None
    policy = ticket.sla_policy
    # Warn once this many working minutes are left: the share of the span not yet used at the warning.
    threshold = target.span * (100 - policy.warn_percent) / 100
    left = working_minutes_between(now, target.due, policy, calendar=calendar)
    if left <= threshold:
        return min(now, target.due)
    moment = add_working_minutes(now, left - threshold, policy, calendar=calendar)
    return min(moment, target.due) if moment else target.due


def pending(
    ticket: Ticket, *, now: dt.datetime, calendar: BusinessCalendar
) -> list[tuple[Target, str, dt.datetime]]:
    """Each warning and breach still to be marked, with its moment (past or future)."""
    if ticket.sla_paused_at is not None:
        return []
    moments = []
    for target in running_targets(ticket):
        if _mark(ticket, target.side, BREACH) is None:
            moments.append((target, BREACH, target.due))
        if _mark(ticket, target.side, WARNING) is None and _mark(ticket, target.side, BREACH) is None:
            at = warning_at(ticket, target, now=now, calendar=calendar)
            if at is not None and at < target.due:
                moments.append((target, WARNING, at))
    return moments


def next_check(
    ticket: Ticket, *, now: dt.datetime, calendar: BusinessCalendar | None = None
) -> dt.datetime | None:
    moments = [at for _, _, at in pending(ticket, now=now, calendar=calendar or BusinessCalendar())]
    return min(moments) if moments else None


def _refresh(ticket: Ticket, now: dt.datetime, calendar: BusinessCalendar | None = None) -> None:
    ticket.sla_next_check = next_check(ticket, now=now, calendar=calendar)
    ticket.sla_state = current_state(ticket, now=now)


def _policy_hours(ticket: Ticket) -> Hours:
    return Hours.of(ticket.sla_policy if ticket.sla_policy_id else None)


# --- the hooks --------------------------------------------------------------------------------------------------


def start(ticket: Ticket, *, now: dt.datetime) -> None:
    """A new ticket: pick its policy and set its first response and resolution due times."""
    policy = choose_policy(ticket)
    ticket.sla_policy = policy
    ticket.next_response_due = None
    ticket.sla_paused_at = None
    ticket.sla_remaining = {}
    if policy is None:
        ticket.sla_started_at = ticket.first_response_due = ticket.resolution_due = None
        ticket.sla_next_check = None
        ticket.sla_state = SLAState.NONE
        return
    calendar = BusinessCalendar()
    ticket.sla_started_at = now
    ticket.first_response_due = add_working_minutes(
        now, policy.first_response_minutes, policy, calendar=calendar
    )
    ticket.resolution_due = add_working_minutes(now, policy.resolution_minutes, policy, calendar=calendar)
    ticket.sla_state = SLAState.OK
    _refresh(ticket, now, calendar)


_DUE_FIELDS = {
    FIRST_RESPONSE: "first_response_due",
    NEXT_RESPONSE: "next_response_due",
    RESOLUTION: "resolution_due",
}


def _spans(policy: SLAPolicy | None) -> dict[str, int | None]:
    if policy is None:
        return dict.fromkeys(_DUE_FIELDS)
    return {
        FIRST_RESPONSE: policy.first_response_minutes,
        NEXT_RESPONSE: policy.next_response_minutes,
        RESOLUTION: policy.resolution_minutes,
    }


def _left(ticket: Ticket, name: str, now: dt.datetime, calendar: BusinessCalendar) -> float | None:
    """Working minutes left of the target ``name`` (negative once past due); None when it does not run."""
    if ticket.sla_paused_at is not None:
        kept = (ticket.sla_remaining or {}).get(name)
        return float(kept) if kept is not None else None
    due = getattr(ticket, _DUE_FIELDS[name])
    if due is None:
        return None
    hours = _policy_hours(ticket)
    if due >= now:
        return working_minutes_between(now, due, hours, calendar=calendar)
    return -working_minutes_between(due, now, hours, calendar=calendar)


def on_terms_change(ticket: Ticket, *, now: dt.datetime) -> None:
    """The priority or the customer changed, so another policy may apply: it takes over as if it had applied
    from the start. The working minutes already used of each running target stay used (a target the new, shorter
    span has already passed is overdue by what was used beyond it); a breach already marked stays marked. A ticket that had no policy
    counts its targets from its creation. Resolved and closed tickets keep the verdict they were given."""
    if ticket.status in DONE_STATUSES:
        return
    policy = choose_policy(ticket)
    if (policy.pk if policy else None) == ticket.sla_policy_id:
        return
    if policy is None:
        ticket.sla_policy = None
        ticket.sla_started_at = ticket.first_response_due = ticket.next_response_due = None
        ticket.resolution_due = ticket.sla_paused_at = ticket.sla_next_check = None
        ticket.sla_remaining = {}
        ticket.sla_state = SLAState.NONE
        return
    calendar = BusinessCalendar()
    old = ticket.sla_policy if ticket.sla_policy_id else None
    names = [RESOLUTION, FIRST_RESPONSE if ticket.first_responded_at is None else NEXT_RESPONSE]
    if old is None:
        began = ticket.created_at or now
        used = working_minutes_between(began, now, Hours.of(policy), calendar=calendar)
        left = {name: None if name == NEXT_RESPONSE else -used for name in names}
        ticket.sla_started_at = began
    else:
        left = {name: _left(ticket, name, now, calendar) for name in names}
    old_spans, new_spans = _spans(old), _spans(policy)
    ticket.sla_policy = policy
    remaining = {}
    for name in names:
        span, was = new_spans[name], left[name]
        if span is None or was is None:  # not running, or the new policy has no such target
            if span is None and ticket.sla_paused_at is None:
                setattr(ticket, _DUE_FIELDS[name], None)
            continue
        minutes = was + span - (old_spans[name] or 0)
        if ticket.sla_paused_at is not None:
            remaining[name] = max(minutes, 0)
        else:
            # Overdue under the new span: it fell due that many working minutes ago, so a later change of
            # priority still knows how much of the target was used.
            if minutes > 0:
                due = add_working_minutes(now, minutes, policy, calendar=calendar)
            else:
                due = subtract_working_minutes(now, -minutes, policy, calendar=calendar)
            setattr(ticket, _DUE_FIELDS[name], due or now)
    if ticket.sla_paused_at is not None:
        ticket.sla_remaining = remaining
        return
    if ticket.status == TicketStatus.WAITING_CUSTOMER:
        _pause(ticket, now)
        return
    _refresh(ticket, now, calendar)


def _pause(ticket: Ticket, now: dt.datetime) -> None:
    calendar = BusinessCalendar()
    hours = _policy_hours(ticket)
    remaining = {}
    for target in running_targets(ticket):
        if target.due > now:  # one already past due stays breached through the wait
            remaining[target.name] = working_minutes_between(now, target.due, hours, calendar=calendar)
    ticket.sla_remaining = remaining
    ticket.sla_paused_at = now
    ticket.sla_next_check = None
    ticket.sla_state = SLAState.PAUSED


def _resume(ticket: Ticket, now: dt.datetime) -> None:
    calendar = BusinessCalendar()
    hours = _policy_hours(ticket)
    fields = {
        FIRST_RESPONSE: "first_response_due",
        NEXT_RESPONSE: "next_response_due",
        RESOLUTION: "resolution_due",
    }
    for name, minutes in (ticket.sla_remaining or {}).items():
        if name in fields:
            setattr(ticket, fields[name], add_working_minutes(now, float(minutes), hours, calendar=calendar))
    ticket.sla_paused_at = None
    ticket.sla_remaining = {}
    _refresh(ticket, now, calendar)


def _breached(ticket: Ticket, now: dt.datetime, *, even_done: bool = False) -> bool:
    if ticket.response_breached_at or ticket.resolution_breached_at:
        return True
    if ticket.sla_paused_at is not None:
        return any(
            t.due <= now
            for t in running_targets(ticket, even_done=even_done)
            if t.name not in (ticket.sla_remaining or {})
        )
    return any(target.due <= now for target in running_targets(ticket, even_done=even_done))


def on_status_change(ticket: Ticket, *, old_status: str, now: dt.datetime) -> None:
    """Pause while waiting on the customer, resume after, stop when resolved or closed, restart on a reopen."""
    new = ticket.status
    if new == old_status or ticket.sla_started_at is None:
        return
    waiting = TicketStatus.WAITING_CUSTOMER
    if old_status == waiting and ticket.sla_paused_at is not None:
        _resume(ticket, now)
    if new in DONE_STATUSES:
        breached = old_status not in DONE_STATUSES and _breached(ticket, now, even_done=True)
        if old_status in DONE_STATUSES:  # resolved to closed: the verdict given at the resolve stands
            breached = ticket.sla_state == SLAState.BREACHED
        ticket.sla_paused_at = None
        ticket.sla_remaining = {}
        ticket.sla_next_check = None
        ticket.next_response_due = None
        ticket.sla_state = SLAState.BREACHED if breached else SLAState.MET
        return
    if old_status in DONE_STATUSES:
        policy = ticket.sla_policy if ticket.sla_policy_id else None
        if policy is not None:
            ticket.resolution_due = add_working_minutes(now, policy.resolution_minutes, policy)
            ticket.resolution_warned_at = None
    if new == waiting and ticket.sla_paused_at is None:
        _pause(ticket, now)
        return
    _refresh(ticket, now)


def on_agent_reply(ticket: Ticket, *, now: dt.datetime) -> None:
    """An agent's public reply: the first response (or the next one) is given."""
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    ticket.next_response_due = None
    if ticket.sla_started_at is None:
        return
    remaining = dict(ticket.sla_remaining or {})
    if remaining.pop(FIRST_RESPONSE, None) is not None or remaining.pop(NEXT_RESPONSE, None) is not None:
        ticket.sla_remaining = remaining
    if ticket.sla_paused_at is None and ticket.status not in DONE_STATUSES:
        _refresh(ticket, now)


def on_customer_message(ticket: Ticket, *, now: dt.datetime) -> None:
    """The customer wrote again: the next response falls due."""
    policy = ticket.sla_policy if ticket.sla_policy_id else None
    if policy is None or ticket.sla_started_at is None or not policy.next_response_minutes:
        return
    if ticket.first_responded_at is None or ticket.next_response_due is not None:
        return
    if ticket.sla_paused_at is not None:
        # Still waiting (the status change that follows the message resumes the clock): keep it for the resume.
        ticket.sla_remaining = {**(ticket.sla_remaining or {}), NEXT_RESPONSE: policy.next_response_minutes}
        return
    ticket.next_response_due = add_working_minutes(now, policy.next_response_minutes, policy)
    ticket.response_warned_at = None
    _refresh(ticket, now)


def current_state(ticket: Ticket, *, now: dt.datetime) -> str:
    """The ticket's SLA state as of ``now`` (what the queue and the ticket page show).

    Answered from the ticket alone (no query): a due time past is a breach even before the job marks it, and a
    stored next check past with no due time past is a warning moment come.
    """
    if ticket.sla_started_at is None:
        return SLAState.NONE
    if ticket.status in DONE_STATUSES:
        return ticket.sla_state if ticket.sla_state in (SLAState.MET, SLAState.BREACHED) else SLAState.MET
    if ticket.sla_paused_at is not None:
        return SLAState.PAUSED
    if _breached(ticket, now):
        return SLAState.BREACHED
    if ticket.response_warned_at and any(t.side == RESPONSE for t in running_targets(ticket)):
        return SLAState.WARNING
    if ticket.resolution_warned_at and any(t.side == RESOLUTION for t in running_targets(ticket)):
        return SLAState.WARNING
    if ticket.sla_next_check is not None and ticket.sla_next_check <= now:
        return SLAState.WARNING
    return SLAState.OK
