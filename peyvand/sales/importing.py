"""A deal's steps in the spreadsheet import (its ``ImportSpec`` in ``sales/resources.py``): the pipeline and stage
named in a row, its currency, and the first stage history of each deal written."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from peyvand.core.text import normalize_text
from peyvand.sales.models import StageHistory, StageKind
from peyvand.sales.selectors import pipelines_visible_to


def pipeline_table(context) -> dict[str, tuple[Any, list]]:
    """The pipelines the importing user may use by normalised name ("" for the default), with their stages,
    read once for the whole import."""
    table = context.memo.get("pipelines")
    if table is None:
        table = {}
        for pipeline in pipelines_visible_to(context.actor).prefetch_related("stages"):
            stages = sorted(pipeline.stages.all(), key=lambda s: (s.order, s.pk))
            table[normalize_text(pipeline.name)] = (pipeline, stages)
            if pipeline.is_default:
                table.setdefault("", (pipeline, stages))
        if "" not in table and table:
            table[""] = next(iter(table.values()))
        context.memo["pipelines"] = table
    return table


def check_deal(values: dict[str, Any], context) -> list[tuple[str, Any]]:
    """The row's pipeline (the default when none is named) and stage (the first open one when none is named),
    with the status and times that stage gives; a three-letter currency (the default when none)."""
    errors: list[tuple[str, Any]] = []
    found = pipeline_table(context).get(normalize_text(values.pop("pipeline", "")))
    stage = None
    if found is None:
        errors.append(("pipeline", _("No such pipeline, or you may not use it.")))
    else:
        pipeline, stages = found
        wanted = normalize_text(values.pop("stage", ""))
        if wanted:
            stage = next((s for s in stages if normalize_text(s.name) == wanted), None)
        else:
            stage = next((s for s in stages if s.kind == StageKind.OPEN), None)
        if stage is None:
            errors.append(("stage", _("This stage is not in the pipeline.")))
        else:
            values.update(
                pipeline=pipeline,
                stage=stage,
                status={"open": "open", "won": "won", "lost": "lost"}[stage.kind],
                stage_entered_at=context.now,
                closed_at=None if stage.kind == StageKind.OPEN else context.now,
            )
    currency = (values.get("currency") or settings.PEYVAND_DEFAULT_CURRENCY).upper()
    if len(currency) != 3 or not currency.isalpha():
        errors.append(("currency", _("Write a three-letter currency code.")))
    values["currency"] = currency
    return errors


def first_stage_history(deals: list, context) -> list[StageHistory]:
    """Each new deal entered its stage when it was imported; whole model instances, so fields the history gains
    later get their defaults here too."""
    return [
        StageHistory(deal_id=d.pk, to_stage_id=d.stage_id, moved_at=context.now, moved_by=context.actor)
        for d in deals
    ]
