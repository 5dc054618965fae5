"""The leads sections of the settings: assignment rules and scoring models, for administrators.

Thin views over ``leads.configuration`` (the same checks, field errors and audit rows whoever writes): each
page checks the right first (403 for anyone else), a refused form comes back with its values and the message
beside the field it names (400), and a saved one redirects.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peyvand.accounts.models import Team
from peyvand.core.choices import Audience, Channel
from peyvand.core.customfields import fields_for
from peyvand.core.errors import PeyvandError
from peyvand.core.text import clean_display_text, to_ascii_digits
from peyvand.leads import assignment, configuration, permissions, scoring
from peyvand.leads.models import (
    AssignmentRule,
    Condition,
    Lead,
    ScoreBand,
    ScoringModel,
    ScoringRule,
    Strategy,
)


def _errors(exc: PeyvandError) -> dict[str, str]:
    return {str(e.get("field") or ""): str(e["message"]) for e in exc.errors or []} or {"": str(exc.message)}


def _pipelines():
    from peyvand.sales.models import Pipeline

    return Pipeline.objects.order_by("order", "name")


# --- assignment rules ----------------------------------------------------------------------------------------


def _assignment_admin(user) -> None:
    if not permissions.can_change_assignment(user):
        raise PermissionDenied


RULE_FIELDS = (
    "name",
    "source",
    "pipeline",
    "territory",
    "audience",
    "score_band",
    "language",
    "strategy",
    "target_user",
    "target_team",
    "fallback_owner",
)


@login_required
def assignment_rules_view(request):
    """The rules in the order they are tried, each as a sentence, with buttons to move it up or down."""
    _assignment_admin(request.user)
    rules = list(
        AssignmentRule.objects.select_related("pipeline", "target_user", "target_team", "fallback_owner")
    )
    rows = [{"rule": rule, **assignment.describe(rule)} for rule in rules]
    context: dict[str, Any] = {
        "rows": rows,
        "channels": Channel.choices,
        "audiences": Audience.choices,
        "bands": ScoreBand.choices,
        "pipelines": _pipelines(),
        "sample": {name: request.GET.get(name, "") for name in SAMPLE_FIELDS},
    }
    if "try" in request.GET:
        context["tried"] = True
        context["outcome"] = assignment.preview(_sample_lead(context["sample"]))
    return render(request, "leads/settings/assignment_list.html", context)


SAMPLE_FIELDS = ("source", "city", "region", "pipeline", "audience", "score_band", "language")


def _sample_lead(sample: dict[str, str]) -> Lead:
    """An unsaved lead with what the "try a lead" box was given; a value outside a list is simply left out."""
    lead = Lead(last_name="?")
    if sample["source"] in Channel.values:
        lead.source = sample["source"]
    else:
        lead.source = ""
    for name in ("city", "region", "language"):
        setattr(lead, name, clean_display_text(sample[name])[:80])
    if sample["audience"] in Audience.values:
        lead.audience = sample["audience"]
    if sample["score_band"] in ScoreBand.values:
        lead.score_band = sample["score_band"]
    pipeline = to_ascii_digits(sample["pipeline"])
    if pipeline.isdigit():
        lead.pipeline = _pipelines().filter(pk=int(pipeline)).first()
    return lead


def _rule_form(request, rule: AssignmentRule | None):
    if rule is None:
        values: dict[str, Any] = {"active": True, "strategy": Strategy.ROUND_ROBIN}
    else:
        values = {name: getattr(rule, name) for name in RULE_FIELDS if name not in ("pipeline",)}
        for name in ("pipeline", "target_user", "target_team", "fallback_owner"):
            values[name] = getattr(rule, f"{name}_id")
        values["active"] = rule.active
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in RULE_FIELDS}
        values["active"] = request.POST.get("active") in ("1", "on", "true")
        try:
            saved = configuration.save_assignment_rule(actor=request.user, rule=rule, values=values)
        except PeyvandError as exc:
            errors = _errors(exc)
            if rule is not None:
                rule.refresh_from_db()
        else:
            messages.success(request, _("Rule “%(rule)s” saved.") % {"rule": saved.name})
            return HttpResponseRedirect(reverse("leads-assignment"))
        for name in ("pipeline", "target_user", "target_team", "fallback_owner"):
            values[name] = int(values[name]) if str(values[name]).isdigit() else None
    return render(
        request,
        "leads/settings/assignment_form.html",
        {
            "rule": rule,
            "values": values,
            "errors": errors,
            "general_errors": [m for f, m in errors.items() if f not in RULE_FIELDS],
            "channels": Channel.choices,
            "audiences": Audience.choices,
            "bands": ScoreBand.choices,
            "strategies": Strategy.choices,
            "pipelines": _pipelines(),
            "teams": Team.objects.order_by("name"),
            "people": configuration.assignable_users(),
        },
        status=400 if errors else 200,
    )


@login_required
def assignment_rule_create_view(request):
    _assignment_admin(request.user)
    return _rule_form(request, None)


@login_required
def assignment_rule_edit_view(request, pk: int):
    _assignment_admin(request.user)
    return _rule_form(request, get_object_or_404(AssignmentRule, pk=pk))


@login_required
@require_POST
def assignment_rule_move_view(request, pk: int):
    _assignment_admin(request.user)
    rule = get_object_or_404(AssignmentRule, pk=pk)
    try:
        configuration.move_assignment_rule(
            actor=request.user, rule=rule, direction=request.POST.get("direction", "")
        )
    except PeyvandError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse("leads-assignment") + f"#rule-{rule.pk}")


@login_required
@require_POST
def assignment_rule_delete_view(request, pk: int):
    _assignment_admin(request.user)
    rule = get_object_or_404(AssignmentRule, pk=pk)
    name = rule.name
    configuration.delete_assignment_rule(actor=request.user, rule=rule)
    messages.success(request, _("Rule “%(rule)s” deleted.") % {"rule": name})
    return HttpResponseRedirect(reverse("leads-assignment"))


# --- scoring models ------------------------------------------------------------------------------------------


def _scoring_admin(user) -> None:
    if not permissions.can_change_scoring(user):
        raise PermissionDenied


MODEL_FIELDS = ("name", "pipeline", "warm_from", "hot_from", "threshold")
SCORING_RULE_FIELDS = ("label", "field", "condition", "value", "points")


def field_options() -> list[tuple[str, str]]:
    """The fields a rule may test, named as people read them (custom fields by their own label)."""
    names = [*scoring.LEAD_FIELDS, *scoring.RELATED_FIELDS]
    names += [f"custom.{f.key}" for f in fields_for("lead")]
    return [(name, scoring.field_label(name)) for name in names]


@login_required
def scoring_models_view(request):
    _scoring_admin(request.user)
    models = ScoringModel.objects.select_related("pipeline").annotate(rule_count=Count("rules"))
    return render(request, "leads/settings/scoring_list.html", {"models": models})


def _model_values(model: ScoringModel | None) -> dict[str, Any]:
    if model is None:
        return {
            "name": "",
            "pipeline": None,
            "warm_from": 30,
            "hot_from": 60,
            "threshold": 50,
            "active": True,
        }
    return {
        "name": model.name,
        "pipeline": model.pipeline_id,
        "warm_from": model.warm_from,
        "hot_from": model.hot_from,
        "threshold": model.threshold,
        "active": model.active,
    }


def _rule_rows(model: ScoringModel, posted: int | None = None, values=None, errors=None) -> list[dict]:
    rows = []
    for rule in model.rules.all():
        own = rule.pk == posted
        rows.append(
            {
                "rule": rule,
                "prefix": f"r{rule.pk}",
                "values": values if own else {name: getattr(rule, name) for name in SCORING_RULE_FIELDS},
                "errors": (errors or {}) if own else {},
            }
        )
    return rows


def _model_page(request, model: ScoringModel | None, *, status: int = 200, **context):
    options = field_options()
    known = {value for value, _label in options}
    if (
        model is not None
    ):  # a rule on a field no longer offered (a removed custom field) still shows its field
        options += [(r.field, r.field) for r in model.rules.all() if r.field not in known]
    context.setdefault("values", _model_values(model))
    context.setdefault("errors", {})
    context.setdefault("new_rule", {"condition": Condition.EQUALS, "points": 10})
    context.setdefault("new_errors", {})
    if model is not None:
        context.setdefault("rows", _rule_rows(model))
    return render(
        request,
        "leads/settings/scoring_form.html",
        {
            "model": model,
            "pipelines": _pipelines(),
            "fields": options,
            "conditions": Condition.choices,
            "choice_hints": _choice_hints(),
            **context,
        },
        status=status,
    )


def _choice_hints() -> list[dict[str, Any]]:
    """For fields holding one of a list, the values a rule compares with (the stored word, and its name)."""
    from peyvand.leads.models import LeadStatus, PurchaseTimeline

    hints = []
    for name, choices in (
        ("source", Channel.choices),
        ("purchase_timeline", PurchaseTimeline.choices),
        ("audience", Audience.choices),
        ("status", LeadStatus.choices),
    ):
        hints.append({"field": scoring.field_label(name), "choices": choices})
    return hints


def _model_form(request, model: ScoringModel | None):
    if request.method != "POST":
        return _model_page(request, model)
    values: dict[str, Any] = {name: request.POST.get(name, "") for name in MODEL_FIELDS}
    values["active"] = request.POST.get("active") in ("1", "on", "true")
    try:
        saved = configuration.save_scoring_model(actor=request.user, model=model, values=values)
    except PeyvandError as exc:
        if model is not None:
            model.refresh_from_db()
        values["pipeline"] = int(values["pipeline"]) if str(values["pipeline"]).isdigit() else None
        return _model_page(request, model, status=400, values=values, errors=_errors(exc))
    messages.success(
        request, _("Scoring model “%(model)s” saved; its leads are being re-scored.") % {"model": saved.name}
    )
    return HttpResponseRedirect(reverse("leads-scoring-edit", args=[saved.pk]))


@login_required
def scoring_model_create_view(request):
    _scoring_admin(request.user)
    return _model_form(request, None)


@login_required
def scoring_model_edit_view(request, pk: int):
    _scoring_admin(request.user)
    return _model_form(request, get_object_or_404(ScoringModel, pk=pk))


def _rule_values(request) -> dict[str, Any]:
    return {name: request.POST.get(name, "") for name in SCORING_RULE_FIELDS}


@login_required
@require_POST
def scoring_rule_add_view(request, pk: int):
    _scoring_admin(request.user)
    model = get_object_or_404(ScoringModel, pk=pk)
    values = _rule_values(request)
    try:
        rule = configuration.save_scoring_rule(actor=request.user, model=model, values=values)
    except PeyvandError as exc:
        return _model_page(request, model, status=400, new_rule=values, new_errors=_errors(exc))
    messages.success(request, _("Rule “%(rule)s” added.") % {"rule": rule.label})
    return HttpResponseRedirect(reverse("leads-scoring-edit", args=[model.pk]) + "#rules")


@login_required
@require_POST
def scoring_rule_edit_view(request, pk: int, rule_id: int):
    _scoring_admin(request.user)
    model = get_object_or_404(ScoringModel, pk=pk)
    rule = get_object_or_404(ScoringRule, pk=rule_id, model=model)
    values = _rule_values(request)
    try:
        configuration.save_scoring_rule(actor=request.user, model=model, rule=rule, values=values)
    except PeyvandError as exc:
        rows = _rule_rows(model, posted=rule.pk, values=values, errors=_errors(exc))
        return _model_page(request, model, status=400, rows=rows)
    messages.success(request, _("Rule “%(rule)s” saved.") % {"rule": rule.label})
    return HttpResponseRedirect(reverse("leads-scoring-edit", args=[model.pk]) + f"#scoring-rule-{rule.pk}")


@login_required
@require_POST
def scoring_rule_delete_view(request, pk: int, rule_id: int):
    _scoring_admin(request.user)
    model = get_object_or_404(ScoringModel, pk=pk)
    rule = get_object_or_404(ScoringRule, pk=rule_id, model=model)
    label = rule.label
    configuration.delete_scoring_rule(actor=request.user, rule=rule)
    messages.success(request, _("Rule “%(rule)s” deleted.") % {"rule": label})
    return HttpResponseRedirect(reverse("leads-scoring-edit", args=[model.pk]) + "#rules")
