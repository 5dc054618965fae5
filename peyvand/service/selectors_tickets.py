"""Reads of tickets, already limited to what the user may see (the team is the queue: see
``TicketQuerySet.visible_to``), the list's allow-listed filters and sort fields, and the queue's counts."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peyvand.core.listing import Filter, ListSpec, as_int
from peyvand.service.models import OPEN_STATUSES, SLAState, Ticket, TicketMessage, TicketStatus

TICKET_LIST = ListSpec(
    entity="ticket",
    ordering=("created_at", "updated_at", "id", "priority", "status", "resolution_due", "subject"),
    default_ordering="-created_at",
    filters={
        "status": Filter("status", label=_("Status")),
        "priority": Filter("priority", label=_("Priority")),
        "type": Filter("type", label=_("Type")),
        "category": Filter("category_id", as_int, pgettext_lazy("ticket", "Category")),
        "channel": Filter("channel", label=pgettext_lazy("ticket", "Channel")),
        "owner": Filter("owner_id", as_int, _("Owner")),
        "team": Filter("team_id", as_int, _("Team")),
        "sla_state": Filter("sla_state", label=_("SLA")),
        "contact": Filter("contact_id", as_int, _("Contact")),
        "company": Filter("company_id", as_int, _("Company")),
        "deal": Filter("deal_id", as_int, _("Deal")),
    },
)


def tickets_visible_to(user) -> QuerySet[Ticket]:
    # Not ``merged_into`` / ``split_from``: joining the ticket table to itself twice widens every list row for two
    # links the ticket page alone shows (and reads by key when set).
    return Ticket.objects.visible_to(user).select_related(
        "owner", "team", "contact", "company", "deal", "category", "product"
    )


def ticket_messages(ticket: Ticket, *, public_only: bool = False) -> list[TicketMessage]:
    """The conversation in order; ``public_only`` leaves internal notes out (what a customer may ever read)."""
    messages = ticket.messages.select_related("author").order_by("created_at", "id")
    if public_only:
        messages = messages.exclude(kind="note")
    return list(messages)


def open_tickets_of_customer(record) -> QuerySet[Ticket]:
    """A contact's or company's open tickets, for the section on the customer's page: anyone who sees the
    customer sees that they have open tickets (subject and status), whoever works them."""
    lookup = {"company": record} if record._meta.model_name == "company" else {"contact": record}
    return (
        Ticket.objects.filter(status__in=OPEN_STATUSES, **lookup)
        .select_related("owner", "team")
        .order_by("-created_at", "-id")
    )


@dataclass
class QueueRow:
    team_id: int | None
    team_name: str
    by_status: dict[str, int] = field(default_factory=dict)
    by_sla: dict[str, int] = field(default_factory=dict)

    @property
    def open(self) -> int:
        return sum(self.by_status.get(s, 0) for s in OPEN_STATUSES)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def queue_counts(user, team: Any = None) -> list[QueueRow]:
    """Per team (queue) the user sees tickets of: tickets by status, and open tickets by SLA state.

    Three queries whatever the number of teams: the counts by status, by SLA state, and the teams' names.
    """
    from peyvand.accounts.models import Team

    tickets = Ticket.objects.visible_to(user)
    if team not in (None, ""):
        tickets = tickets.filter(team_id=team)
    rows: dict[int | None, QueueRow] = {}
    for item in tickets.order_by().values("team_id", "status").annotate(n=Count("id")):
        row = rows.setdefault(item["team_id"], QueueRow(item["team_id"], ""))
        row.by_status[item["status"]] = item["n"]
    open_tickets = tickets.filter(status__in=OPEN_STATUSES).order_by()
    for item in open_tickets.values("team_id", "sla_state").annotate(n=Count("id")):
        row = rows.setdefault(item["team_id"], QueueRow(item["team_id"], ""))
        row.by_sla[item["sla_state"]] = item["n"]
    names = dict(Team.objects.filter(pk__in=[k for k in rows if k]).values_list("id", "name"))
    for key, row in rows.items():
        row.team_name = names.get(key, "") if key else str(_("No team"))
    return sorted(rows.values(), key=lambda r: (r.team_id is None, r.team_name))


STATUS_ORDER = [s.value for s in TicketStatus]
SLA_ORDER = [SLAState.BREACHED, SLAState.WARNING, SLAState.OK, SLAState.PAUSED, SLAState.NONE, SLAState.MET]


def other_tickets_to_merge(user, ticket: Ticket) -> QuerySet[Ticket]:
    """Tickets the user may merge this one into: visible, not itself, not already merged away."""
    return (
        Ticket.objects.visible_to(user)
        .exclude(pk=ticket.pk)
        .filter(merged_into__isnull=True)
        .order_by("-created_at", "-id")
    )
