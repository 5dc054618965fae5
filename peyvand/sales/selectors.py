"""Reads of pipelines and deals, already limited to what the user may see."""

from django.db.models import Prefetch, Q

from peyvand.core.listing import Filter, ListSpec, as_date, as_decimal, as_int
from peyvand.sales.models import Deal, Pipeline, Stage, StageHistory

DEAL_LIST = ListSpec(
    entity="deal",
    ordering=("created_at", "updated_at", "amount", "expected_close_date", "title", "stage_entered_at"),
    default_ordering="-created_at",
    filters={
        "owner": Filter("owner_id", as_int),
        "team": Filter("team_id", as_int),
        "pipeline": Filter("pipeline_id", as_int),
        "stage": Filter("stage_id", as_int),
        "status": Filter("status"),
        "contact": Filter("contact_id", as_int),
        "company": Filter("company_id", as_int),
        "tag": Filter("tags__name"),
        "amount_min": Filter("amount__gte", as_decimal),
        "amount_max": Filter("amount__lte", as_decimal),
        "close_after": Filter("expected_close_date__gte", as_date),
        "close_before": Filter("expected_close_date__lte", as_date),
        "created_after": Filter("created_at__date__gte", as_date),
        "created_before": Filter("created_at__date__lte", as_date),
    },
)

PIPELINE_LIST = ListSpec(
    entity="pipeline",
    ordering=("order", "name", "created_at"),
    default_ordering="order",
    filters={"team": Filter("team_id", as_int)},
)


def pipelines_visible_to(user):
    """Pipelines shared by every team, plus the user's team's own; an admin sees all."""
    stages = Prefetch("stages", queryset=Stage.objects.order_by("order", "id"))
    queryset = Pipeline.objects.prefetch_related(stages).select_related("team")
    if user is None or not user.is_authenticated:
        return queryset.none()
    if user.is_admin:
        return queryset
    return queryset.filter(Q(team__isnull=True) | Q(team_id=user.team_id))


def deals_visible_to(user):
    return (
        Deal.objects.visible_to(user)
        .select_related("owner", "team", "pipeline", "stage", "contact", "company")
        .prefetch_related("tags")
    )


def stage_history(deal: Deal):
    return StageHistory.objects.filter(deal=deal).select_related("from_stage", "to_stage", "moved_by")


def board(user, pipeline: Pipeline, params=None):
    """The pipeline's stages, each with the open and recently closed deals the user may see."""
    from peyvand.core.listing import apply_list_params

    deals = deals_visible_to(user).filter(pipeline=pipeline)
    if params:
        deals = apply_list_params(deals, DEAL_LIST, {k: v for k, v in params.items() if k != "pipeline"})
    by_stage: dict[int, list[Deal]] = {}
    for deal in deals.order_by("stage_entered_at", "id")[:2000]:
        by_stage.setdefault(deal.stage_id, []).append(deal)
    return [(stage, by_stage.get(stage.pk, [])) for stage in pipeline.stages.all()]
