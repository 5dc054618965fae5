"""Tickets as the rest of Peyvand sees them: the "ticket" record type (API, pages, export, automation, search,
files and comments on it), and the customer's open tickets as a section of contact and company pages."""

from django import forms
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peyvand.core import registry
from peyvand.core.registry import FieldSpec as F
from peyvand.core.rest import Resource
from peyvand.service import permissions, selectors_kb, selectors_tickets, services_surveys, services_tickets
from peyvand.service.models import (
    SLAState,
    Ticket,
    TicketCategory,
    TicketChannel,
    TicketPriority,
    TicketStatus,
    TicketType,
)
from peyvand.service.schemas_tickets import TicketIn, TicketOut, TicketPatch
from peyvand.web.filters import choices_filter, owner_filter
from peyvand.web.forms import RecordForm
from peyvand.web.screens import FilterChoice, Screen

# The model's verbose names "category" and "channel" are msgids products and leads translate their own way (a
# product group, a lead's acquisition channel); the ticket's labels carry a context of their own.
CATEGORY = pgettext_lazy("ticket", "Category")
CHANNEL = pgettext_lazy("ticket", "Channel")

TICKETS = Resource(
    name="tickets",
    model=Ticket,
    visible=selectors_tickets.tickets_visible_to,
    list_spec=selectors_tickets.TICKET_LIST,
    create=services_tickets.create_ticket,
    update_service=services_tickets.update_ticket,
    schema_in=TicketIn,
    schema_patch=TicketPatch,
    schema_out=TicketOut,
)


# The channels a member of staff opens a ticket for: in person (by hand), a phone call, an e-mail to them.
STAFF_CHANNELS = (TicketChannel.AGENT, TicketChannel.PHONE, TicketChannel.EMAIL)


class TicketForm(RecordForm):
    model = Ticket
    field_names = (
        "subject",
        "description",
        "contact",
        "company",
        "deal",
        "product",
        "serial_number",
        "type",
        "priority",
        "category",
        "customer_email",
        "language",
        "team",
        "owner",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = TicketCategory.objects.filter(active=True)
        for name in ("contact", "company"):
            model = self.fields[name].queryset.model
            self.fields[name].queryset = services_tickets.customers_for(self.user, model)
        if self.instance is None:
            # How the customer reached us, for tickets opened by hand: the desk counts phone tickets apart.
            self.fields["channel"] = forms.ChoiceField(
                label=CHANNEL,
                choices=[(c, TicketChannel(c).label) for c in STAFF_CHANNELS],
                initial=TicketChannel.AGENT,
                required=False,
            )
        self.fields["team"].label = _("Queue")
        self.fields["category"].label = CATEGORY
        if self.instance is not None and not permissions.can_work_tickets(self.user):
            del self.fields["team"]  # moving a ticket to another queue is the support team's


def _categories(user):
    return [(c.pk, c.name) for c in TicketCategory.objects.filter(active=True)]


def _detail(user, ticket):
    from peyvand.service import sla

    can_work = permissions.can_work_tickets(user)
    conversation = selectors_tickets.ticket_messages(ticket)
    return {
        "conversation": conversation,
        "can_work": can_work and not ticket.deleted_at,
        "can_merge": permissions.can_merge_tickets(user)
        and not ticket.deleted_at
        and not ticket.merged_into_id,
        "next_statuses": [(s, TicketStatus(s).label) for s in services_tickets.allowed_statuses(ticket)]
        if can_work
        else [],
        "recipient": services_tickets.recipient_of(ticket),
        "sla_now": sla.current_state(ticket, now=_now()),
        # Articles that may answer the ticket, for whoever answers it (one query; none for read-only viewers).
        "suggested_articles": selectors_kb.suggest_articles(
            f"{ticket.subject}\n{ticket.description}", limit=5
        )
        if can_work and not ticket.deleted_at
        else [],
        "surveys": services_surveys.surveys_of(ticket),
        "merge_candidates": list(
            selectors_tickets.other_tickets_to_merge(user, ticket).only("id", "subject")[:30]
        )
        if can_work
        else [],
    }


def _now():
    from django.utils import timezone

    return timezone.now()


TICKET_SCREEN = Screen(
    resource=TICKETS,
    form_class=TicketForm,
    columns=("subject", "status", "priority", "sla_state", "contact", "company", "team", "owner"),
    # the status is the badge in the page's head (kept current when the conversation changes it), not a field
    extra_fields=(
        "channel",
        "sla_state",
        "first_response_due",
        "resolution_due",
        "first_responded_at",
        "resolved_at",
        "reopen_count",
        "merged_into",
        "split_from",
    ),
    filters=(
        choices_filter("status", _("Status"), TicketStatus.choices),
        choices_filter("priority", _("Priority"), TicketPriority.choices),
        choices_filter("sla_state", _("SLA"), SLAState.choices),
        choices_filter("type", _("Type"), TicketType.choices),
        choices_filter("channel", CHANNEL, TicketChannel.choices),
        FilterChoice("category", CATEGORY, _categories),
        owner_filter(),
    ),
    detail_extra=_detail,
    # A record's "+ Ticket" and a call's "Open a ticket" fill the form with whom and what it is about.
    initial_from_request=("contact", "company", "deal", "channel", "subject", "description"),
    can_create=permissions.can_create_tickets,
    inline_fields=("priority", "category"),
)

TICKET_FIELDS = (
    F("subject", searchable=True, automation=True),
    F("description", searchable=True),
    F("contact"),
    F("company"),
    F("deal"),
    F("product", automation=True),
    F("serial_number", automation=True),
    F("type", automation=True, settable=True),
    F("priority", automation=True, settable=True),
    F("category", label=CATEGORY, automation=True),
    F("status", editable=False, automation=True),
    F("channel", label=CHANNEL, editable=False, automation=True),
    F("language", automation=True),
    F("customer_email", searchable=True),
    F("sla_state", editable=False, automation=True, audited=False),
    F("first_response_due", editable=False, audited=False),
    F("resolution_due", editable=False, audited=False),
    F("first_responded_at", editable=False, audited=False),
    F("resolved_at", editable=False, audited=False),
    F("closed_at", editable=False, audited=False),
    F("agent_replies", editable=False, audited=False),
    F("reopen_count", editable=False, audited=False),
    F("sla_policy", editable=False, exportable=False),
    F("merged_into", editable=False),
    F("owner"),
    F("team", editable=False, exportable=False),
)


def _parties(ticket: Ticket) -> list:
    """Whom work on a ticket is for: its contact, company and deal."""
    return [record for record in (ticket.contact, ticket.company, ticket.deal) if record is not None]


def register() -> None:
    from peyvand.service import views_tickets
    from peyvand.service.api_tickets import tickets_router

    registry.register(
        registry.RecordType(
            name="ticket",
            plural="tickets",
            model=Ticket,
            resource=TICKETS,
            screen=TICKET_SCREEN,
            fields=TICKET_FIELDS,
            attachable=True,
            concerns=_parties,
            api_router=tickets_router,
            ui_urls=(
                path("queue/", views_tickets.queue_view, name="queue"),
                path("<int:pk>/reply/", views_tickets.reply_view, name="reply"),
                path("<int:pk>/note/", views_tickets.note_view, name="note"),
                path("<int:pk>/status/", views_tickets.status_view, name="status"),
                path("<int:pk>/merge/", views_tickets.merge_view, name="merge"),
                path("<int:pk>/split/", views_tickets.split_view, name="split"),
            ),
        )
    )
    registry.register_record_section("service/tickets/_customer_section.html")
    registry.register_record_section("service/tickets/_from_call.html")
    registry.register_timeline_actions("service/tickets/_timeline_actions.html")
