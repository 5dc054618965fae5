"""Writes to automation rules: every rule is checked against the allow-lists before it is stored."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from peyvand.automation import catalog, permissions
from peyvand.automation.actions import clean_actions
from peyvand.automation.conditions import clean_conditions
from peyvand.automation.models import Rule
from peyvand.core.errors import NotFound, PeyvandError, StaleVersion, ValidationFailed
from peyvand.core.text import clean_display_text


def require_rule_manager(user) -> None:
    if not permissions.can_manage_rules(user):
        raise PeyvandError(
            permissions.AUTOMATION_FORBIDDEN,
            _("Only administrators and managers may manage automation rules."),
            status=403,
        )


def _require_rule_of_actor(actor, rule: Rule) -> None:
    """Another team's rule does not exist for a manager (as ``rules_visible_to`` says), whoever fetched it."""
    require_rule_manager(actor)
    if not permissions.can_manage_rule(actor, rule):
        raise NotFound()


def _int(value, field, low, high) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationFailed([{"field": field, "message": _("Enter a whole number.")}])
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationFailed([{"field": field, "message": _("Enter a whole number.")}]) from None
    if not low <= number <= high:
        raise ValidationFailed(
            [
                {
                    "field": field,
                    "message": _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high},
                }
            ]
        )
    return number


def clean_trigger(trigger: Any, record_type: Any, params: Any) -> tuple[str, str, dict[str, Any]]:
    spec = catalog.TRIGGERS.get(trigger) if isinstance(trigger, str) else None
    if spec is None:
        raise ValidationFailed([{"field": "trigger", "message": _("There is no such trigger.")}])
    if record_type in (None, "") and len(spec.record_types) == 1:
        record_type = spec.record_types[0]
    if record_type not in spec.record_types:
        raise ValidationFailed(
            [{"field": "record_type", "message": _("This trigger does not apply to these records.")}]
        )
    params = params if isinstance(params, dict) else {}
    cleaned: dict[str, Any] = {}
    if spec.name in ("no_activity", "email_not_opened"):
        cleaned["days"] = _int(params.get("days", 7), "params.days", 1, 365)
    elif spec.name == "date_reached":
        field = params.get("field")
        if field not in {s.name for s in catalog.date_fields(record_type)}:
            raise ValidationFailed(
                [{"field": "params.field", "message": _("Choose a date field of these records.")}]
            )
        cleaned["field"] = field
        cleaned["offset_days"] = _int(params.get("offset_days", 0), "params.offset_days", -365, 365)
    return spec.name, record_type, cleaned


def _clean(actor, values: dict[str, Any], current: Rule | None) -> dict[str, Any]:
    def pick(name, default=None):
        return values[name] if name in values else (getattr(current, name) if current else default)

    name = pick("name", "")
    name = clean_display_text(name if isinstance(name, str) else "")[:200]
    if not name:
        raise ValidationFailed([{"field": "name", "message": _("Give the rule a name.")}])
    trigger, record_type, params = clean_trigger(pick("trigger"), pick("record_type"), pick("params", {}))
    enabled = pick("enabled", True)
    if not isinstance(enabled, bool):
        raise ValidationFailed([{"field": "enabled", "message": _("Enter yes or no.")}])
    return {
        "name": name,
        "enabled": enabled,
        "trigger": trigger,
        "record_type": record_type,
        "params": params,
        "conditions": clean_conditions(record_type, pick("conditions", [])),
        # Actions run with the creator's rights, so the users they name are checked against the creator.
        "actions": clean_actions(
            record_type, pick("actions", []), actor=current.created_by if current else actor
        ),
    }


def rules_visible_to(user):
    """Rules a user may see and change: all for an admin, their team's for a manager, none for anyone else."""
    if not permissions.can_manage_rules(user):
        return Rule.objects.none()
    if permissions.can_manage_every_rule(user):
        return Rule.objects.all()
    return Rule.objects.filter(team_id=user.team_id) if user.team_id else Rule.objects.filter(created_by=user)


@transaction.atomic
def create_rule(*, actor, values: dict[str, Any]) -> Rule:
    require_rule_manager(actor)
    cleaned = _clean(actor, values, None)
    return Rule.objects.create(**cleaned, created_by=actor, team_id=actor.team_id)


@transaction.atomic
def update_rule(*, actor, rule: Rule, version: int | None, values: dict[str, Any]) -> Rule:
    _require_rule_of_actor(actor, rule)
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    if version is None or version != rule.version:
        raise StaleVersion(current_version=rule.version, changes={})
    cleaned = _clean(actor, values, rule)
    for name, value in cleaned.items():
        setattr(rule, name, value)
    rule.version += 1
    rule.save()
    return rule


@transaction.atomic
def delete_rule(*, actor, rule: Rule) -> None:
    _require_rule_of_actor(actor, rule)
    rule.delete()
