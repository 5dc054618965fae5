"""SLA timers: due times for first response, next response and resolution, in working minutes.

The ticket services call these hooks as a ticket changes; each sets the ticket's SLA fields in memory and the
caller saves them with the rest of its change, so a timer never disagrees with the ticket it times.
"""

import datetime as dt

from peyvand.service.models import SLAState, Ticket


def start(ticket: Ticket, *, now: dt.datetime) -> None:
    """A new ticket: pick its policy and set its first response and resolution due times."""


def on_status_change(ticket: Ticket, *, old_status: str, now: dt.datetime) -> None:
    """Pause while waiting on the customer, resume after, stop when resolved or closed, restart on a reopen."""


def on_agent_reply(ticket: Ticket, *, now: dt.datetime) -> None:
    """An agent's public reply: the first response (or the next one) is given."""


def on_customer_message(ticket: Ticket, *, now: dt.datetime) -> None:
    """The customer wrote again: the next response falls due."""


def current_state(ticket: Ticket, *, now: dt.datetime) -> str:
    """The ticket's SLA state as of ``now`` (what the queue and the ticket page show)."""
    return ticket.sla_state or SLAState.NONE
