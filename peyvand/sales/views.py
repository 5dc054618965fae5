from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peyvand.core.choices import Audience, Channel
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.listing import as_int, paginate
from peyvand.sales import exit_criteria, permissions, selectors
from peyvand.sales.models import Deal, DealStatus, Stage
from peyvand.sales.resources import DEALS
from peyvand.sales.segments import CUSTOMER_CURRENT, CUSTOMER_NEW
from peyvand.sales.services import move_deal_to_stage, set_checklist_item
from peyvand.web.filters import choices_filter, owner_filter
from peyvand.web.forms import RecordForm
from peyvand.web.screens import FilterChoice, Screen


class DealForm(RecordForm):
    model = Deal
    entity = "deal"
    field_names = (
        "title",
        "amount",
        "currency",
        "expected_close_date",
        "pipeline",
        "stage",
        "contact",
        "company",
        "lost_reason",
        "tags",
        "owner",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pipelines = selectors.pipelines_visible_to(self.user)
        self.fields["pipeline"].queryset = pipelines
        self.fields["stage"].queryset = Stage.objects.filter(pipeline__in=pipelines).select_related(
            "pipeline"
        )
        self.fields["stage"].label_from_instance = lambda s: f"{s.pipeline.name} › {s.name}"
        self.fields["stage"].required = False
        self.fields["pipeline"].required = False
        self.fields["currency"].widget.attrs.update({"dir": "ltr", "maxlength": 3})
        if self.instance is not None and permissions.can_override_exit_criteria(self.user, self.instance):
            self.fields["override_reason"] = forms.CharField(
                label=gettext_lazy("Reason to override exit criteria"),
                required=False,
                max_length=exit_criteria.MAX_OVERRIDE_REASON,
                help_text=gettext_lazy(
                    "Only when moving on although the stage's exit criteria are missing; kept in the audit trail."
                ),
            )

    def clean(self):
        data = super().clean()
        if not data.get("override_reason"):
            data.pop("override_reason", None)  # no reason given: the criteria apply in full
        return data


def _stages(user):
    stages = Stage.objects.filter(pipeline__in=selectors.pipelines_visible_to(user)).select_related(
        "pipeline"
    )
    return [(s.pk, f"{s.pipeline.name} › {s.name}") for s in stages]


def _pipelines(user):
    return [(p.pk, p.name) for p in selectors.pipelines_visible_to(user)]


def _deal_extra(user, deal):
    return {
        "stage_history": list(selectors.stage_history(deal)),
        "checklists": selectors.deal_checklists(deal),
        "can_override": permissions.can_override_exit_criteria(user, deal),
        "days_over": deal.days_over_limit(),
        "lost_reasons": list(selectors.lost_reasons()),
    }


DEAL_SCREEN = Screen(
    resource=DEALS,
    form_class=DealForm,
    columns=("title", "amount", "stage", "company", "expected_close_date", "owner"),
    extra_fields=("status", "lead", "stage_entered_at", "closed_at"),
    filters=(
        owner_filter(),
        FilterChoice("pipeline", gettext_lazy("Pipeline"), _pipelines),
        FilterChoice("stage", gettext_lazy("Stage"), _stages),
        choices_filter("status", gettext_lazy("Status"), DealStatus.choices),
        choices_filter("channel", gettext_lazy("Channel"), Channel.choices),
        choices_filter("audience", gettext_lazy("Audience"), Audience.choices),
        choices_filter(
            "customer",
            gettext_lazy("Customer"),
            [
                (CUSTOMER_NEW, gettext_lazy("New customers")),
                (CUSTOMER_CURRENT, gettext_lazy("Current customers")),
            ],
        ),
    ),
    detail_extra=_deal_extra,
    initial_from_request=("contact", "company"),
    can_create=lambda user: permissions.can_create_deals(user),  # looked up when asked: one rule
    inline_fields=("title", "amount", "expected_close_date"),
)


@login_required
def board_view(request):
    pipelines = list(selectors.pipelines_visible_to(request.user))
    if not pipelines:
        return render(request, "sales/board.html", {"pipelines": [], "columns": []})
    chosen = None
    try:
        chosen_id = as_int(request.GET.get("pipeline", "")) if request.GET.get("pipeline") else None
    except ValueError:
        chosen_id = None
    chosen = next((p for p in pipelines if p.pk == chosen_id), None)
    if chosen is None:
        chosen = next((p for p in pipelines if p.is_default), pipelines[0])
    filters = {k: v for k, v in request.GET.items() if k in ("owner", "search")}
    columns = selectors.board(request.user, chosen, filters)
    return render(
        request,
        "sales/board.html",
        {
            "pipelines": pipelines,
            "pipeline": chosen,
            "columns": columns,
            "owner_filter": owner_filter(),
            "owners": owner_filter().options(request.user),
            "params": filters,
            "lost_reasons": list(selectors.lost_reasons()),
        },
    )


@login_required
@require_POST
def move_view(request, pk: int):
    """The board's drop: the same service as the API, answering the updated card or the refusal."""
    deal = DEALS.get(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    from_board = request.headers.get("X-Requested-With") == "fetch"
    try:
        deal = move_deal_to_stage(
            actor=request.user,
            deal=deal,
            stage=request.POST.get("stage"),
            version=version,
            lost_reason=request.POST.get("lost_reason") or None,
            override_reason=request.POST.get("override_reason") or None,
        )
    except PeyvandError as exc:
        if from_board:
            body = exc.as_dict()
            if isinstance(exc, exit_criteria.ExitCriteriaMissing):
                # The message already names everything missing; the board shows it once, and the fields
                # and items stay listed apart for scripts.
                body["missing"], body["errors"] = body["errors"], []
                if exc.code == "deal.exit_criteria" and permissions.can_override_exit_criteria(
                    request.user, deal
                ):
                    body["detail"] += " " + _(
                        "You may move it on anyway from the deal page, giving a reason."
                    )
            return JsonResponse(body, status=exc.status)
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(reverse("deals:detail", args=[pk]))
    if from_board:
        return render(request, "sales/_card.html", {"deal": DEALS.get(request, deal.pk)})
    messages.success(request, _("Moved to %(stage)s.") % {"stage": deal.stage.name})
    return HttpResponseRedirect(reverse("deals:detail", args=[pk]))


@login_required
@require_POST
def checklist_view(request, pk: int, item_id: int):
    """Tick or untick one checklist item of a deal; htmx gets the checklist back, a plain form the deal page."""
    deal = DEALS.get(request, pk)
    try:
        set_checklist_item(
            actor=request.user, deal=deal, item=item_id, done=request.POST.get("done") in ("1", "on", "true")
        )
    except PeyvandError as exc:
        if request.htmx:
            return JsonResponse(exc.as_dict(), status=exc.status)
        messages.error(request, str(exc.message))
    if request.htmx:
        return render(
            request, "sales/_checklist.html", {"record": deal, "checklists": selectors.deal_checklists(deal)}
        )
    return HttpResponseRedirect(reverse("deals:detail", args=[pk]))


@login_required
def stuck_view(request):
    """Deals the user may see that stayed in their stage longer than its maximum days."""
    try:
        page = paginate(selectors.stuck_deals_visible_to(request.user), request.GET.get("page"))
    except ValidationFailed:
        page = paginate(selectors.stuck_deals_visible_to(request.user))
    return render(request, "sales/stuck.html", {"page": page})
