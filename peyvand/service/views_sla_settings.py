"""Settings pages of the service desk: SLA policies, ticket categories and support addresses. Thin: parse, call ``services_sla``,
render; each page checks the section's right again (``permissions.can_manage_service``)."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from peyvand.accounts.models import Team
from peyvand.billing.models import CustomerTier
from peyvand.core.errors import PeyvandError
from peyvand.service import permissions, services_sla
from peyvand.service.models import SLAPolicy, SupportAddress, TicketCategory, TicketPriority
from peyvand.service.models_routing import TicketRoutingRule
from peyvand.web.forms import add_service_errors

NUMBER = {"dir": "ltr", "inputmode": "numeric"}


def _admins_only(user) -> None:
    if not permissions.can_manage_service(user):
        raise PermissionDenied


class PolicyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    position = forms.CharField(
        label=gettext_lazy("Position"),
        required=False,
        initial="0",
        help_text=gettext_lazy("A ticket takes the first matching active policy, lowest position first."),
        widget=forms.TextInput(attrs=NUMBER),
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("For priority"),
        required=False,
        choices=[("", gettext_lazy("Any priority")), *TicketPriority.choices],
    )
    customer_tier = forms.ModelChoiceField(
        label=gettext_lazy("For customer tier"),
        queryset=CustomerTier.objects.all(),
        required=False,
        empty_label=gettext_lazy("Any tier"),
    )
    first_response_minutes = forms.CharField(
        label=gettext_lazy("First response within (working minutes)"), widget=forms.TextInput(attrs=NUMBER)
    )
    next_response_minutes = forms.CharField(
        label=gettext_lazy("Next response within (working minutes)"),
        required=False,
        help_text=gettext_lazy("Empty: no target for answers after the first."),
        widget=forms.TextInput(attrs=NUMBER),
    )
    resolution_minutes = forms.CharField(
        label=gettext_lazy("Resolution within (working minutes)"), widget=forms.TextInput(attrs=NUMBER)
    )
    warn_percent = forms.CharField(
        label=gettext_lazy("Warn at (% of the target)"), initial="75", widget=forms.TextInput(attrs=NUMBER)
    )
    day_start = forms.CharField(
        label=gettext_lazy("Working day starts"),
        initial="08:00",
        widget=forms.TextInput(attrs={"type": "time", "dir": "ltr"}),
    )
    day_end = forms.CharField(
        label=gettext_lazy("Working day ends"),
        initial="16:00",
        help_text=gettext_lazy(
            "A half day counts the first half of these hours; days off and holidays none."
        ),
        widget=forms.TextInput(attrs={"type": "time", "dir": "ltr"}),
    )


class CategoryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


class SupportAddressForm(forms.Form):
    address = forms.CharField(
        label=gettext_lazy("Address"), max_length=254, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    team = forms.ModelChoiceField(label=gettext_lazy("Queue"), queryset=Team.objects.order_by("name"))
    category = forms.ModelChoiceField(
        label=pgettext_lazy("service desk", "category"),
        queryset=TicketCategory.objects.filter(active=True),
        required=False,
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), choices=TicketPriority.choices, initial=TicketPriority.NORMAL
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


def _policy_initial(policy: SLAPolicy) -> dict:
    initial = {name: getattr(policy, name) for name in PolicyForm.base_fields if name != "customer_tier"}
    initial["customer_tier"] = policy.customer_tier_id
    for name in ("day_start", "day_end"):
        value = initial[name]
        initial[name] = value.strftime("%H:%M") if isinstance(value, dt.time) else value
    return initial


@login_required
def sla_settings_view(request):
    """The policies in the order tickets try them, and the ticket categories with a form to add one."""
    _admins_only(request.user)
    return render(
        request,
        "service/settings/sla.html",
        {
            "policies": SLAPolicy.objects.select_related("customer_tier"),
            "categories": TicketCategory.objects.annotate(ticket_count=Count("tickets")),
            "category_form": CategoryForm(auto_id="id_category_%s"),
            "addresses": SupportAddress.objects.select_related("team", "category"),
            "routing_rules": TicketRoutingRule.objects.select_related("team", "agent"),
        },
    )


@login_required
def policy_view(request, pk: int | None = None):
    """Add (no pk) or change an SLA policy."""
    _admins_only(request.user)
    policy = get_object_or_404(SLAPolicy, pk=pk) if pk else None
    form = PolicyForm(
        request.POST if request.method == "POST" else None,
        initial=_policy_initial(policy) if policy else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_sla.save_policy(actor=request.user, policy=policy, values=form.cleaned_data)
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("service-sla-settings"))
    return render(
        request,
        "service/settings/policy_form.html",
        {"form": form, "policy": policy},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def policy_delete_view(request, pk: int):
    _admins_only(request.user)
    services_sla.delete_policy(actor=request.user, policy=get_object_or_404(SLAPolicy, pk=pk))
    messages.success(request, _("Deleted."))
    return HttpResponseRedirect(reverse("service-sla-settings"))


@login_required
def category_view(request, pk: int | None = None):
    """Add (no pk, posted from the section's page) or change a ticket category."""
    _admins_only(request.user)
    category = get_object_or_404(TicketCategory, pk=pk) if pk else None
    initial = {"name": category.name, "active": category.active} if category else None
    form = CategoryForm(
        request.POST if request.method == "POST" else None, initial=initial, auto_id="id_category_%s"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_sla.save_category(actor=request.user, category=category, values=form.cleaned_data)
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("service-sla-settings") + "#categories")
    return render(
        request,
        "service/settings/category_form.html",
        {"form": form, "category": category},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def category_delete_view(request, pk: int):
    _admins_only(request.user)
    try:
        services_sla.delete_category(actor=request.user, category=get_object_or_404(TicketCategory, pk=pk))
    except PeyvandError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Deleted."))
    return HttpResponseRedirect(reverse("service-sla-settings") + "#categories")


@login_required
def support_address_view(request, pk: int | None = None):
    """Add (no pk) or change a support address: mail to it opens tickets in its queue."""
    _admins_only(request.user)
    address = get_object_or_404(SupportAddress, pk=pk) if pk else None
    initial = (
        {
            "address": address.address,
            "team": address.team_id,
            "category": address.category_id,
            "priority": address.priority,
            "active": address.active,
        }
        if address
        else None
    )
    form = SupportAddressForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_sla.save_support_address(actor=request.user, address=address, values=form.cleaned_data)
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("service-sla-settings") + "#addresses")
    return render(
        request,
        "service/settings/address_form.html",
        {"form": form, "address": address},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def support_address_delete_view(request, pk: int):
    _admins_only(request.user)
    services_sla.delete_support_address(actor=request.user, address=get_object_or_404(SupportAddress, pk=pk))
    messages.success(request, _("Deleted."))
    return HttpResponseRedirect(reverse("service-sla-settings") + "#addresses")
