from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peyvand.core.errors import PeyvandError
from peyvand.core.listing import as_int
from peyvand.sales import selectors
from peyvand.sales.api import DEALS
from peyvand.sales.models import Deal, DealStatus, Stage
from peyvand.sales.services import move_deal_to_stage
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


def _stages(user):
    stages = Stage.objects.filter(pipeline__in=selectors.pipelines_visible_to(user)).select_related(
        "pipeline"
    )
    return [(s.pk, f"{s.pipeline.name} › {s.name}") for s in stages]


def _pipelines(user):
    return [(p.pk, p.name) for p in selectors.pipelines_visible_to(user)]


def _deal_extra(user, deal):
    return {"stage_history": list(selectors.stage_history(deal))}


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
    ),
    detail_extra=_deal_extra,
    initial_from_request=("contact", "company"),
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
        )
    except PeyvandError as exc:
        if from_board:
            return JsonResponse(exc.as_dict(), status=exc.status)
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(reverse("deals:detail", args=[pk]))
    if from_board:
        return render(request, "sales/_card.html", {"deal": DEALS.get(request, deal.pk)})
    messages.success(request, _("Moved to %(stage)s.") % {"stage": deal.stage.name})
    return HttpResponseRedirect(reverse("deals:detail", args=[pk]))
