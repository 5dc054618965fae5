from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from peyvand.core.choices import Channel
from peyvand.core.errors import PeyvandError
from peyvand.leads.api import LEADS
from peyvand.leads.models import Lead, LeadStatus
from peyvand.leads.services import convert_lead
from peyvand.sales.selectors import pipelines_visible_to
from peyvand.web.filters import choices_filter, owner_filter
from peyvand.web.forms import RecordForm, add_service_errors
from peyvand.web.screens import Screen


class LeadForm(RecordForm):
    model = Lead
    entity = "lead"
    field_names = (
        "first_name",
        "last_name",
        "title",
        "company_name",
        "industry",
        "phone",
        "email",
        "city",
        "region",
        "source",
        "status",
        "description",
        "tags",
        "owner",
    )


class ConvertForm(forms.Form):
    pipeline = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Pipeline"), required=False)
    deal_title = forms.CharField(label=gettext_lazy("Deal title"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (Rial)"), min_value=0, max_digits=20, decimal_places=2, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pipeline"].queryset = pipelines_visible_to(user)


LEAD_SCREEN = Screen(
    resource=LEADS,
    form_class=LeadForm,
    columns=("last_name", "first_name", "company_name", "phone", "source", "status", "owner", "created_at"),
    extra_fields=("contact", "company", "converted_at"),
    filters=(
        owner_filter(),
        choices_filter("status", gettext_lazy("Status"), LeadStatus.choices),
        choices_filter("source", gettext_lazy("Source channel"), Channel.choices),
    ),
)


@login_required
@require_http_methods(["GET", "POST"])
def convert_view(request, pk: int):
    lead = LEADS.get(request, pk)
    form = ConvertForm(
        request.POST or None, user=request.user, initial={"deal_title": lead.company_name or str(lead)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            lead, deal = convert_lead(
                actor=request.user,
                lead=lead,
                version=int(request.POST.get("version", 0)),
                **form.cleaned_data,
            )
            messages.success(request, _("Lead converted; a new deal is open."))
            return HttpResponseRedirect(reverse("deals:detail", args=[deal.pk]))
        except PeyvandError as exc:
            add_service_errors(form, exc)
    return render(request, "leads/convert.html", {"lead": lead, "form": form})
