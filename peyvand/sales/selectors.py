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
    search_lookup="name__icontains",
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


def board(user, pipeline: Pipeline, params=None, *, closed_days: int = 30, per_stage: int = 200):
    """The pipeline's stages, each with the deals the user may see: open ones, and those closed lately.

    Returns (stage, deals, total) per stage; ``deals`` is capped at ``per_stage``, ``total`` is not.
    """
    from django.db.models import Count
    from django.utils import timezone

    from peyvand.core.listing import apply_list_params

    deals = (
        deals_visible_to(user)
        .filter(pipeline=pipeline)
        .filter(Q(status="open") | Q(closed_at__gte=timezone.now() - timezone.timedelta(days=closed_days)))
    )
    if params:
        deals = apply_list_params(deals, DEAL_LIST, {k: v for k, v in params.items() if k != "pipeline"})
    totals = dict(deals.order_by().values_list("stage_id").annotate(n=Count("id")))
    columns = []
    for stage in pipeline.stages.all():
        cards = (
            list(deals.filter(stage=stage).order_by("stage_entered_at", "id")[:per_stage])
            if totals.get(stage.pk)
            else []
        )
        columns.append((stage, cards, totals.get(stage.pk, 0)))
    return columns
