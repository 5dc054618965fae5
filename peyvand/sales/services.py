"""Pipelines and deals: stage moves always write a stage-history row and go through the version check."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.core import events
from peyvand.core.audit import diff, save_audited, snapshot, write_audit
from peyvand.core.customfields import clean_custom_values
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.core.records import create_record, field_error, lock_for_update, resolve_reference, update_record
from peyvand.core.text import clean_display_text
from peyvand.sales import exit_criteria, permissions
from peyvand.sales.models import (
    ChecklistCheck,
    ChecklistItem,
    Deal,
    DealStatus,
    LostReason,
    Pipeline,
    Stage,
    StageHistory,
    StageKind,
)
from peyvand.sales.richtext import MAX_SCRIPT_LENGTH, clean_script
from peyvand.sales.selectors import pipelines_visible_to

MAX_CHECKLIST_ITEMS = 50
MAX_STAGE_DAYS = 3650
MAX_LOST_NOTE = 200
MAX_REASON_ORDER = 10000


def _require_admin(actor) -> None:
    if not permissions.can_change_pipelines(actor):
        raise PeyvandError(
            permissions.PIPELINE_FORBIDDEN, _("Only an administrator can change pipelines."), status=403
        )


def _stage_rule_errors(i: int, stage: dict[str, Any]) -> list[dict[str, Any]]:
    """Errors in a stage's script, maximum days, checklist and exit criteria (each only when given)."""
    errors = []
    max_days = stage.get("max_days")
    if max_days is not None and (
        not isinstance(max_days, int) or isinstance(max_days, bool) or not 1 <= max_days <= MAX_STAGE_DAYS
    ):
        errors.append(
            {
                "field": f"stages.{i}.max_days",
                "message": _("Enter a whole number of days from 1 to %(max)s, or leave it empty.")
                % {"max": MAX_STAGE_DAYS},
            }
        )
    script = stage.get("script")
    if script is not None and (not isinstance(script, str) or len(script) > MAX_SCRIPT_LENGTH):
        errors.append(
            {
                "field": f"stages.{i}.script",
                "message": _("A script may be at most %(max)s characters long.") % {"max": MAX_SCRIPT_LENGTH},
            }
        )
    required = stage.get("required_fields")
    if required is not None:
        if not isinstance(required, list):
            errors.append(
                {"field": f"stages.{i}.required_fields", "message": _("Send a list of field names.")}
            )
        else:
            for name in exit_criteria.unknown_fields(required):
                errors.append(
                    {
                        "field": f"stages.{i}.required_fields",
                        "message": _("“%(name)s” is not a deal field a stage can require.") % {"name": name},
                    }
                )
    checklist = stage.get("checklist")
    if checklist is not None:
        if not isinstance(checklist, list) or len(checklist) > MAX_CHECKLIST_ITEMS:
            errors.append(
                {
                    "field": f"stages.{i}.checklist",
                    "message": _("A checklist has at most %(max)s items.") % {"max": MAX_CHECKLIST_ITEMS},
                }
            )
        else:
            for j, item in enumerate(checklist):
                if not clean_display_text(item.get("text"))[:200]:
                    errors.append(
                        {"field": f"stages.{i}.checklist.{j}.text", "message": _("This field is required.")}
                    )
    return errors


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
        errors += _stage_rule_errors(i, stage)
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
    before = {} if creating else {**snapshot(pipeline), "stages": _stages_snapshot(pipeline)}
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
    after = {**snapshot(pipeline), "stages": _stages_snapshot(pipeline)}
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
        stage = existing.get(data["id"]) if data.get("id") else Stage(pipeline=pipeline)
        if stage is None:
            raise field_error(f"stages.{order}.id", _("This stage is not in this pipeline."))
        stage.name = clean_display_text(data["name"])
        stage.probability = data.get("probability", stage.probability)
        stage.kind = data.get("kind", StageKind.OPEN)
        stage.order = order
        if "script" in data:
            stage.script = clean_script(data["script"])
        if "max_days" in data:
            stage.max_days = data["max_days"]
        if "required_fields" in data:
            stage.required_fields = list(dict.fromkeys(data["required_fields"] or []))
        stage.save()
        if data.get("checklist") is not None:
            _replace_checklist(stage, data["checklist"], order)
        kept.add(stage.pk)
    for pk, stage in existing.items():
        if pk not in kept:
            if Deal.all_objects.filter(stage=stage).exists():
                raise field_error(
                    "stages", _("Stage “%(name)s” still has deals; move them first.") % {"name": stage.name}
                )
            stage.delete()


def _stages_snapshot(pipeline: Pipeline) -> list[dict[str, Any]]:
    """The stages and their rules as the audit trail keeps them, so a change of exit criteria says who and when."""
    return [
        {
            "id": stage.pk,
            "name": stage.name,
            "probability": stage.probability,
            "kind": stage.kind,
            "max_days": stage.max_days,
            "script": stage.script,
            "required_fields": list(stage.required_fields or []),
            "checklist": [[i.pk, i.text, i.required] for i in stage.checklist.all() if not i.archived],
        }
        for stage in Stage.objects.filter(pipeline=pipeline)
        .prefetch_related("checklist")
        .order_by("order", "id")
    ]


def _replace_checklist(stage: Stage, items: list[dict[str, Any]], stage_index: int) -> None:
    """Items keep their id when sent with it (or, without one, when their text is unchanged), so the record of
    which deals did them survives an edit; a dropped item is archived once a deal has done it."""
    existing = {i.pk: i for i in stage.checklist.all()}
    by_text = {i.text: i for i in existing.values()}
    kept = set()
    for order, data in enumerate(items):
        text = clean_display_text(data.get("text"))[:200]
        if data.get("id"):
            item = existing.get(data["id"])
            if item is None:
                raise field_error(
                    f"stages.{stage_index}.checklist.{order}.id",
                    _("This item is not in this stage's checklist."),
                )
        else:
            item = by_text.get(text) if by_text.get(text) and by_text[text].pk not in kept else None
            item = item or ChecklistItem(stage=stage)
        item.text = text
        item.order = order
        item.required = bool(data.get("required", False))
        item.archived = False
        item.save()
        kept.add(item.pk)
    for pk, item in existing.items():
        if pk in kept:
            continue
        if item.checks.exists():
            if not item.archived:
                item.archived = True
                item.save(update_fields=["archived"])
        else:
            item.delete()


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
    status: dict[str, DealStatus] = {
        StageKind.OPEN: DealStatus.OPEN,
        StageKind.WON: DealStatus.WON,
        StageKind.LOST: DealStatus.LOST,
    }
    return {
        "stage": stage,
        "status": status[stage.kind],
        # a reopened or won deal no longer has a reason it was lost for (the audit keeps the old one)
        **({} if stage.kind == StageKind.LOST else {"lost_because": None}),
        "stage_entered_at": now,
        "closed_at": None if stage.kind == StageKind.OPEN else now,
    }


def _record_move(
    deal: Deal, *, from_stage: Stage | None, entered_at, actor, now, override=None
) -> StageHistory:
    seconds = int((now - entered_at).total_seconds()) if entered_at else None
    reason, lacking = override or ("", [])
    row = StageHistory.objects.create(
        deal=deal,
        from_stage=from_stage,
        to_stage=deal.stage,
        moved_at=now,
        moved_by=actor if getattr(actor, "pk", None) else None,
        seconds_in_previous=seconds,
        override_reason=reason,
        override_missing=[{"field": e["field"], "label": str(e["label"])} for e in lacking],
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
    for name in ("contact", "company", "lead"):
        if name in values:
            # The model each reference points at, read from the deal's own foreign key: the lead a deal came
            # from is an app above sales (leads create deals), named by the schema, never imported here.
            model = Deal._meta.get_field(name).related_model
            assert isinstance(model, type)  # a foreign key's target, resolved once the apps are ready
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
    """Change a deal; a new stage in the same pipeline must meet the exit criteria of the stage it leaves,
    judged on the deal as it will be (a rep may fill in the amount and move on in one save).

    ``override_reason`` lets a manager of the deal's team or an admin move on although criteria are missing.
    """
    current = lock_for_update(deal, version)
    values = dict(values)
    override_reason = values.pop("override_reason", None)
    values = _clean(actor, values, current)
    pipeline = current.pipeline
    if "pipeline" in values:
        pipeline = _resolve_pipeline(actor, values.pop("pipeline"), current.pipeline)
    stage_value = values.pop("stage", current.stage if pipeline.pk == current.pipeline_id else None)
    stage = _stage_in(pipeline, stage_value)
    now = timezone.now()
    moving = stage.pk != current.stage_id
    override = None
    if moving and pipeline.pk == current.pipeline_id:
        override = exit_criteria.enforce(
            actor=actor,
            deal=current,
            current=current.stage,
            target=stage,
            state=exit_criteria.deal_state(current, values),
            override_reason=override_reason,
        )
    if moving:
        values.update(_entering(stage, now))
    from_stage, entered_at = current.stage, current.stage_entered_at
    deal = update_record(
        current,
        actor=actor,
        version=version,
        values={**values, "pipeline": pipeline},
        note=exit_criteria.override_note(*override) if override else "",
    )
    if moving:
        _record_move(
            deal, from_stage=from_stage, entered_at=entered_at, actor=actor, now=now, override=override
        )
    return deal


@transaction.atomic
def move_deal_to_stage(
    *,
    actor,
    deal: Deal,
    stage: Any,
    version: int | None,
    lost_reason: str | None = None,
    override_reason: str | None = None,
    lost_because: LostReason | None = None,
) -> Deal:
    """Move a deal to another stage of its pipeline: version checked, exit criteria enforced (a manager or admin
    may override them with a reason), history row and audit written."""
    current = lock_for_update(deal, version)
    target = _stage_in(current.pipeline, stage)
    if target.pk == current.stage_id:
        return current
    override = exit_criteria.enforce(
        actor=actor,
        deal=current,
        current=current.stage,
        target=target,
        state=exit_criteria.deal_state(current),
        override_reason=override_reason,
    )
    now = timezone.now()
    values = _entering(target, now)
    if lost_reason is not None:
        values["lost_reason"] = clean_display_text(lost_reason)[:255]
    if lost_because is not None and target.kind == StageKind.LOST:
        values["lost_because"] = lost_because
    from_stage, entered_at = current.stage, current.stage_entered_at
    deal = update_record(
        current,
        actor=actor,
        version=version,
        values=values,
        action=AuditAction.MOVE,
        note=exit_criteria.override_note(*override) if override else "",
    )
    _record_move(deal, from_stage=from_stage, entered_at=entered_at, actor=actor, now=now, override=override)
    return deal


def _outcome_stage(deal: Deal, kind: str) -> Stage:
    stage = deal.pipeline.stages.filter(kind=kind).order_by("order", "id").first()
    if stage is None:
        message = (
            _("This pipeline has no won stage; an administrator must add one.")
            if kind == StageKind.WON
            else _("This pipeline has no lost stage; an administrator must add one.")
        )
        raise field_error("stage", message)
    return stage


def win_deal(*, actor, deal: Deal, version: int | None, override_reason: str | None = None) -> Deal:
    """Mark a deal won: a move to its pipeline's (first) won stage, under the same rules as any move (the stage
    it leaves must meet its exit criteria)."""
    target = _outcome_stage(deal, StageKind.WON)
    if deal.stage_id == target.pk:
        return deal
    return move_deal_to_stage(
        actor=actor, deal=deal, stage=target, version=version, override_reason=override_reason
    )


def lost_reason_for(value: Any, field: str = "reason") -> LostReason:
    """An active reason of the list, or a field error."""
    if value in (None, ""):
        raise field_error(field, _("Choose why the deal was lost."))
    pk = value.pk if isinstance(value, LostReason) else value
    try:
        return LostReason.objects.get(pk=pk, active=True)
    except (LostReason.DoesNotExist, ValueError, TypeError):
        raise field_error(field, _("Choose one of the reasons in the list.")) from None


def lose_deal(*, actor, deal: Deal, version: int | None, reason: Any, note: str | None = "") -> Deal:
    """Mark a deal lost for a reason of the list, with an optional note: a move to the pipeline's lost stage
    (never blocked by exit criteria). The deal's lost-reason text reads "reason — note", so what already reads
    that text (exports, automation conditions) keeps working."""
    # Until an administrator keeps a list (all reasons deactivated), a deal is lost with its note alone.
    chosen = lost_reason_for(reason) if reason or LostReason.objects.filter(active=True).exists() else None
    note = clean_display_text(note or "")
    if len(note) > MAX_LOST_NOTE:
        raise field_error(
            "note", _("A note may be at most %(max)s characters long.") % {"max": MAX_LOST_NOTE}
        )
    target = _outcome_stage(deal, StageKind.LOST)
    text = " — ".join(part for part in (chosen.name if chosen else "", note) if part)
    return move_deal_to_stage(
        actor=actor, deal=deal, stage=target, version=version, lost_reason=text, lost_because=chosen
    )


def move_deal_from_list(*, actor, deal: Deal, stage: Any, lost_reason: Any = None) -> Deal:
    """Move one ticked deal of the list to ``stage`` (a stage's id), under the rules of a move made on its own
    page: the stage must be in the deal's pipeline, the stage it leaves must meet its exit criteria (no override
    from a list: that needs a reason per deal), and a lost stage needs a reason of the list as "mark lost" does.
    The version is the one read now: the list holds no version, and each deal is re-checked under its lock."""
    if stage in (None, ""):
        raise field_error("stage", _("Choose the stage to move the deals to."))
    target = _stage_in(deal.pipeline, stage)
    if target.pk == deal.stage_id:
        return deal
    if target.kind == StageKind.LOST:
        chosen = (
            lost_reason_for(lost_reason, field="lost_reason")
            if lost_reason or LostReason.objects.filter(active=True).exists()
            else None
        )
        return move_deal_to_stage(
            actor=actor,
            deal=deal,
            stage=target,
            version=deal.version,
            lost_reason=chosen.name if chosen else "",
            lost_because=chosen,
        )
    return move_deal_to_stage(actor=actor, deal=deal, stage=target, version=deal.version)


def _require_reasons_admin(actor) -> None:
    if not permissions.can_change_lost_reasons(actor):
        raise PeyvandError(
            permissions.LOST_REASONS_FORBIDDEN,
            _("Only an administrator can change the list of lost reasons."),
            status=403,
        )


@transaction.atomic
def save_lost_reason(*, actor, reason: LostReason | None = None, values: dict[str, Any]) -> LostReason:
    """Add a reason to the list or change one (its name, place or whether it is offered); audited."""
    _require_reasons_admin(actor)
    creating = reason is None
    reason = reason or LostReason()
    before = {} if creating else snapshot(reason)
    if "name" in values or creating:
        name = clean_display_text(values.get("name") or "")[:120]
        if not name:
            raise field_error("name", _("This field is required."))
        if LostReason.objects.exclude(pk=reason.pk).filter(name=name).exists():
            raise field_error("name", _("This reason is already in the list."))
        reason.name = name
    if values.get("order") is not None:
        order = values["order"]
        if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= MAX_REASON_ORDER:
            raise field_error(
                "order", _("Enter a whole number from 0 to %(max)s.") % {"max": MAX_REASON_ORDER}
            )
        reason.order = order
    elif creating:
        last = LostReason.objects.order_by("-order").values_list("order", flat=True).first()
        reason.order = (last or 0) + 1
    if values.get("active") is not None:
        reason.active = bool(values["active"])
    return save_audited(reason, actor=actor, before=before, creating=creating)


def checklist_item_for(deal: Deal, item: Any) -> ChecklistItem:
    """An item of a checklist of the deal's pipeline, or a field error."""
    pk = item.pk if isinstance(item, ChecklistItem) else item
    try:
        return ChecklistItem.objects.select_related("stage").get(
            pk=pk, stage__pipeline_id=deal.pipeline_id, archived=False
        )
    except (ChecklistItem.DoesNotExist, ValueError, TypeError):
        raise field_error("item", _("This checklist item is not in the deal's pipeline.")) from None


@transaction.atomic
def set_checklist_item(*, actor, deal: Deal, item: Any, done: bool) -> ChecklistCheck | None:
    """Tick or untick one checklist item on a deal; each change is written to the deal's audit trail.

    The deal row is locked (without a version check: ticking is not an edit of the deal) so a tick and a move
    that depends on it happen one after the other. Returns the check, or None once unticked.
    """
    current = Deal.all_objects.select_for_update().get(pk=deal.pk)
    if current.deleted_at is not None:
        raise PeyvandError("record.deleted", _("This record is deleted; restore it first."), status=409)
    item = checklist_item_for(current, item)
    check = ChecklistCheck.objects.filter(deal=current, item=item).first()
    if bool(done) == (check is not None):
        return check
    if check is None:  # and so ``done``
        check = ChecklistCheck.objects.create(
            deal=current, item=item, checked_at=timezone.now(), checked_by=actor if actor.pk else None
        )
        note = _("Checklist item done: %(item)s") % {"item": item.text}
    else:
        check.delete()
        check = None
        note = _("Checklist item undone: %(item)s") % {"item": item.text}
    write_audit(
        instance=current,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={f"checklist.{item.pk}": [not done, bool(done)]},
        note=note,
    )
    return check
