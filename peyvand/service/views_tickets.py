"""The ticket's pages beyond the generic ones: its conversation's forms (reply, internal note), status moves,
merge and split, the queue per team, and the service hub.

Thin: parse, call the same services as the API, render. htmx gets the ticket's work section back; a plain form
is redirected to the ticket's page with the outcome as a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from peyvand.core.errors import NotFound, PeyvandError
from peyvand.core.records import find_visible
from peyvand.service import permissions, selectors_tickets, services_tickets
from peyvand.service.models import SLAState, TicketMessage, TicketStatus
from peyvand.service.resources_tickets import TICKET_SCREEN, TICKETS, _detail


def _int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _errors(exc: PeyvandError) -> list[str]:
    return [str(e["message"]) for e in exc.errors] or [str(exc.message)]


def _work(request, ticket, *, errors=(), form="", typed=""):
    """The ticket's work section (status, conversation, reply and note forms) for htmx, or back to the page."""
    if request.htmx:
        ticket = TICKETS.get(request, ticket.pk)
        context = {
            "record": ticket,
            "screen": TICKET_SCREEN,
            **_detail(request.user, ticket),
            "work_errors": list(errors),
            "error_form": form,
            "typed": typed,
            "oob": True,  # the status badge in the page's head follows the change
        }
        return render(request, "service/tickets/_work.html", context)
    for error in errors:
        messages.error(request, error)
    return HttpResponseRedirect(reverse("tickets:detail", args=[ticket.pk]) + "#ticket-work")


def _workable(request, pk: int):
    """The ticket, if the user sees it (else 404), and may work the queue (else 403)."""
    ticket = TICKETS.get(request, pk)
    if not permissions.can_work_tickets(request.user):
        raise PermissionDenied
    return ticket


def _post_message(request, pk: int, write, form: str):
    ticket = _workable(request, pk)
    try:
        write(actor=request.user, ticket=ticket, body=request.POST.get("body", ""))
    except PeyvandError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        return _work(request, ticket, errors=_errors(exc), form=form, typed=request.POST.get("body", ""))
    if not request.htmx:
        messages.success(request, _("Saved."))
    return _work(request, ticket)


@login_required
@require_POST
def reply_view(request, pk: int):
    """A public reply, e-mailed to the customer."""
    return _post_message(request, pk, services_tickets.reply, "reply")


@login_required
@require_POST
def note_view(request, pk: int):
    """An internal note, for the team only."""
    return _post_message(request, pk, services_tickets.add_note, "note")


@login_required
@require_POST
def status_view(request, pk: int):
    ticket = _workable(request, pk)
    try:
        services_tickets.change_status(
            actor=request.user,
            ticket=ticket,
            status=request.POST.get("status", ""),
            version=_int(request.POST.get("version"), None),
        )
    except PeyvandError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        return _work(request, ticket, errors=_errors(exc))
    return _work(request, ticket)


@login_required
@require_POST
def merge_view(request, pk: int):
    """Merge this ticket into the one chosen (by its number); the page of the ticket merged into follows."""
    source = _workable(request, pk)
    if not permissions.can_merge_tickets(request.user):
        raise PermissionDenied
    try:
        target = find_visible(
            selectors_tickets.tickets_visible_to(request.user), _int(request.POST.get("target"))
        )
        merged = services_tickets.merge_tickets(actor=request.user, source=source, target=target)
    except NotFound:
        return _work(request, source, errors=[_("No such ticket, or you may not see it.")], form="merge")
    except PeyvandError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        return _work(request, source, errors=_errors(exc), form="merge")
    messages.success(request, _("Merged."))
    url = reverse("tickets:detail", args=[merged.pk])
    if request.htmx:
        from django.http import HttpResponse

        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


@login_required
@require_POST
def split_view(request, pk: int):
    """A new ticket from one message of this one; its page follows."""
    ticket = _workable(request, pk)
    try:
        message = find_visible(TicketMessage.objects.filter(ticket=ticket), _int(request.POST.get("message")))
        new = services_tickets.split_ticket(
            actor=request.user, ticket=ticket, message=message, subject=request.POST.get("subject", "")
        )
    except NotFound:
        return _work(request, ticket, errors=[_("No such message on this ticket.")], form="split")
    except PeyvandError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        return _work(request, ticket, errors=_errors(exc), form="split")
    messages.success(request, _("Split into a new ticket."))
    url = reverse("tickets:detail", args=[new.pk])
    if request.htmx:
        from django.http import HttpResponse

        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


STATUS_COLUMNS = [s for s in TicketStatus]
SLA_COLUMNS = [SLAState.BREACHED, SLAState.WARNING, SLAState.OK, SLAState.PAUSED, SLAState.NONE]


@login_required
@require_GET
def queue_view(request):
    """Per queue (team) the user sees tickets of: counts by status and open tickets by SLA state, each a link to
    the list filtered so."""
    rows = selectors_tickets.queue_counts(request.user, _int(request.GET.get("team"), None) or None)
    return render(
        request,
        "service/tickets/queue.html",
        {
            "rows": [
                {
                    "row": row,
                    "statuses": [(s, s.label, row.by_status.get(s, 0)) for s in STATUS_COLUMNS],
                    "sla": [(s, s.label, row.by_sla.get(s, 0)) for s in SLA_COLUMNS],
                }
                for row in rows
            ],
            "can_create": permissions.can_create_tickets(request.user),
            "can_work": permissions.can_work_tickets(request.user),  # the service dashboard's card
        },
    )


@login_required
@require_GET
def service_home_view(request):
    """/service/: the way into the service desk from the navigation."""
    rows = selectors_tickets.queue_counts(request.user)
    mine = (
        selectors_tickets.tickets_visible_to(request.user)
        .filter(
            owner=request.user, status__in=[s.value for s in TicketStatus if s not in ("resolved", "closed")]
        )
        .count()
    )
    return render(
        request,
        "service/home.html",
        {
            "open_count": sum(r.open for r in rows),
            "breached_count": sum(r.by_sla.get(SLAState.BREACHED, 0) for r in rows),
            "mine_count": mine,
            "can_create": permissions.can_create_tickets(request.user),
            "can_work": permissions.can_work_tickets(request.user),  # the service dashboard's card
        },
    )
