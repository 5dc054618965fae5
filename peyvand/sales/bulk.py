"""The deals list's "move to stage" bulk action: each ticked deal is moved by ``services.move_deal_from_list``,
so its exit criteria and the rules of winning and losing hold deal by deal, and what is refused is told."""

from django.utils.translation import gettext_lazy as _

from peyvand.core.bulk import BulkAction, register_action
from peyvand.sales.models import LostReason, Stage
from peyvand.sales.selectors import pipelines_visible_to
from peyvand.sales.services import move_deal_from_list

STAGE = "stage"


def _move(*, actor, record, values):
    return move_deal_from_list(
        actor=actor, deal=record, stage=values.get("stage"), lost_reason=values.get("lost_reason")
    )


def _options(user) -> dict:
    """The stages of the pipelines the user may use, grouped by pipeline, and the active lost reasons: two
    queries, so the list page's count of queries stays fixed."""
    stages = (
        Stage.objects.filter(pipeline__in=pipelines_visible_to(user).values("pk"))
        .select_related("pipeline")
        .order_by("pipeline__order", "pipeline__name", "order", "id")
    )
    pipelines: dict[int, tuple] = {}
    for stage in stages:
        pipelines.setdefault(stage.pipeline_id, (stage.pipeline, []))[1].append(stage)
    return {
        "pipelines": list(pipelines.values()),
        "lost_reasons": list(LostReason.objects.filter(active=True).order_by("order", "name")),
    }


def register() -> None:
    register_action(
        BulkAction(
            key=STAGE,
            label=_("Move to stage"),
            record_types=("deal",),
            apply=_move,
            params=("stage", "lost_reason"),
            template="sales/_bulk_stage.html",
            options=_options,
        )
    )
