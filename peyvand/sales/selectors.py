"""Reads of pipelines and deals, already limited to what the user may see."""

import datetime as dt

from django.db.models import BooleanField, Case, DateTimeField, ExpressionWrapper, F, Prefetch, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peyvand.core.listing import Filter, ListSpec, as_bool, as_date, as_decimal, as_int
from peyvand.sales.models import (
    ChecklistCheck,
    ChecklistItem,
    Deal,
    LostReason,
    Pipeline,
    Stage,
    StageHistory,
)
from peyvand.sales.segments import (
    earlier_win,
    is_current_customer,
    reach,
    segment_expressions,
    stage_name,
    stage_order,
)

DEAL_LIST = ListSpec(
    entity="deal",
    ordering=("created_at", "updated_at", "amount", "expected_close_date", "title", "stage_entered_at"),
    default_ordering="-created_at",
    filters={
        "owner": Filter("owner_id", as_int, _("Owner")),
        "team": Filter("team_id", as_int, _("Team")),
        "pipeline": Filter("pipeline_id", as_int, _("Pipeline")),
        "stage": Filter("stage_id", as_int, _("Stage")),
        "status": Filter("status", label=_("Status")),
        "contact": Filter("contact_id", as_int, _("Contact")),
        "company": Filter("company_id", as_int, _("Company")),
        "tag": Filter("tags__name", label=_("Tag")),
        "amount_min": Filter("amount__gte", as_decimal, _("Amount from")),
        "amount_max": Filter("amount__lte", as_decimal, _("Amount to")),
        "close_after": Filter("expected_close_date__gte", as_date, _("Expected to close from")),
        "close_before": Filter("expected_close_date__lte", as_date, _("Expected to close until")),
        "created_after": Filter("created_at__date__gte", as_date, _("Created from")),
        "created_before": Filter("created_at__date__lte", as_date, _("Created until")),
        "closed_after": Filter("closed_at__date__gte", as_date, _("Closed from")),
        "closed_before": Filter("closed_at__date__lte", as_date, _("Closed until")),
        "region": Filter(
            "segment_region", label=_("Region"), expression=lambda: segment_expressions()["region"]
        ),
        "channel": Filter(
            "segment_channel", label=_("Channel"), expression=lambda: segment_expressions()["channel"]
        ),
        "audience": Filter(
            "segment_audience", label=_("Audience"), expression=lambda: segment_expressions()["audience"]
        ),
        "customer": Filter("segment_current", is_current_customer, _("Customer"), expression=earlier_win),
        "stuck": Filter("stuck_now", as_bool, _("Stuck"), expression=lambda: is_stuck()),
        "reached": Filter(
            "stage_reach__gte", stage_order, _("Reached the stage"), expression=reach, describe=stage_name
        ),
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
    stages = Prefetch(
        "stages",
        queryset=Stage.objects.order_by("order", "id").prefetch_related(
            Prefetch("checklist", queryset=ChecklistItem.objects.order_by("order", "id"))
        ),
    )
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
        .filter(Q(status="open") | Q(closed_at__gte=timezone.now() - dt.timedelta(days=closed_days)))
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


# --- stuck deals: open deals that stayed in a stage longer than its maximum days --------------------------------


def _limited_stages(pipeline: Pipeline | None = None) -> list[Stage]:
    stages = Stage.objects.filter(max_days__isnull=False, kind="open")
    if pipeline is not None:
        stages = stages.filter(pipeline=pipeline)
    return list(stages.only("pk", "max_days"))


def stuck(deals, now: dt.datetime | None = None):
    """``deals`` narrowed to the stuck ones, each annotated with ``stuck_since`` (when its stay ran over),
    the longest overdue first."""
    now = now or timezone.now()
    stages = _limited_stages()
    if not stages:
        return deals.none()
    since = Case(
        *[
            When(
                stage_id=stage.pk,
                then=ExpressionWrapper(
                    F("stage_entered_at") + _max_stay(stage), output_field=DateTimeField()
                ),
            )
            for stage in stages
        ],
        output_field=DateTimeField(),
    )
    return (
        deals.filter(status="open")
        .filter(_overdue(stages, now))
        .annotate(stuck_since=since)
        .order_by("stuck_since", "id")
    )


def _overdue(stages: list[Stage], now: dt.datetime) -> Q:
    overdue = Q()
    for stage in stages:
        overdue |= Q(stage_id=stage.pk, stage_entered_at__lt=now - _max_stay(stage))
    return overdue


def _max_stay(stage: Stage) -> dt.timedelta:
    assert stage.max_days is not None  # only stages with a maximum come here (``_limited_stages``)
    return dt.timedelta(days=stage.max_days)


def is_stuck() -> Case | Value:
    """Whether a deal is stuck now, as an expression (the deals list's ``stuck`` filter)."""
    stages = _limited_stages()
    if not stages:
        return Value(False, output_field=BooleanField())
    return Case(
        When(Q(status="open") & _overdue(stages, timezone.now()), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def stuck_deals_visible_to(user, now: dt.datetime | None = None):
    return stuck(deals_visible_to(user), now)


# --- checklists on a deal ------------------------------------------------------------------------------------


def deal_checklists(deal: Deal) -> list[tuple[Stage, list[tuple[ChecklistItem, ChecklistCheck | None]]]]:
    """Each stage of the deal's pipeline that has a checklist, with each item and its check (or None).

    The current stage comes first (its required items are what a move forward needs); the others follow in
    pipeline order, for reference."""
    checks = {c.item_id: c for c in ChecklistCheck.objects.filter(deal=deal).select_related("checked_by")}
    items = ChecklistItem.objects.filter(stage__pipeline_id=deal.pipeline_id, archived=False).order_by(
        "stage__order", "stage_id", "order", "id"
    )
    grouped: dict[int, list] = {}
    for item in items:
        grouped.setdefault(item.stage_id, []).append((item, checks.get(item.pk)))
    stages = [s for s in deal.pipeline.stages.all() if s.pk in grouped]
    stages.sort(key=lambda s: (s.pk != deal.stage_id, s.order, s.pk))
    return [(s, grouped[s.pk]) for s in stages]


def lost_reasons(*, include_inactive: bool = False):
    """The reasons a deal may be lost for, in the list's order: those offered, or (for their settings) all."""
    reasons = LostReason.objects.all()
    return reasons if include_inactive else reasons.filter(active=True)
