"""The tickets list's bulk actions beside assign, tag and delete: set the status and set the priority of the
ticked tickets, each through the ticket services, so allowed moves, SLA timers and the audit hold ticket by ticket,
and a refused ticket is named with its reason."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peyvand.core.bulk import BulkAction, register_action
from peyvand.core.records import field_error
from peyvand.service import services_tickets
from peyvand.service.models import TicketPriority, TicketStatus


def _status(*, actor, record, values):
    status = values.get("ticket_status") or ""
    if status not in TicketStatus.values:
        raise field_error("ticket_status", _("Choose one of the statuses."))
    return services_tickets.change_status(actor=actor, ticket=record, status=status, version=record.version)


def _priority(*, actor, record, values):
    priority = values.get("ticket_priority") or ""
    if priority not in TicketPriority.values:
        raise field_error("ticket_priority", _("Choose one of the priorities."))
    return services_tickets.update_ticket(
        actor=actor, ticket=record, version=record.version, values={"priority": priority}
    )


def _options(user) -> dict:
    return {"statuses": TicketStatus.choices, "priorities": TicketPriority.choices}


def register() -> None:
    register_action(
        BulkAction(
            key="ticket_status",
            label=gettext_lazy("Set status"),
            record_types=("ticket",),
            apply=_status,
            params=("ticket_status",),
            template="service/tickets/_bulk_status.html",
            options=_options,
        )
    )
    register_action(
        BulkAction(
            key="ticket_priority",
            label=gettext_lazy("Set priority"),
            record_types=("ticket",),
            apply=_priority,
            params=("ticket_priority",),
            template="service/tickets/_bulk_priority.html",
            options=_options,
        )
    )
