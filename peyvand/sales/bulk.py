"""The deals list's "move to stage" bulk action: each ticked deal is moved by ``services.move_deal_from_list``,
so its exit criteria and the rules of winning and losing hold deal by deal, and what is refused is told."""

from django.utils.translation import gettext_lazy as _

from peyvand.core.bulk import BulkAction, register_action
from peyvand.sales.models import LostReason
from peyvand.sales.selectors import pipelines_visible_to
from peyvand.sales.services import move_deal_from_list

STAGE = "stage"


def _move(*, actor, record, values):
    return move_deal_from_list(
        actor=actor, deal=record, stage=values.get("stage"), lost_reason=values.get("lost_reason")
    )


def _options(user) -> dict:
    """The stages of the pipelines the user may use, grouped by pipeline, and the active lost reasons."""
    return {
        "pipelines": [
            (p, list(p.stages.all())) for p in pipelines_visible_to(user).order_by("order", "name")
        ],
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
