"""Pipelines and deals: stage moves always write a stage-history row and go through the version check."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.contacts.models import Company, Contact
from peyvand.core import events
from peyvand.core.audit import diff, snapshot, write_audit
from peyvand.core.customfields import clean_custom_values
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.core.records import create_record, field_error, lock_for_update, resolve_reference, update_record
from peyvand.core.text import clean_display_text
from peyvand.leads.models import Lead
from peyvand.sales.models import Deal, DealStatus, Pipeline, Stage, StageHistory, StageKind
from peyvand.sales.selectors import pipelines_visible_to


def _require_admin(actor) -> None:
    if not actor.is_admin:
        raise PeyvandError("pipeline.forbidden", _("Only an administrator can change pipelines."), status=403)


def _clean_stages(stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    errors = []
    if not stages:
        errors.append({"field": "stages", "message": _("A pipeline needs at least one stage.")})
    for i, stage in enumerate(stages):
        if not clean_display_text(stage.get("name")):
            errors.append({"field": f"stages.{i}.name", "message": _("This field is required.")})
        probability = stage.get("probability", 10)
        if not isinstance(probability, int) or not 0 <= probability <= 100:
            errors.append(
                {"field": f"stages.{i}.probability", "message": _("Enter a whole number from 0 to 100.")}
            )
        if stage.get("kind", StageKind.OPEN) not in StageKind.values:
            errors.append({"field": f"stages.{i}.kind", "message": _("Choose open, won or lost.")})
    if stages and not any(s.get("kind", StageKind.OPEN) == StageKind.OPEN for s in stages):
        errors.append({"field": "stages", "message": _("A pipeline needs at least one open stage.")})
    if errors:
        raise ValidationFailed(errors)
    return stages


@transaction.atomic
def save_pipeline(*, actor, pipeline: Pipeline | None = None, values: dict[str, Any]) -> Pipeline:
    """Create or change a pipeline and, when ``stages`` is given, its whole ordered list of stages.

    Stages keep their id when sent with it; a stage left out is removed unless deals are in it.
    """
    _require_admin(actor)
    values = dict(values)
    stages = values.pop("stages", None)
    creating = pipeline is None
    pipeline = pipeline or Pipeline()
    before = {} if creating else snapshot(pipeline)
    if "name" in values:
        name = clean_display_text(values["name"])
        if not name:
            raise field_error("name", _("This field is required."))
        if Pipeline.objects.exclude(pk=pipeline.pk).filter(name=name).exists():
            raise field_error("name", _("A pipeline with this name exists."))
        pipeline.name = name
    elif creating:
        raise field_error("name", _("This field is required."))
    if "team" in values:
        from peyvand.accounts.models import Team

        team = values["team"]
        pipeline.team = Team.objects.filter(pk=getattr(team, "pk", team)).first() if team else None
        if team and pipeline.team is None:
            raise field_error("team", _("No such team."))
    if "is_default" in values:
        pipeline.is_default = bool(values["is_default"])
    if "order" in values:
        pipeline.order = int(values["order"] or 0)
    pipeline.save()
    if pipeline.is_default:
        Pipeline.objects.exclude(pk=pipeline.pk).filter(is_default=True).update(is_default=False)
    if stages is not None:
        _replace_stages(pipeline, _clean_stages(stages))
    elif creating:
        raise field_error("stages", _("A pipeline needs at least one stage."))
    after = snapshot(pipeline)
    changes = diff(before, after)
    if changes:
        write_audit(
            instance=pipeline,
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            changes=changes,
        )
    return pipeline


def _replace_stages(pipeline: Pipeline, stages: list[dict[str, Any]]) -> None:
    existing = {s.pk: s for s in pipeline.stages.all()}
    kept = set()
    for order, data in enumerate(stages):
        stage = existing.get(data.get("id")) if data.get("id") else Stage(pipeline=pipeline)
        if stage is None:
            raise field_error(f"stages.{order}.id", _("This stage is not in this pipeline."))
        stage.name = clean_display_text(data["name"])
        stage.probability = data.get("probability", stage.probability)
        stage.kind = data.get("kind", StageKind.OPEN)
        stage.order = order
        stage.save()
        kept.add(stage.pk)
    for pk, stage in existing.items():
        if pk not in kept:
            if Deal.all_objects.filter(stage=stage).exists():
                raise field_error(
                    "stages", _("Stage “%(name)s” still has deals; move them first.") % {"name": stage.name}
                )
            stage.delete()


@transaction.atomic
def delete_pipeline(*, actor, pipeline: Pipeline) -> None:
    _require_admin(actor)
    if Deal.all_objects.filter(pipeline=pipeline).exists():
        raise PeyvandError("pipeline.has_deals", _("This pipeline still has deals."), status=409)
    write_audit(
        instance=pipeline, actor=actor, action=AuditAction.DELETE, changes={"name": [pipeline.name, None]}
    )
    pipeline.delete()


def default_pipeline(actor) -> Pipeline:
    visible = pipelines_visible_to(actor)
    pipeline = visible.filter(is_default=True).first() or visible.first()
    if pipeline is None:
        raise field_error("pipeline", _("There is no pipeline yet; an administrator must create one."))
    return pipeline


def _stage_in(pipeline: Pipeline, stage: Any, field: str = "stage") -> Stage:
    if stage in (None, ""):
        first = pipeline.stages.filter(kind=StageKind.OPEN).order_by("order", "id").first()
        if first is None:
            raise field_error(field, _("This pipeline has no open stage."))
        return first
    pk = stage.pk if isinstance(stage, Stage) else stage
    try:
        return pipeline.stages.get(pk=pk)
    except (Stage.DoesNotExist, ValueError, TypeError):
        raise field_error(field, _("This stage is not in the deal's pipeline.")) from None


def _entering(stage: Stage, now) -> dict[str, Any]:
    status = {StageKind.OPEN: DealStatus.OPEN, StageKind.WON: DealStatus.WON, StageKind.LOST: DealStatus.LOST}
    return {
        "stage": stage,
        "status": status[stage.kind],
        "stage_entered_at": now,
        "closed_at": None if stage.kind == StageKind.OPEN else now,
    }


def _record_move(deal: Deal, *, from_stage: Stage | None, entered_at, actor, now) -> StageHistory:
    seconds = int((now - entered_at).total_seconds()) if entered_at else None
    row = StageHistory.objects.create(
        deal=deal,
        from_stage=from_stage,
        to_stage=deal.stage,
        moved_at=now,
        moved_by=actor if getattr(actor, "pk", None) else None,
        seconds_in_previous=seconds,
    )
    events.emit(
        events.deal_stage_changed, Deal, deal=deal, from_stage=from_stage, to_stage=deal.stage, actor=actor
    )
    return row


def _clean(actor, values: dict[str, Any], current: Deal | None) -> dict[str, Any]:
    values = dict(values)
    if "title" in values:
        values["title"] = clean_display_text(values["title"] or "")
    if "currency" in values:
        values["currency"] = (values["currency"] or "IRR").upper()
    for name, model in (("contact", Contact), ("company", Company), ("lead", Lead)):
        if name in values:
            values[name] = resolve_reference(model, values[name], actor, name)
    if "lost_reason" in values:
        values["lost_reason"] = clean_display_text(values["lost_reason"] or "")
    if "custom" in values or current is None:
        values["custom"] = clean_custom_values(
            "deal", values.get("custom"), current=current.custom if current else None
        )
    for name in ("status", "stage_entered_at", "closed_at"):
        values.pop(name, None)  # derived from the stage, never set directly
    return values


def _resolve_pipeline(actor, value: Any, fallback: Pipeline | None) -> Pipeline:
    if value in (None, ""):
        return fallback or default_pipeline(actor)
    pk = value.pk if isinstance(value, Pipeline) else value
    try:
        return pipelines_visible_to(actor).get(pk=pk)
    except (Pipeline.DoesNotExist, ValueError, TypeError):
        raise field_error("pipeline", _("No such pipeline, or you may not use it.")) from None


@transaction.atomic
def create_deal(*, actor, values: dict[str, Any]) -> Deal:
    values = _clean(actor, values, None)
    pipeline = _resolve_pipeline(actor, values.pop("pipeline", None), None)
    stage = _stage_in(pipeline, values.pop("stage", None))
    now = timezone.now()
    deal = create_record(Deal, actor=actor, values={**values, "pipeline": pipeline, **_entering(stage, now)})
    _record_move(deal, from_stage=None, entered_at=None, actor=actor, now=now)
    return deal


@transaction.atomic
def update_deal(*, actor, deal: Deal, version: int | None, values: dict[str, Any]) -> Deal:
    current = lock_for_update(deal, version)
    values = _clean(actor, values, current)
    pipeline = current.pipeline
    if "pipeline" in values:
        pipeline = _resolve_pipeline(actor, values.pop("pipeline"), current.pipeline)
    stage_value = values.pop("stage", current.stage if pipeline.pk == current.pipeline_id else None)
    stage = _stage_in(pipeline, stage_value)
    now = timezone.now()
    moving = stage.pk != current.stage_id
    if moving:
        values.update(_entering(stage, now))
    from_stage, entered_at = current.stage, current.stage_entered_at
    deal = update_record(current, actor=actor, version=version, values={**values, "pipeline": pipeline})
    if moving:
        _record_move(deal, from_stage=from_stage, entered_at=entered_at, actor=actor, now=now)
    return deal


@transaction.atomic
def move_deal_to_stage(
    *, actor, deal: Deal, stage: Any, version: int | None, lost_reason: str | None = None
) -> Deal:
    """Move a deal to another stage of its pipeline: version checked, history row and audit written."""
    current = lock_for_update(deal, version)
    target = _stage_in(current.pipeline, stage)
    if target.pk == current.stage_id:
        return current
    now = timezone.now()
    values = _entering(target, now)
    if lost_reason is not None:
        values["lost_reason"] = clean_display_text(lost_reason)
    from_stage, entered_at = current.stage, current.stage_entered_at
    deal = update_record(current, actor=actor, version=version, values=values, action=AuditAction.MOVE)
    _record_move(deal, from_stage=from_stage, entered_at=entered_at, actor=actor, now=now)
    return deal
