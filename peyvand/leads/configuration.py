"""Writes to the leads configuration: the ordered assignment rules and the scoring models with their rules.

The settings pages (``views_settings.py``) call these, so a rule saved from the app passes the same checks as
everywhere else, names the field it refuses, and leaves an audit row. Only administrators change either
(``permissions.can_change_assignment``, ``permissions.can_change_scoring``).

Assignment rules are kept numbered 1..n in the order they are tried (the first match wins), so moving one up or
down swaps it with its neighbour and the numbers people see stay whole. A scoring model's ``version`` counts
every change to the model or to one of its rules (a rule has its own version too), and every such change
re-scores the model's leads in the background, as saving in the admin did.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from peyvand.core.audit import diff, snapshot, write_audit
from peyvand.core.choices import Audience, Channel
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.core.text import clean_display_text, to_ascii_digits
from peyvand.leads import permissions, scoring
from peyvand.leads.models import AssignmentRule, Condition, ScoreBand, ScoringModel, ScoringRule, Strategy

MAX_POINTS = 1000
MAX_THRESHOLD = 100_000


class _Errors:
    """The refusals of one form, by field, raised together so every wrong field is named at once."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, field: str, message: Any) -> None:
        if not any(e["field"] == field for e in self.items):
            self.items.append({"field": field, "message": message})

    def raise_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items)


def _text(value: Any, limit: int) -> str:
    return clean_display_text(str(value or ""))[:limit]


def _whole(errors: _Errors, field: str, value: Any, low: int, high: int) -> int | None:
    """A whole number within [low, high] from a form's text (Persian digits too), or a field error."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        number: int | None = value
    else:
        text = to_ascii_digits(str(value or "")).strip().replace("−", "-")
        try:
            number = int(text)
        except ValueError:
            number = None
    if number is None or not low <= number <= high:
        errors.add(field, _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high})
        return None
    return number


def _choice(errors: _Errors, field: str, value: Any, choices, blank: bool = True) -> str:
    value = str(value or "").strip()
    if not value and blank:
        return ""
    if value not in {c for c, _label in choices}:
        errors.add(field, _("Choose one of the options."))
    return value


def _pick(errors: _Errors, field: str, value: Any, queryset, message: Any):
    if value in (None, ""):
        return None
    pk = getattr(value, "pk", value)
    try:
        return queryset.get(pk=int(to_ascii_digits(str(pk))))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        errors.add(field, message)
        return None


def _audit(instance, actor, before: dict[str, Any] | None, note: str = "") -> None:
    changes = diff(before or {}, snapshot(instance))
    if changes or before is None:
        write_audit(
            instance=instance,
            actor=actor,
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            changes=changes,
            note=note,
        )


# --- assignment rules --------------------------------------------------------------------------------------


def _require_assignment_admin(actor) -> None:
    if not permissions.can_change_assignment(actor):
        raise PeyvandError(
            permissions.ASSIGNMENT_FORBIDDEN,
            _("Only an administrator can change the assignment rules."),
            status=403,
        )


def assignable_users():
    """People a rule may give leads to: active users, not the intake's own account."""
    from peyvand.accounts.models import SYSTEM_USERS, User

    return User.objects.filter(is_active=True).exclude(username__in=list(SYSTEM_USERS)).order_by("username")


def _renumber() -> list[AssignmentRule]:
    """The rules in the order they are tried, numbered 1..n again (what changed is saved, nothing else)."""
    rules = list(AssignmentRule.objects.select_for_update().order_by("order", "id"))
    for number, rule in enumerate(rules, start=1):
        if rule.order != number:
            rule.order = number
            AssignmentRule.objects.filter(pk=rule.pk).update(order=number)
    return rules


@transaction.atomic
def save_assignment_rule(
    *, actor, rule: AssignmentRule | None = None, values: dict[str, Any]
) -> AssignmentRule:
    """Add a rule (tried last) or change one; every condition left empty matches any lead. Audited."""
    from peyvand.accounts.models import Team
    from peyvand.sales.models import Pipeline

    _require_assignment_admin(actor)
    creating = rule is None
    rule = rule or AssignmentRule()
    before = None if creating else snapshot(rule)
    errors = _Errors()

    name = _text(values.get("name"), 120)
    if not name:
        errors.add("name", _("This field is required."))
    rule.name = name
    rule.active = bool(values.get("active", rule.active if not creating else True))
    rule.source = _choice(errors, "source", values.get("source"), Channel.choices)
    rule.pipeline = _pick(
        errors, "pipeline", values.get("pipeline"), Pipeline.objects.all(), _("There is no such pipeline.")
    )
    places = _text(values.get("territory"), 300).replace("،", ",").split(",")
    rule.territory = ", ".join(p.strip() for p in places if p.strip())
    rule.audience = _choice(errors, "audience", values.get("audience"), Audience.choices)
    rule.score_band = _choice(errors, "score_band", values.get("score_band"), ScoreBand.choices)
    rule.language = _text(values.get("language"), 10).lower()
    rule.strategy = _choice(errors, "strategy", values.get("strategy"), Strategy.choices, blank=False)
    people = assignable_users()
    rule.target_user = _pick(
        errors, "target_user", values.get("target_user"), people, _("Choose an active user.")
    )
    rule.target_team = _pick(
        errors, "target_team", values.get("target_team"), Team.objects.all(), _("There is no such team.")
    )
    rule.fallback_owner = _pick(
        errors, "fallback_owner", values.get("fallback_owner"), people, _("Choose an active user.")
    )
    if rule.strategy == Strategy.USER:
        if rule.target_user is None:
            errors.add("target_user", _("Choose the user who gets the leads."))
        rule.target_team = None  # a team means nothing to a rule that names its user
    elif rule.strategy:
        if rule.target_team is None:
            errors.add("target_team", _("Choose the team whose sellers get the leads."))
        rule.target_user = None
    errors.raise_any()

    if creating:
        rules = _renumber()
        rule.order = len(rules) + 1
    rule.save()
    _audit(rule, actor, before)
    return rule


@transaction.atomic
def move_assignment_rule(*, actor, rule: AssignmentRule, direction: str) -> AssignmentRule:
    """Swap a rule with the one tried before it ("up") or after it ("down"); the first and last stay put."""
    _require_assignment_admin(actor)
    if direction not in ("up", "down"):
        raise PeyvandError("assignment.direction", _("Move a rule up or down."), field="direction")
    rules = _renumber()
    index = next((i for i, r in enumerate(rules) if r.pk == rule.pk), None)
    if index is None:
        raise PeyvandError("not_found", _("Not found."), status=404)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rules):
        return rules[index]
    moved, neighbour = rules[index], rules[other]
    for item, order in ((moved, neighbour.order), (neighbour, moved.order)):
        before = snapshot(item)
        item.order = order
        item.save(update_fields=["order"])
        _audit(item, actor, before)
    return moved


@transaction.atomic
def delete_assignment_rule(*, actor, rule: AssignmentRule) -> None:
    """Remove a rule (the leads it assigned keep their owner and their reason); the rest close up."""
    _require_assignment_admin(actor)
    write_audit(instance=rule, actor=actor, action=AuditAction.DELETE, changes={}, note=_text(rule.name, 120))
    rule.delete()
    _renumber()


# --- scoring models and rules ------------------------------------------------------------------------------


def _require_scoring_admin(actor) -> None:
    if not permissions.can_change_scoring(actor):
        raise PeyvandError(
            permissions.SCORING_FORBIDDEN, _("Only an administrator can change scoring models."), status=403
        )


def _rescore_later(actor, model: ScoringModel) -> None:
    # the leads' scores are derived data: they follow in a background job once this change is committed
    scoring.start_rescore(actor=actor, model=model)


@transaction.atomic
def save_scoring_model(*, actor, model: ScoringModel | None = None, values: dict[str, Any]) -> ScoringModel:
    """Add a model (for a pipeline, or the default one) or change its name, thresholds or whether it is used."""
    from peyvand.sales.models import Pipeline

    _require_scoring_admin(actor)
    creating = model is None
    model = model or ScoringModel()
    before = None if creating else snapshot(model)
    errors = _Errors()
    name = _text(values.get("name"), 120)
    if not name:
        errors.add("name", _("This field is required."))
    model.name = name
    model.pipeline = _pick(
        errors, "pipeline", values.get("pipeline"), Pipeline.objects.all(), _("There is no such pipeline.")
    )
    for field in ("warm_from", "hot_from", "threshold"):
        number = _whole(errors, field, values.get(field), -MAX_THRESHOLD, MAX_THRESHOLD)
        if number is not None:
            setattr(model, field, number)
    model.active = bool(values.get("active", True if creating else model.active))
    if (
        not any(e["field"] in ("warm_from", "hot_from") for e in errors.items)
        and model.warm_from > model.hot_from
    ):
        errors.add("hot_from", _("Hot must start at or above warm."))
    if model.active:
        clash = ScoringModel.objects.filter(active=True, pipeline=model.pipeline).exclude(pk=model.pk)
        if clash.exists():
            errors.add("active", _("Another active model already scores this pipeline; deactivate it first."))
    errors.raise_any()
    if not creating:
        if not diff(before or {}, snapshot(model)):
            return model  # nothing changed: no version, no audit row, no re-scoring
        model.version += 1
    model.save()
    _audit(model, actor, before)
    _rescore_later(actor, model)
    return model


def _bump(model: ScoringModel) -> None:
    ScoringModel.objects.filter(pk=model.pk).update(version=model.version + 1)
    model.version += 1


@transaction.atomic
def save_scoring_rule(
    *, actor, model: ScoringModel, rule: ScoringRule | None = None, values: dict[str, Any]
) -> ScoringRule:
    """Add a rule to a model or change one: its label, field, condition, value and points; audited, and the
    model's version moves with it."""
    _require_scoring_admin(actor)
    if rule is not None and rule.model_id != model.pk:
        raise PeyvandError("not_found", _("Not found."), status=404)
    creating = rule is None
    rule = rule or ScoringRule(model=model)
    before = None if creating else snapshot(rule)
    errors = _Errors()
    label = _text(values.get("label"), 120)
    if not label:
        errors.add("label", _("This field is required."))
    rule.label = label
    rule.field = str(values.get("field") or "").strip()[:80]
    if not rule.field:
        errors.add("field", _("This field is required."))
    rule.condition = _choice(errors, "condition", values.get("condition"), Condition.choices, blank=False)
    rule.value = _text(values.get("value"), 500)
    points = _whole(errors, "points", values.get("points"), -MAX_POINTS, MAX_POINTS)
    if points is not None:
        rule.points = points
    if rule.field and rule.condition:
        for field, message in scoring.rule_problems(rule.field, rule.condition, rule.value).items():
            errors.add(field, message)
    errors.raise_any()
    if creating:
        last = model.rules.order_by("-order").values_list("order", flat=True).first()
        rule.order = (last or 0) + 1
    elif diff(before or {}, snapshot(rule)):
        rule.version += 1
    else:
        return rule  # nothing changed: no version, no audit row, no re-scoring
    rule.save()
    _bump(model)
    _audit(rule, actor, before, note=model.name)
    _rescore_later(actor, model)
    return rule


@transaction.atomic
def delete_scoring_rule(*, actor, rule: ScoringRule) -> None:
    """Remove a rule from its model; the model's version moves and its leads are scored again without it."""
    _require_scoring_admin(actor)
    model = rule.model
    write_audit(
        instance=rule, actor=actor, action=AuditAction.DELETE, changes={}, note=_text(rule.label, 120)
    )
    rule.delete()
    _bump(model)
    _rescore_later(actor, model)
