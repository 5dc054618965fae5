"""Pages of contracts and warranties beside their generic record pages: covered items, service plans, and work
logged against a contract from a ticket. Each fetches its record through the user's visibility (else 404), calls
the service, and goes back to the page it came from with the service's refusal, if any, as a message."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peyvand.core.errors import PeyvandError
from peyvand.core.text import to_ascii_digits
from peyvand.service import services_contracts
from peyvand.service.models_contracts import ServicePlan
from peyvand.service.resources_contracts import CONTRACTS, WARRANTIES
from peyvand.service.resources_tickets import TICKETS
from peyvand.web.forms import LocalDateField


class PlanForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("service"), max_length=200)
    every_months = forms.IntegerField(label=gettext_lazy("every (months)"), min_value=1, max_value=120)
    next_due = LocalDateField(label=gettext_lazy("next due"))
    create_days_before = forms.IntegerField(
        label=gettext_lazy("open the service order (days before)"), min_value=0, max_value=365, initial=14
    )
    remind_days_before = forms.IntegerField(
        label=gettext_lazy("remind (days before)"), min_value=0, max_value=365, initial=7
    )


def _refusal(exc: PeyvandError) -> str:
    return " ".join(str(e["message"]) for e in exc.errors) or str(exc.message)


def _form_errors(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
        for name, errors in form.errors.items()
    )


def _int(value) -> int | None:
    try:
        return int(to_ascii_digits(str(value)))
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def item_view(request, pk: int):
    """Cover a product or a serial number (``action=add``), or stop covering one (``action=remove``)."""
    contract = CONTRACTS.get(request, pk)
    back = reverse("contracts:detail", args=[contract.pk]) + "#contract-items"
    try:
        if request.POST.get("action") == "remove":
            services_contracts.remove_contract_item(
                actor=request.user, contract=contract, item_id=_int(request.POST.get("item")) or 0
            )
        else:
            services_contracts.add_contract_item(
                actor=request.user,
                contract=contract,
                product=request.POST.get("product") or None,
                serial_number=request.POST.get("serial_number", ""),
            )
    except PeyvandError as exc:
        messages.error(request, _refusal(exc))
    return HttpResponseRedirect(back)


def _plan(request, *, contract=None, warranty=None, back: str):
    if request.POST.get("action") == "stop":
        owner = {"contract": contract} if contract is not None else {"warranty": warranty}
        plan = ServicePlan.objects.filter(pk=_int(request.POST.get("plan")) or 0, **owner).first()
        if plan is None:
            messages.error(request, _("No such record, or you may not use it."))
        else:
            services_contracts.stop_service_plan(actor=request.user, plan=plan)
        return HttpResponseRedirect(back)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return HttpResponseRedirect(back)
    try:
        services_contracts.create_service_plan(
            actor=request.user, contract=contract, warranty=warranty, **form.cleaned_data
        )
    except PeyvandError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("The service plan is saved."))
    return HttpResponseRedirect(back)


@login_required
@require_POST
def contract_plan_view(request, pk: int):
    contract = CONTRACTS.get(request, pk)
    return _plan(request, contract=contract, back=reverse("contracts:detail", args=[pk]) + "#service-plans")


@login_required
@require_POST
def warranty_plan_view(request, pk: int):
    warranty = WARRANTIES.get(request, pk)
    return _plan(request, warranty=warranty, back=reverse("warranties:detail", args=[pk]) + "#service-plans")


@login_required
@require_POST
def usage_view(request, pk: int):
    """Work logged against the contract from a ticket's coverage panel; back to the ticket. The contract need not
    be one the agent may open: it must cover the ticket, which they must see and work."""
    from django.core.exceptions import PermissionDenied

    from peyvand.service.permissions_contracts import can_log_contract_work
    from peyvand.service.selectors_contracts import covering_contracts

    if not can_log_contract_work(request.user):
        raise PermissionDenied
    ticket = TICKETS.get(request, _int(request.POST.get("ticket")) or 0)

    contract = next((c for c in covering_contracts(ticket) if c.pk == pk), None)
    back = reverse("tickets:detail", args=[ticket.pk]) + "#coverage"
    if contract is None:
        messages.error(request, _("This contract does not cover the ticket's customer or item today."))
        return HttpResponseRedirect(back)
    try:
        services_contracts.log_contract_work(
            actor=request.user,
            ticket=ticket,
            contract=contract,
            amount=request.POST.get("amount", ""),
            note=request.POST.get("note", ""),
        )
    except PeyvandError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("The work is logged against the contract."))
    return HttpResponseRedirect(back)
