from csp.decorators import csp_replace
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from peyvand.contacts.merge import undoable_merge_for
from peyvand.core.choices import Channel
from peyvand.core.clientip import client_address
from peyvand.core.errors import PeyvandError
from peyvand.leads import intake, scoring, selectors
from peyvand.leads.models import Lead, LeadStatus, ScoreBand, ScoringModel
from peyvand.leads.resources import LEADS
from peyvand.leads.services import convert_lead
from peyvand.sales.selectors import pipelines_visible_to
from peyvand.web.filters import choices_filter, owner_filter
from peyvand.web.forms import MoneyField, RecordForm, add_service_errors
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
        "pipeline",
        "budget",
        "purchase_timeline",
        "audience",
        "language",
        "description",
        "tags",
        "owner",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["pipeline"].queryset = pipelines_visible_to(user)


class ConvertForm(forms.Form):
    pipeline = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Pipeline"), required=False)
    deal_title = forms.CharField(label=gettext_lazy("Deal title"), max_length=200, required=False)
    amount = MoneyField(label=gettext_lazy("Amount"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pipeline"].queryset = pipelines_visible_to(user)


LEAD_SCREEN = Screen(
    resource=LEADS,
    form_class=LeadForm,
    columns=(
        "last_name",
        "first_name",
        "company_name",
        "phone",
        "source",
        "score",
        "status",
        "owner",
        "created_at",
    ),
    extra_fields=("contact", "company", "converted_at", "source_detail", "source_url", "web_form"),
    filters=(
        owner_filter(),
        choices_filter("status", gettext_lazy("Status"), LeadStatus.choices),
        choices_filter("source", gettext_lazy("Source channel"), Channel.choices),
        choices_filter("score_band", gettext_lazy("Score band"), ScoreBand.choices),
    ),
    detail_extra=lambda user, lead: {"undoable_merge": undoable_merge_for(lead, user)},
    inline_fields=(
        "first_name",
        "last_name",
        "title",
        "company_name",
        "industry",
        "phone",
        "email",
        "city",
        "region",
        "budget",
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


# --- the embeddable public form ------------------------------------------------------------------------------


@csrf_exempt  # embedded on other sites; the form's key, the honeypot and the rate limit protect it
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # any customer's site may frame it; the rest of the policy holds
@require_http_methods(["GET", "POST"])
def public_form_view(request, key: str):
    """The web form as a small page to embed (iframe) or link to; a submission becomes a lead.

    It is in Persian (right to left) unless the link asks for English (``?lang=en``), for English pages.
    """
    with translation.override("en" if request.GET.get("lang") == "en" else "fa"):
        try:
            form = intake.active_form(key)
        except PeyvandError:
            raise Http404 from None
        public = intake.PublicLeadForm(form)
        status, done = 200, False
        if request.method == "POST":
            public = intake.PublicLeadForm(form, data=request.POST)
            try:
                intake.submit_web_form(
                    form=form,
                    data=request.POST.dict(),
                    address=client_address(request),
                    page_url=request.headers.get("Referer", ""),
                )
                done = True
            except PeyvandError as exc:
                status = exc.status
                public.is_valid()  # the form's own errors first; the service's below
                for item in exc.errors:
                    name = item.get("field") or None
                    name = f"cf_{name[7:]}" if name and name.startswith("custom.") else name
                    if name not in public.fields:
                        name = None
                    if not (name and public.has_error(name)):
                        public.add_error(name, str(item["message"]))
                if not exc.errors:
                    public.add_error(None, str(exc.message))
        return render(
            request,
            "leads/public_form.html",
            {"web_form": form, "form": public, "done": done, "honeypot": intake.HONEYPOT},
            status=status,
        )


# --- scoring insights (administrators) -----------------------------------------------------------------------


def _admin_model(request, pk: int) -> ScoringModel:
    return get_object_or_404(selectors.scoring_models_visible_to(request.user), pk=pk)


@login_required
def scoring_insights_view(request, pk: int):
    model = _admin_model(request, pk)
    return render(
        request,
        "leads/scoring_insights.html",
        {"model": model, "insights": scoring.model_insights(actor=request.user, model=model)},
    )


@login_required
@require_POST
def accept_suggestion_view(request, pk: int, rule_id: int):
    model = _admin_model(request, pk)
    try:
        rule, job = scoring.accept_suggestion(actor=request.user, model=model, rule_id=rule_id)
        messages.success(
            request,
            _("“%(rule)s” now gives %(points)s points; leads are being re-scored.")
            % {"rule": rule.label, "points": rule.points},
        )
    except PeyvandError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse("scoring_insights", args=[model.pk]))


@login_required
@require_POST
def rescore_view(request, pk: int):
    job = scoring.start_rescore_by(actor=request.user, model=_admin_model(request, pk))
    return HttpResponseRedirect(reverse("job", args=[job.pk]))
