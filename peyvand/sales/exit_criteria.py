"""Exit criteria: what a deal must have (fields filled in, checklist items done) before it moves forward out of
a stage.

Only the stage a deal leaves is checked, never the stages a move skips (see ``stages_to_leave``). The same check runs on every path that changes a deal's stage (the move service, the deal update, hence the
API, the deal form and the board), so a rule set on a stage holds everywhere. Going back to an earlier stage or
to a lost stage is never blocked: a deal must always be able to fall back or be lost.
"""

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peyvand.core.errors import PeyvandError
from peyvand.core.models import CustomField
from peyvand.core.text import clean_display_text
from peyvand.sales import permissions

# Deal fields a stage may require, besides any custom field of deals ("custom.<key>").
FIELD_CHOICES = {
    "amount": gettext_lazy("amount"),
    "expected_close_date": gettext_lazy("expected close date"),
    "contact": gettext_lazy("contact"),
    "company": gettext_lazy("company"),
}
CUSTOM_PREFIX = "custom."
MAX_OVERRIDE_REASON = 200


def _deal_custom_fields() -> dict[str, CustomField]:
    return {f.key: f for f in CustomField.objects.filter(entity="deal")}


def field_options() -> list[tuple[str, str]]:
    """Every field a stage may require, as (value, label), custom fields of deals included."""
    options = [(name, capfirst(str(label))) for name, label in FIELD_CHOICES.items()]
    options += [(CUSTOM_PREFIX + f.key, f.label) for f in _deal_custom_fields().values()]
    return options


def unknown_fields(names: list[Any]) -> list[Any]:
    """The names in ``names`` that are not fields a stage may require."""
    allowed = {value for value, _label in field_options()}
    return [name for name in names if name not in allowed]


def _label(name: str, custom: dict[str, CustomField]) -> str:
    if name.startswith(CUSTOM_PREFIX):
        field = custom.get(name[len(CUSTOM_PREFIX) :])
        return field.label if field else name
    return capfirst(str(FIELD_CHOICES.get(name, name)))


def _filled(name: str, state: dict[str, Any]) -> bool:
    if name.startswith(CUSTOM_PREFIX):
        value = (state.get("custom") or {}).get(name[len(CUSTOM_PREFIX) :])
        return value not in (None, "", [])
    value = state.get(name)
    if name == "amount":
        return value is not None and value > 0  # a new deal's amount is 0 until someone states it
    return value not in (None, "")


def deal_state(deal, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """The fields the criteria look at, as they will be once ``values`` are saved on ``deal``."""
    values = values or {}
    state = {name: values.get(name, getattr(deal, name)) for name in FIELD_CHOICES}
    state["custom"] = values.get("custom", deal.custom)
    return state


def stages_to_leave(current, target) -> list:
    """The stages whose exit criteria a move from ``current`` to ``target`` must meet: none when it goes back
    or to a lost stage; otherwise the stage it leaves, and only that one.

    The open stages a move passes over are not checked: the deal was never worked in them, so their checklists
    describe work that did not happen rather than work left undone, and asking for it made a rep tick a wall of
    items (or a manager override) to win a deal that closed early. A won stage always counts as forward.
    """
    if target.kind == "lost":
        return []
    if target.kind != "won" and (target.order, target.pk) <= (current.order, current.pk):
        return []
    return [current]


def missing(deal, stages: list, state: dict[str, Any]) -> list[dict[str, Any]]:
    """What the deal lacks to leave ``stages``: one error per field or checklist item, naming it."""
    if not stages:
        return []
    custom = _deal_custom_fields()
    done = set(deal.checks.values_list("item_id", flat=True)) if deal.pk else set()
    errors, seen = [], set()
    for stage in stages:
        for name in stage.required_fields or []:
            if name in seen:
                continue
            if name.startswith(CUSTOM_PREFIX):
                if name[len(CUSTOM_PREFIX) :] not in custom:
                    continue  # the custom field was deleted since the stage required it
            elif name not in FIELD_CHOICES:
                continue  # not a field a stage may require (set by hand in Django admin)
            if not _filled(name, state):
                seen.add(name)
                errors.append(
                    {
                        "field": name,
                        "label": _label(name, custom),
                        "message": _("%(field)s is required to leave “%(stage)s”.")
                        % {"field": _label(name, custom), "stage": stage.name},
                    }
                )
        for item in stage.checklist.all():
            if item.required and not item.archived and item.pk not in done:
                label = _("checklist item “%(item)s”") % {"item": item.text}
                errors.append(
                    {
                        "field": f"checklist.{item.pk}",
                        "label": label,
                        "item": item.text,
                        "message": _("Checklist item “%(item)s” must be done to leave “%(stage)s”.")
                        % {"item": item.text, "stage": stage.name},
                    }
                )
    return errors


def summary(errors: list[dict[str, Any]]) -> str:
    """What is missing, in one line: the fields to fill in, then the checklist items to tick, each named once."""
    fields = [str(e["label"]) for e in errors if not e["field"].startswith("checklist.")]
    items = [str(e["item"]) for e in errors if e["field"].startswith("checklist.")]
    parts = []
    if fields:
        parts.append(_("Fill in first: %(fields)s.") % {"fields": ", ".join(fields)})
    if items:
        parts.append(_("Tick first: %(items)s.") % {"items": ", ".join(items)})
    return " ".join(parts)


class ExitCriteriaMissing(PeyvandError):
    status = 422

    def __init__(
        self, stage, errors: list[dict[str, Any]], *, code="deal.exit_criteria", message=None, status=None
    ):
        super().__init__(
            code,
            message or summary(errors),
            errors=[{"field": e["field"], "message": e["message"]} for e in errors],
            status=status,
        )
        self.missing = errors


def enforce(*, actor, deal, current, target, state: dict[str, Any], override_reason: str | None):
    """Refuse the move when criteria are missing, unless a manager or admin overrides it with a reason.

    Returns ``(reason, missing)`` for an override that was used, or None when nothing was missing.
    """
    lacking = missing(deal, stages_to_leave(current, target), state)
    if not lacking:
        return None
    reason = clean_display_text(override_reason)[:MAX_OVERRIDE_REASON] if override_reason else ""
    if not reason:
        raise ExitCriteriaMissing(current, lacking)
    if not permissions.can_override_exit_criteria(actor, deal):
        raise ExitCriteriaMissing(
            current,
            lacking,
            code=permissions.OVERRIDE_FORBIDDEN,
            message=_(
                "Only a sales manager of this deal's team or an administrator can override exit criteria. "
                "%(missing)s"
            )
            % {"missing": summary(lacking)},
            status=403,
        )
    return reason, lacking


def override_note(reason: str, lacking: list[dict[str, Any]]) -> str:
    """The audit note of an overridden move: ``override: <reason>`` and what was missing."""
    # A fixed marker, not a translated sentence: the audit trail is searched for "override:".
    note = "override: " + reason + " — missing: " + ", ".join(str(e["label"]) for e in lacking)
    return note[:255]
