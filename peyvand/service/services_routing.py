"""Writes of the routing rules (``routing.py``): administrators only, each audited, every wrong value named."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from peyvand.accounts.models import Team, User
from peyvand.billing.models import CustomerTier, Product
from peyvand.core.audit import write_audit
from peyvand.core.errors import ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.service.models import TicketCategory, TicketChannel, TicketPriority, TicketType
from peyvand.service.models_routing import RoutingStrategy, TicketRoutingRule
from peyvand.service.routing import SUPPORT_ROLES
from peyvand.service.services_sla import _key, _row_values, _save, _text, _whole, require_service_admin

CHOICES = {
    "channel": TicketChannel.values,
    "type": TicketType.values,
    "priority": TicketPriority.values,
}
ROWS = {"category": TicketCategory, "product": Product, "customer_tier": CustomerTier}


@transaction.atomic
def save_rule(*, actor, rule: TicketRoutingRule | None = None, values: dict[str, Any]) -> TicketRoutingRule:
    """A rule's conditions (each empty one matches any ticket) and where its tickets go."""
    from django.conf import settings

    require_service_admin(actor)
    creating = rule is None
    rule = rule or TicketRoutingRule()
    before = {} if creating else _row_values(rule)
    errors: list[dict] = []
    rule.name = _text(values, "name", 120, errors)
    rule.position = _whole(values, "position", errors, low=0, high=1_000_000, required=False) or 0
    rule.active = bool(values.get("active", True))
    for name, allowed in CHOICES.items():
        value = str(values.get(name) or "")
        if value and value not in allowed:
            errors.append({"field": name, "message": _("Choose one of the offered values.")})
        setattr(rule, name, value)
    language = str(values.get("language") or "")
    if language and language not in dict(settings.LANGUAGES):
        errors.append({"field": "language", "message": _("Choose one of the offered values.")})
    rule.language = language
    for name, model in ROWS.items():
        raw = values.get(name)
        key = _key(raw)
        if raw in (None, ""):
            setattr(rule, f"{name}_id", None)
        elif key is None or not model._default_manager.filter(pk=key).exists():
            errors.append({"field": name, "message": _("No such record.")})
        else:
            setattr(rule, f"{name}_id", key)
    rule.keywords = " ".join(str(values.get("keywords") or "").split())[:300]
    strategy = str(values.get("strategy") or RoutingStrategy.LEAST_OPEN)
    if strategy not in RoutingStrategy.values:
        errors.append({"field": "strategy", "message": _("Choose one of the offered values.")})
    rule.strategy = strategy
    team_id = _key(values.get("team"))
    if values.get("team") in (None, ""):
        errors.append({"field": "team", "message": _("Choose the queue its tickets go to.")})
    elif team_id is None or not Team.objects.filter(pk=team_id).exists():
        errors.append({"field": "team", "message": _("No such team.")})
    else:
        rule.team_id = team_id
    agent_id = _key(values.get("agent"))
    rule.agent_id = None
    if strategy == RoutingStrategy.USER:
        agent = (
            User.objects.filter(pk=agent_id, is_active=True, role__in=SUPPORT_ROLES).first()
            if agent_id
            else None
        )
        if agent is None:
            errors.append({"field": "agent", "message": _("Choose an active support agent.")})
        elif team_id is not None and agent.team_id != team_id:
            errors.append({"field": "agent", "message": _("This agent is not in the chosen queue.")})
        else:
            rule.agent_id = agent.pk
    if errors:
        raise ValidationFailed(errors)
    return _save(rule, actor=actor, before=before, creating=creating)


@transaction.atomic
def delete_rule(*, actor, rule: TicketRoutingRule) -> None:
    """Tickets it routed keep their agent; new ones try the next rule."""
    require_service_admin(actor)
    write_audit(instance=rule, actor=actor, action=AuditAction.DELETE, changes=_row_values(rule))
    rule.delete()
