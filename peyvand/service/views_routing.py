"""The routing rules' settings pages (in the service desk's section): add, change, delete. Thin: parse, call
``services_routing``, render."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from peyvand.accounts.models import Team, User
from peyvand.billing.models import CustomerTier, Product
from peyvand.core.errors import PeyvandError
from peyvand.service import services_routing
from peyvand.service.models import TicketCategory, TicketChannel, TicketPriority, TicketType
from peyvand.service.models_routing import RoutingStrategy, TicketRoutingRule
from peyvand.service.routing import SUPPORT_ROLES
from peyvand.service.views_sla_settings import NUMBER, _admins_only
from peyvand.web.forms import add_service_errors

ANY = gettext_lazy("Any")


class RoutingRuleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    position = forms.CharField(
        label=gettext_lazy("Position"),
        required=False,
        initial="0",
        help_text=gettext_lazy("A ticket takes the first matching active rule, lowest position first."),
        widget=forms.TextInput(attrs=NUMBER),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), required=False, choices=[("", ANY), *TicketChannel.choices]
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Type"), required=False, choices=[("", ANY), *TicketType.choices]
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), required=False, choices=[("", ANY), *TicketPriority.choices]
    )
    category = forms.ModelChoiceField(
        label=pgettext_lazy("service desk", "category"),
        queryset=TicketCategory.objects.filter(active=True),
        required=False,
        empty_label=ANY,
    )
    product = forms.ModelChoiceField(
        label=gettext_lazy("Product"),
        queryset=Product.objects.order_by("name"),
        required=False,
        empty_label=ANY,
    )
    customer_tier = forms.ModelChoiceField(
        label=gettext_lazy("Customer tier"),
        queryset=CustomerTier.objects.all(),
        required=False,
        empty_label=ANY,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Customer's language"), required=False, choices=[("", ANY), *settings.LANGUAGES]
    )
    keywords = forms.CharField(
        label=gettext_lazy("Words in the subject or text"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Comma-separated; any one of them matches."),
    )
    strategy = forms.ChoiceField(
        label=gettext_lazy("Give it to"), choices=RoutingStrategy.choices, initial=RoutingStrategy.LEAST_OPEN
    )
    team = forms.ModelChoiceField(label=gettext_lazy("Queue"), queryset=Team.objects.order_by("name"))
    agent = forms.ModelChoiceField(
        label=gettext_lazy("Agent"),
        queryset=User.objects.filter(is_active=True, role__in=SUPPORT_ROLES).order_by("username"),
        required=False,
        help_text=gettext_lazy("Only for “A named agent”."),
    )


def _initial(rule: TicketRoutingRule) -> dict:
    initial = {name: getattr(rule, name) for name in RoutingRuleForm.base_fields}
    for name in ("category", "product", "customer_tier", "team", "agent"):
        initial[name] = getattr(rule, f"{name}_id")
    return initial


@login_required
def rule_view(request, pk: int | None = None):
    """Add (no pk) or change a routing rule."""
    _admins_only(request.user)
    rule = get_object_or_404(TicketRoutingRule, pk=pk) if pk else None
    form = RoutingRuleForm(
        request.POST if request.method == "POST" else None, initial=_initial(rule) if rule else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_routing.save_rule(actor=request.user, rule=rule, values=form.cleaned_data)
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("service-sla-settings") + "#routing")
    return render(
        request,
        "service/settings/routing_form.html",
        {"form": form, "rule": rule},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def rule_delete_view(request, pk: int):
    _admins_only(request.user)
    services_routing.delete_rule(actor=request.user, rule=get_object_or_404(TicketRoutingRule, pk=pk))
    messages.success(request, _("Deleted."))
    return HttpResponseRedirect(reverse("service-sla-settings") + "#routing")
