"""Winning and losing a deal from its page and the board, and the settings page of the lost reasons.

Thin views over the services the API uses (``win_deal``, ``lose_deal``, ``save_lost_reason``): winning is one
form post; losing is a form (a dialog on the deal page and the board, a page of its own without scripts) asking
the reason from the list and an optional note.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peyvand.core.errors import PeyvandError
from peyvand.core.text import to_ascii_digits
from peyvand.sales import permissions, selectors
from peyvand.sales.exit_criteria import ExitCriteriaMissing
from peyvand.sales.models import LostReason
from peyvand.sales.resources import DEALS
from peyvand.sales.services import lose_deal, save_lost_reason, win_deal


def _version(request) -> int | None:
    try:
        return int(to_ascii_digits(request.POST.get("version", "")))
    except ValueError:
        return None


def _back(request, pk: int) -> str:
    """Where to go after the outcome: the page the button was on (the board), else the deal page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("deals:detail", args=[pk])


def _message(exc: PeyvandError) -> str:
    """The refusal in one line: exit criteria name what is missing in their message; a field error says it in
    its own message; anything else (a stale version, a deleted deal) in the message."""
    if isinstance(exc, ExitCriteriaMissing) or not exc.errors:
        return str(exc.message)
    return " ".join(str(e["message"]) for e in exc.errors)


@login_required
@require_POST
def win_view(request, pk: int):
    deal = DEALS.get(request, pk)
    try:
        deal = win_deal(actor=request.user, deal=deal, version=_version(request))
    except PeyvandError as exc:
        messages.error(request, _message(exc))
        return HttpResponseRedirect(_back(request, pk))
    messages.success(request, _("“%(deal)s” is won.") % {"deal": deal.title})
    return HttpResponseRedirect(_back(request, pk))


@login_required
def lose_view(request, pk: int):
    """The lose form as a page (what the Lost button opens when scripts are off) and where the dialog posts."""
    deal = DEALS.get(request, pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            deal = lose_deal(
                actor=request.user,
                deal=deal,
                version=_version(request),
                reason=to_ascii_digits(request.POST.get("reason", "")),
                note=request.POST.get("note", ""),
            )
        except PeyvandError as exc:
            fields = {str(e.get("field")): str(e["message"]) for e in exc.errors or []}
            errors = fields or {"": str(exc.message)}
            if not ({"reason", "note"} & set(fields)):
                messages.error(request, _message(exc))
                return HttpResponseRedirect(_back(request, pk))
        else:
            messages.success(request, _("“%(deal)s” is lost.") % {"deal": deal.title})
            return HttpResponseRedirect(_back(request, pk))
    return render(
        request,
        "sales/lose.html",
        {
            "record": deal,
            "reasons": selectors.lost_reasons(),
            "errors": errors,
            "next": _back(request, pk),
            "chosen": request.POST.get("reason", ""),
            "note": request.POST.get("note", ""),
        },
        status=400 if errors else 200,
    )


def _admin_only(user) -> None:
    if not permissions.can_change_lost_reasons(user):
        raise PermissionDenied


def _order(value: str):
    value = to_ascii_digits((value or "").strip())
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return value  # the service answers a field error for it


@login_required
def lost_reasons_view(request):
    """The list of lost reasons, with a form to add one."""
    _admin_only(request.user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            save_lost_reason(
                actor=request.user, values={"name": request.POST.get("name", ""), "active": True}
            )
        except PeyvandError as exc:
            errors = {str(e.get("field")): str(e["message"]) for e in exc.errors or []} or {
                "": str(exc.message)
            }
        else:
            messages.success(request, _("Reason added."))
            return HttpResponseRedirect(reverse("sales-lost-reasons"))
    return render(
        request,
        "sales/lost_reasons.html",
        {
            "reasons": selectors.lost_reasons(include_inactive=True),
            "errors": errors,
            "name": request.POST.get("name", ""),
        },
        status=400 if errors else 200,
    )


@login_required
def lost_reason_edit_view(request, pk: int):
    """Rename a reason, change its place in the list, or stop offering it."""
    _admin_only(request.user)
    reason = get_object_or_404(LostReason, pk=pk)
    errors: dict[str, str] = {}
    values = {"name": reason.name, "order": reason.order, "active": reason.active}
    if request.method == "POST":
        values = {
            "name": request.POST.get("name", ""),
            "order": _order(request.POST.get("order", "")),
            "active": request.POST.get("active") in ("1", "on", "true"),
        }
        try:
            save_lost_reason(actor=request.user, reason=reason, values=values)
        except PeyvandError as exc:
            errors = {str(e.get("field")): str(e["message"]) for e in exc.errors or []} or {
                "": str(exc.message)
            }
            reason.refresh_from_db()
        else:
            messages.success(request, _("Reason saved."))
            return HttpResponseRedirect(reverse("sales-lost-reasons"))
    return render(
        request,
        "sales/lost_reason_form.html",
        {"reason": reason, "values": values, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_POST
def lost_reason_active_view(request, pk: int):
    """Deactivate (or offer again) a reason from the list in one click."""
    _admin_only(request.user)
    reason = get_object_or_404(LostReason, pk=pk)
    try:
        save_lost_reason(
            actor=request.user, reason=reason, values={"active": request.POST.get("active") in ("1", "true")}
        )
    except PeyvandError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse("sales-lost-reasons"))
