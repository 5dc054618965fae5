"""The funnel of one pipeline: of the deals created in the period, how many reached each stage.

A deal **reached** an open stage when its stage history shows it entered that stage or any later open stage
(a deal may skip a step), and it reached "won" when it is won. **Conversion to the next stage** = reached next ÷
reached this × 100; **from the first stage** = reached this ÷ deals in the cohort × 100. Lost stages are not
steps of the funnel.
"""

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.outcomes import percent
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope
from peyvand.sales.models import DealStatus, Pipeline, StageKind
from peyvand.sales.segments import reach
from peyvand.sales.selectors import pipelines_visible_to


def funnel_pipeline(scope: Scope) -> Pipeline | None:
    """The scope's pipeline, else the default one the user may see."""
    pipelines = pipelines_visible_to(scope.user)
    if scope.pipeline:
        return pipelines.filter(pk=scope.pipeline).first()
    return pipelines.filter(is_default=True).first() or pipelines.first()


@report(
    "funnel",
    _("Funnel conversion per stage"),
    summary=_("Of the deals created in the period, how many reached each stage and how many were won."),
)
def funnel(scope: Scope) -> dict[str, Any]:
    """Deals created in the period in the pipeline, how many reached each stage and won, and the conversion
    from each stage to the next and from the first."""
    pipeline = funnel_pipeline(scope)
    if pipeline is None:
        return {"pipeline": None, "columns": [], "rows": [], "cohort": 0}
    stages = [s for s in pipeline.stages.all() if s.kind == StageKind.OPEN]
    cohort = scope.deals().filter(scope.in_period("created_at"), pipeline=pipeline).annotate(reach=reach())
    counts = cohort.aggregate(
        cohort=Count("id"),
        won=Count("id", filter=Q(status=DealStatus.WON)),
        **{f"s{s.pk}": Count("id", filter=Q(reach__gte=s.order)) for s in stages},
    )
    steps = [(s.pk, s.name, counts[f"s{s.pk}"]) for s in stages] + [(None, str(_("Won")), counts["won"])]
    rows = []
    for index, (stage_id, name, reached) in enumerate(steps):
        following = steps[index + 1][2] if index + 1 < len(steps) else None
        rows.append(
            {
                "stage": stage_id,
                "name": name,
                "reached": reached,
                "to_next": percent(following, reached) if following is not None else None,
                "from_start": percent(reached, counts["cohort"]),
            }
        )
    return {
        "pipeline": {"id": pipeline.pk, "name": pipeline.name},
        "cohort": counts["cohort"],
        "columns": [
            column("name", _("Stage"), "label"),
            column("reached", _("Deals that reached it")),
            column("to_next", _("Conversion to the next stage"), "percent"),
            column("from_start", _("Share of all deals"), "percent"),
        ],
        "rows": rows,
    }
