"""Automation pages: the rule list, a rule with its run log, and the rule builder (an htmx form that re-renders
itself as rows are added or a trigger or action type is chosen; it works without JavaScript too)."""

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peyvand.automation import catalog, permissions, services
from peyvand.automation.models import Rule
from peyvand.automation.rendering import record_url
from peyvand.core import money, registry
from peyvand.core.errors import PeyvandError
from peyvand.core.records import assignable_users

ACTION_FIELDS = {
    "create_activity": ("kind", "subject", "due", "owner", "notes"),
    "assign_owner": ("user",),
    "update_field": ("field", "value"),
    "add_tag": ("tag",),
    "notify": ("recipients", "title", "body"),
    "send_email": ("to", "address", "subject", "body", "html"),
    "send_sms": ("to", "address", "body"),
    "webhook": ("url",),
}
ACTIVITY_KINDS = (
    ("task", gettext_lazy("Task")),
    ("meeting", gettext_lazy("Meeting")),
    ("call", gettext_lazy("Call")),
)


def _manager_only(request):
    if not permissions.can_manage_rules(request.user):
        raise PermissionDenied


def _get_rule(request, pk: int) -> Rule:
    _manager_only(request)
    rule = services.rules_visible_to(request.user).select_related("created_by").filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


# --- form state: the rule as the form shows it ------------------------------------------------------------------


def _indices(post, prefix: str) -> list[int]:
    pattern = re.compile(rf"^{prefix}-(\d+)-")
    return sorted({int(m.group(1)) for key in post for m in [pattern.match(key)] if m})[:20]


def state_from_post(post) -> dict[str, Any]:
    state = {
        "name": post.get("name", ""),
        "enabled": post.get("enabled") == "on",
        "when": post.get("when", ""),
        "days": post.get("days", "7"),
        "date_field": post.get("date_field", ""),
        "offset_days": post.get("offset_days", "0"),
        "conditions": [
            {
                "field": post.get(f"c-{i}-field", ""),
                "op": post.get(f"c-{i}-op", ""),
                "value": post.get(f"c-{i}-value", ""),
            }
            for i in _indices(post, "c")
        ],
        "actions": [],
    }
    for i in _indices(post, "a"):
        action = {"type": post.get(f"a-{i}-type", "")}
        for name in ACTION_FIELDS.get(action["type"], ()):
            if name == "recipients":
                action[name] = post.getlist(f"a-{i}-recipients")
            elif name == "html":
                action[name] = post.get(f"a-{i}-html") == "on"
            else:
                action[name] = post.get(f"a-{i}-{name}", "")
        state["actions"].append(action)
    return state


def state_from_rule(rule: Rule | None) -> dict[str, Any]:
    if rule is None:
        return {
            "name": "",
            "enabled": True,
            "when": "activity_completed:activity",
            "days": "7",
            "date_field": "",
            "offset_days": "0",
            "conditions": [],
            "actions": [{"type": "create_activity", "kind": "task", "owner": "record_owner"}],
        }
    actions = []
    for action in rule.actions:
        shown = {k: ("" if v is None else v) for k, v in action.items()}
        if action.get("type") == "update_field":
            shown["value"] = _amount_shown(rule.record_type, action.get("field", ""), shown.get("value"))
        if action.get("type") in ("send_email", "send_sms") and action.get("to") not in ("owner", "contact"):
            shown.update(to="address", address=action.get("to", ""))
        if action.get("type") == "notify":
            shown["recipients"] = [str(r) for r in action.get("recipients", [])]
        actions.append(shown)
    return {
        "name": rule.name,
        "enabled": rule.enabled,
        "when": f"{rule.trigger}:{rule.record_type}",
        "days": str(rule.params.get("days", 7)),
        "date_field": rule.params.get("field", ""),
        "offset_days": str(rule.params.get("offset_days", 0)),
        "conditions": [
            {
                "field": c["field"],
                "op": c["op"],
                "value": ", ".join(map(str, c["value"]))
                if isinstance(c.get("value"), list)
                else _amount_shown(rule.record_type, c["field"], c.get("value")) or "",
            }
            for c in rule.conditions
        ],
        "actions": actions,
    }


def _is_money(record_type: str, name: str) -> bool:
    found = registry.find(record_type or "")
    spec = found.field(name) if found else None
    return bool(spec and spec.money)


def _amount_shown(record_type: str, name: str, value: Any) -> Any:
    """A stored amount (Rial) of a rule as the form shows it, in the display unit like every amount people type."""
    if not _is_money(record_type, name) or isinstance(value, list) or value in (None, ""):
        return value
    try:
        return money.input_value(money.parse_number(str(value)), money.RIAL)
    except ValueError:
        return value


def _amount_read(record_type: str, name: str, value: Any) -> Any:
    """A stored amount of a rule as pages show amounts: in the display unit, with the unit."""
    if not _is_money(record_type, name) or isinstance(value, list) or value in (None, ""):
        return value
    try:
        return money.format_money(money.parse_number(str(value)), money.RIAL)
    except ValueError:
        return value


def _amounts_stored(record_type: str, state: dict[str, Any]) -> tuple[list[dict], list[dict], list[dict]]:
    """(conditions, actions, errors): amounts typed in the display unit, as the rule stores them (Rial)."""
    errors: list[dict] = []

    def stored(item: dict, where: str) -> dict:
        value = item.get("value")
        if (
            not _is_money(record_type, item.get("field", ""))
            or item.get("op") == "in"
            or not str(value or "").strip()
        ):
            return item
        try:
            amount = money.from_input(str(value), money.RIAL, field=str(_("Value")))
        except money.MoneyInputError as exc:
            errors.append({"field": f"{where}.value", "message": exc.message})
            return item
        return {**item, "value": "" if amount is None else f"{amount.normalize():f}"}

    conditions = [stored(c, f"conditions.{i}") for i, c in enumerate(state["conditions"])]
    actions = [
        stored(a, f"actions.{i}") if a.get("type") == "update_field" else a
        for i, a in enumerate(state["actions"])
    ]
    return conditions, actions, errors


def values_from_state(state: dict[str, Any]) -> dict[str, Any]:
    trigger, _sep, record_type = state["when"].partition(":")
    conditions, typed_actions, errors = _amounts_stored(record_type, state)
    if errors:
        raise PeyvandError(
            "automation.amount", _("The rule was not saved; correct the marked fields."), errors=errors
        )
    params: dict[str, Any] = {}
    if trigger in ("no_activity", "email_not_opened"):
        params["days"] = state["days"]
    if trigger == "date_reached":
        params = {"field": state["date_field"], "offset_days": state["offset_days"]}
    actions = []
    for shown in typed_actions:
        action = {k: v for k, v in shown.items() if k != "address"}
        if shown["type"] in ("send_email", "send_sms") and shown.get("to") not in ("owner", "contact"):
            action["to"] = shown.get("address", "")
        if shown["type"] == "notify":
            action["recipients"] = [
                r if r in ("owner", "manager") else r for r in shown.get("recipients", [])
            ]
        actions.append(action)
    return {
        "name": state["name"],
        "enabled": state["enabled"],
        "trigger": trigger,
        "record_type": record_type or None,
        "params": params,
        "conditions": conditions,
        "actions": actions,
    }


def _apply_op(state: dict[str, Any], op: str) -> None:
    if op == "add_condition":
        fields = list(catalog.fields_of(_record_type(state)))
        state["conditions"].append({"field": fields[0] if fields else "", "op": "equals", "value": ""})
    elif op == "add_action":
        state["actions"].append({"type": "create_activity", "kind": "task", "owner": "record_owner"})
    elif op.startswith("remove_condition:") or op.startswith("remove_action:"):
        name, _sep, index = op.partition(":")
        rows = state["conditions"] if name == "remove_condition" else state["actions"]
        if index.isdigit() and int(index) < len(rows):
            rows.pop(int(index))


def _record_type(state) -> str:
    return state["when"].partition(":")[2] or "activity"


# --- rendering the form ---------------------------------------------------------------------------------------


def _value_choices(record_type: str, spec, users) -> list[tuple[str, str]] | None:
    if spec is None:
        return None
    if spec.kind == catalog.CHOICE:
        return catalog.choices_of(record_type, spec.name) or None
    if spec.kind == catalog.BOOL:
        return [("true", _("Yes")), ("false", _("No"))]
    if spec.kind == catalog.USER:
        return [(str(u.pk), str(u)) for u in users]
    if spec.kind == catalog.TEAM:
        from peyvand.accounts.models import Team

        return [(str(t.pk), t.name) for t in Team.objects.all()]
    if spec.kind == catalog.PIPELINE:
        from peyvand.sales.models import Pipeline

        return [(str(p.pk), p.name) for p in Pipeline.objects.all()]
    if spec.kind == catalog.STAGE:
        from peyvand.sales.models import Stage

        return [
            (str(s.pk), f"{s.pipeline.name} / {s.name}") for s in Stage.objects.select_related("pipeline")
        ]
    return None


def _form_context(request, state, *, rule: Rule | None, errors: list[dict] | None = None) -> dict[str, Any]:
    record_type = _record_type(state)
    fields = catalog.fields_of(record_type)
    creator = rule.created_by if rule else request.user
    users = list(assignable_users(creator).order_by("username"))
    errors = errors or []

    def row_errors(prefix):
        return [e["message"] for e in errors if str(e.get("field") or "").startswith(prefix)]

    conditions = []
    for i, condition in enumerate(state["conditions"]):
        spec = fields.get(condition["field"])
        ops = [
            (k, v)
            for k, v in catalog.OPERATORS.items()
            if spec is None or k in catalog.OPERATORS_FOR_KIND[spec.kind]
        ]
        choices = (
            _value_choices(record_type, spec, users) if condition["op"] in ("equals", "not_equals") else None
        )
        unit = money.unit_label(money.RIAL) if _is_money(record_type, condition["field"]) else ""
        conditions.append(
            {
                **condition,
                "index": i,
                "ops": ops,
                "choices": choices,
                "unit": unit,
                "errors": row_errors(f"conditions.{i}"),
            }
        )
    actions = []
    for i, action in enumerate(state["actions"]):
        unit = (
            money.unit_label(money.RIAL)
            if action.get("type") == "update_field" and _is_money(record_type, action.get("field", ""))
            else ""
        )
        actions.append({**action, "index": i, "unit": unit, "errors": row_errors(f"actions.{i}")})
    used = {e.get("field") for e in errors}
    general = [
        e["message"] for e in errors if not str(e.get("field") or "").startswith(("conditions.", "actions."))
    ]
    return {
        "rule": rule,
        "state": state,
        "trigger_choices": catalog.trigger_choices(),
        "periodic_trigger": state["when"].partition(":")[0],
        "field_choices": [(name, spec.label) for name, spec in fields.items()],
        "writable_choices": [(name, spec.label) for name, spec in fields.items() if spec.writable],
        "date_choices": [(s.name, s.label) for s in catalog.date_fields(record_type)],
        "action_types": list(catalog.ACTIONS.items()),
        "activity_kinds": ACTIVITY_KINDS,
        "users": [(str(u.pk), str(u)) for u in users],
        "conditions": conditions,
        "actions": actions,
        "errors": general,
        "has_errors": bool(used),
        "action_url": reverse("automation:edit", args=[rule.pk]) if rule else reverse("automation:create"),
    }


@login_required
def form_view(request, pk: int | None = None):
    rule = _get_rule(request, pk) if pk else None
    if not rule:
        _manager_only(request)
    errors = None
    if request.method == "POST":
        state = state_from_post(request.POST)
        op = request.POST.get("_op", "")
        if not op:
            try:
                values = values_from_state(state)
                if rule is None:
                    rule = services.create_rule(actor=request.user, values=values)
                else:
                    version = (
                        int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
                    )
                    rule = services.update_rule(actor=request.user, rule=rule, version=version, values=values)
            except PeyvandError as exc:
                errors = exc.errors or [{"field": None, "message": str(exc.message)}]
            else:
                messages.success(request, _("The rule was saved."))
                target = reverse("automation:detail", args=[rule.pk])
                if request.htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return HttpResponseRedirect(target)
        else:
            _apply_op(state, op)
    else:
        state = state_from_rule(rule)
    context = _form_context(request, state, rule=rule, errors=errors)
    if request.htmx and request.method == "POST":
        return render(request, "automation/_rule_form.html", context)
    return render(request, "automation/rule_form.html", context)


# --- list, detail, switch, delete -----------------------------------------------------------------------------


def _describe_trigger(rule: Rule) -> str:
    for value, label in catalog.trigger_choices():
        if value == f"{rule.trigger}:{rule.record_type}":
            return label
    return rule.trigger


@login_required
def list_view(request):
    _manager_only(request)
    rules = list(services.rules_visible_to(request.user).select_related("created_by"))
    for rule in rules:
        rule.trigger_label = _describe_trigger(rule)
        rule.last_run = rule.runs.first()
    return render(request, "automation/rule_list.html", {"rules": rules})


@login_required
def detail_view(request, pk: int):
    rule = _get_rule(request, pk)
    rule.trigger_label = _describe_trigger(rule)
    page = Paginator(rule.runs.all(), 50).get_page(request.GET.get("page"))
    labels = dict(catalog.ACTIONS)
    for run in page:
        run.url = record_url(run.record_type, run.record_id)
        run.shown_results = [
            {**r, "label": labels.get(r.get("type"), r.get("type"))} for r in run.results if r
        ]
    actions = [{**a, "label": labels.get(a.get("type"), a.get("type"))} for a in rule.actions]
    operators = dict(catalog.OPERATORS)
    fields = catalog.fields_of(rule.record_type)
    conditions = [
        {
            "field": fields[c["field"]].label if c["field"] in fields else c["field"],
            "op": operators.get(c["op"], c["op"]),
            "value": _amount_read(rule.record_type, c["field"], c.get("value")),
        }
        for c in rule.conditions
    ]
    return render(
        request,
        "automation/rule_detail.html",
        {"rule": rule, "runs": page, "actions": actions, "conditions": conditions},
    )


@login_required
@require_POST
def toggle_view(request, pk: int):
    rule = _get_rule(request, pk)
    try:
        services.update_rule(
            actor=request.user, rule=rule, version=rule.version, values={"enabled": not rule.enabled}
        )
    except PeyvandError as exc:
        messages.error(request, str(exc.message))
    if request.POST.get("back") == "detail":
        return HttpResponseRedirect(reverse("automation:detail", args=[rule.pk]))
    return HttpResponseRedirect(reverse("automation:list"))


@login_required
@require_POST
def delete_view(request, pk: int):
    rule = _get_rule(request, pk)
    services.delete_rule(actor=request.user, rule=rule)
    messages.success(request, _("The rule was deleted."))
    return HttpResponseRedirect(reverse("automation:list"))
