"""Explainable lead scoring: a model's rules (field + condition + points), the score and which rules fired,
and what won and lost leads say each rule is worth."""

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from peyvand.core.audit import write_audit
from peyvand.core.customfields import FALSE_WORDS, TRUE_WORDS
from peyvand.core.errors import NotFound, PeyvandError
from peyvand.core.models import AuditAction, CustomField
from peyvand.core.text import normalize_text, to_ascii_digits
from peyvand.leads import permissions
from peyvand.leads.models import Condition, Lead, ScoringModel, ScoringRule

# Lead fields a rule may test, and the related ones (a linked contact or company wins over the lead's copy).
LEAD_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "company_name",
    "industry",
    "phone",
    "email",
    "city",
    "region",
    "source",
    "source_detail",
    "status",
    "budget",
    "purchase_timeline",
    "audience",
    "language",
    "description",
    "pipeline",
)
RELATED_FIELDS = ("contact.title", "company.industry", "company.size")
NUMERIC_CONDITIONS = (Condition.GREATER, Condition.LESS, Condition.BETWEEN)

# Learned suggestions: below this many leads on either side of a rule, no suggestion is made.
MIN_SAMPLE = 5
# Points per unit of log-odds lift (a rule that triples the odds of winning suggests about 22 points).
POINTS_PER_LOG_ODDS = 20
MAX_SUGGESTED = 100


def field_label(field: str) -> str:
    """A rule's field as people read it ("Company › industry", "Budget", a custom field's own label), in the
    language of the page; the stored name when nothing better is known."""
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.text import capfirst

    from peyvand.core.customfields import fields_for

    if field.startswith("custom."):
        key = field.removeprefix("custom.")
        return next((f.label for f in fields_for("lead") if f.key == key), key)
    model, name = Lead, field
    if "." in field:
        relation, name = field.split(".", 1)
        try:
            related = Lead._meta.get_field(relation)
        except FieldDoesNotExist:
            return field
        model = related.related_model
        prefix = f"{capfirst(related.verbose_name)} › "
    else:
        prefix = ""
    try:
        return prefix + capfirst(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return field


def _split(value: str) -> list[str]:
    return [p.strip() for p in (value or "").replace("،", ",").split(",") if p.strip()]


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(to_ascii_digits(str(value)).strip().replace("٫", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def rule_problems(field: str, condition: str, value: str) -> dict[str, str]:
    """What is wrong with a rule, by form field; empty when it can be evaluated."""
    problems = {}
    if field.startswith("custom."):
        if not CustomField.objects.filter(entity="lead", key=field[7:]).exists():
            problems["field"] = _("There is no such custom field.")
    elif field not in LEAD_FIELDS and field not in RELATED_FIELDS:
        problems["field"] = _(
            "Unknown field; use a lead field, contact.title, company.industry, company.size or custom.<key>."
        )
    if condition in NUMERIC_CONDITIONS:
        parts = _split(value) if condition == Condition.BETWEEN else [value]
        numbers = [_number(p) for p in parts]
        if condition == Condition.BETWEEN and len(numbers) != 2:
            problems["value"] = _("Give two numbers: low, high.")
        elif any(n is None for n in numbers):
            problems["value"] = _("Enter a number.")
        elif condition == Condition.BETWEEN and numbers[0] > numbers[1]:
            problems["value"] = _("The low end must not be above the high end.")
    elif condition != Condition.IS_SET and not (value or "").strip():
        problems["value"] = _("This field is required.")
    return problems


def field_value(lead: Lead, field: str) -> Any:
    if field.startswith("custom."):
        return (lead.custom or {}).get(field[7:])
    if field == "contact.title":
        return lead.contact.title if lead.contact_id and lead.contact.title else lead.title
    if field == "company.industry":
        return lead.company.industry if lead.company_id and lead.company.industry else lead.industry
    if field == "company.size":
        return lead.company.size if lead.company_id else ""
    if field == "pipeline":
        return lead.pipeline.name if lead.pipeline_id else ""
    return getattr(lead, field, None)


def _equals(actual: Any, expected: str) -> bool:
    if isinstance(actual, bool):
        word = expected.strip().lower()
        return (word in TRUE_WORDS) if actual else (word in FALSE_WORDS)
    a, e = _number(actual), _number(expected)
    if a is not None and e is not None:
        return a == e
    return normalize_text(str(actual)) == normalize_text(expected)


def matches(actual: Any, condition: str, value: str) -> bool:
    """Whether a field's value meets a rule's condition; text is compared Persian-normalised."""
    if actual in (None, "", [], {}):
        return False
    if condition == Condition.IS_SET:
        return True
    if condition == Condition.EQUALS:
        return _equals(actual, value)
    if condition == Condition.IN_LIST:
        return any(_equals(actual, option) for option in _split(value))
    if condition == Condition.CONTAINS:
        needle = normalize_text(value)
        return bool(needle) and needle in normalize_text(str(actual))
    number = _number(actual)
    if number is None:
        return False
    if condition == Condition.GREATER:
        return number > (_number(value) or 0)
    if condition == Condition.LESS:
        return number < (_number(value) or 0)
    if condition == Condition.BETWEEN:
        low, high = (_number(p) for p in _split(value))
        return low <= number <= high
    return False


def rule_fires(rule: ScoringRule, lead: Lead) -> bool:
    try:
        return matches(field_value(lead, rule.field), rule.condition, rule.value)
    except (TypeError, ValueError):  # a rule saved before a custom field changed type: it does not fire
        return False


def model_for(pipeline_id: int | None) -> ScoringModel | None:
    """The active model of the lead's pipeline, else the active default model."""
    models = ScoringModel.objects.filter(active=True).prefetch_related("rules")
    return (pipeline_id and models.filter(pipeline_id=pipeline_id).first()) or models.filter(
        pipeline__isnull=True
    ).first()


@dataclass
class Score:
    model: ScoringModel | None
    points: int
    band: str
    qualified: bool
    explanation: list[dict[str, Any]]

    def as_values(self) -> dict[str, Any]:
        return {
            "scoring_model": self.model,
            "score": self.points,
            "score_band": self.band,
            "qualified": self.qualified,
            "score_explanation": self.explanation,
        }


def score_lead(lead: Lead, model: ScoringModel | None = None) -> Score:
    model = model or model_for(lead.pipeline_id)
    if model is None:
        return Score(None, 0, "", False, [])
    fired = [rule for rule in model.rules.all() if rule_fires(rule, lead)]
    explanation = [{"rule": r.pk, "label": r.label, "field": r.field, "points": r.points} for r in fired]
    points = sum(r.points for r in fired)
    return Score(model, points, model.band_for(points), points >= model.threshold, explanation)


# --- re-scoring ---------------------------------------------------------------------------------------------


def leads_scored_by(model: ScoringModel):
    """The leads this model scores now, plus those it scored before (a deactivated model hands them back)."""
    if model.pipeline_id:
        scope = Q(pipeline_id=model.pipeline_id)
    else:
        covered = ScoringModel.objects.filter(active=True, pipeline__isnull=False).values("pipeline_id")
        scope = Q(pipeline__isnull=True) | ~Q(pipeline_id__in=covered)
    return Lead.all_objects.filter(scope | Q(scoring_model=model))


def rescore(leads, progress=None, batch: int = 500) -> int:
    """Score ``leads`` again in batches; derived data, so neither the version nor the audit trail moves."""
    fields = ["scoring_model", "score", "score_band", "qualified", "score_explanation"]
    ids = list(leads.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch):
        chunk = list(
            Lead.all_objects.filter(pk__in=ids[start : start + batch]).select_related(
                "contact", "company", "pipeline"
            )
        )
        with transaction.atomic():
            for lead in chunk:
                for name, value in score_lead(lead).as_values().items():
                    setattr(lead, name, value)
            Lead.all_objects.bulk_update(chunk, fields)
        done += len(chunk)
        if progress:
            progress(done, len(ids))
    return done


def start_rescore(*, actor, model: ScoringModel):
    from peyvand.core.jobs import start_job
    from peyvand.leads.tasks import rescore_leads

    return start_job(
        kind="leads.rescore",
        title=_("Re-score leads with “%(model)s”") % {"model": model.name},
        actor=actor,
        task=rescore_leads,
        total=leads_scored_by(model).count(),
        model_id=model.pk,
    )


# --- learning from won and lost leads -----------------------------------------------------------------------


def _outcomes(model: ScoringModel) -> list[tuple[Lead, bool]]:
    """(lead, won) for the model's leads whose deal closed: won when any deal reached a won stage, lost when
    a deal reached a lost stage and none was won; leads with only open deals, or none, teach nothing yet."""
    from peyvand.sales.models import Deal, DealStatus

    deals = Deal.objects.filter(lead=OuterRef("pk"))
    leads = (
        leads_scored_by(model)
        .filter(deleted_at__isnull=True)
        .annotate(
            won=Exists(deals.filter(status=DealStatus.WON)), lost=Exists(deals.filter(status=DealStatus.LOST))
        )
        .filter(Q(won=True) | Q(lost=True))
        .select_related("contact", "company", "pipeline")
    )
    return [(lead, lead.won) for lead in leads]


def _rate(leads: int, won: int) -> dict[str, Any]:
    return {"leads": leads, "won": won, "win_rate": round(won / leads, 4) if leads else None}


def suggested_points(won_in: int, lost_in: int, won_out: int, lost_out: int) -> int | None:
    """Points proportional to the log-odds lift of matching the rule (half a lead added to each cell so a
    rule that never lost still gets a finite figure); None below the minimum sample."""
    if won_in + lost_in < MIN_SAMPLE or won_out + lost_out < MIN_SAMPLE:
        return None
    lift = math.log((won_in + 0.5) / (lost_in + 0.5)) - math.log((won_out + 0.5) / (lost_out + 0.5))
    points = math.floor(lift * POINTS_PER_LOG_ODDS + 0.5)
    return max(-MAX_SUGGESTED, min(MAX_SUGGESTED, points))


def insights(model: ScoringModel) -> dict[str, Any]:
    outcomes = _outcomes(model)
    rules = []
    for rule in model.rules.all():
        won_in = lost_in = won_out = lost_out = 0
        for lead, won in outcomes:
            if rule_fires(rule, lead):
                won_in, lost_in = won_in + won, lost_in + (not won)
            else:
                won_out, lost_out = won_out + won, lost_out + (not won)
        rules.append(
            {
                "rule_id": rule.pk,
                "label": rule.label,
                "field": rule.field,
                "field_label": field_label(rule.field),
                "condition": rule.condition,
                "condition_label": rule.get_condition_display(),
                "value": rule.value,
                "points": rule.points,
                "matched": _rate(won_in + lost_in, won_in),
                "not_matched": _rate(won_out + lost_out, won_out),
                "suggested_points": suggested_points(won_in, lost_in, won_out, lost_out),
            }
        )
    above = [won for lead, won in outcomes if lead.score >= model.threshold]
    below = [won for lead, won in outcomes if lead.score < model.threshold]
    above_rate, below_rate = _rate(len(above), sum(above)), _rate(len(below), sum(below))
    lift = round(sum(above) * len(below) / (len(above) * sum(below)), 4) if above and sum(below) else None
    return {
        "model_id": model.pk,
        "model": model.name,
        "threshold": model.threshold,
        "leads_with_outcome": len(outcomes),
        "min_sample": MIN_SAMPLE,
        "rules": rules,
        "lift": {"above_threshold": above_rate, "below_threshold": below_rate, "ratio": lift},
    }


def _require_admin(actor) -> None:
    if not permissions.can_manage_scoring(actor):
        raise PeyvandError(
            permissions.SCORING_FORBIDDEN, _("Only an administrator can change scoring models."), status=403
        )


def model_insights(*, actor, model: ScoringModel) -> dict[str, Any]:
    """The model's insights for an administrator; refused (403) for anyone else."""
    if not permissions.can_manage_scoring(actor):
        raise PeyvandError(
            permissions.SCORING_FORBIDDEN, _("Only an administrator can read scoring insights."), status=403
        )
    return insights(model)


@transaction.atomic
def accept_suggestion(*, actor, model: ScoringModel, rule_id: int):
    """Give a rule the points its won/lost history suggests, audited, and re-score the model's leads."""
    _require_admin(actor)
    rule = ScoringRule.objects.select_for_update().filter(model=model, pk=rule_id).first()
    if rule is None:
        raise NotFound()
    figures = next(r for r in insights(model)["rules"] if r["rule_id"] == rule.pk)
    suggestion = figures["suggested_points"]
    if suggestion is None:
        raise PeyvandError(
            "scoring.no_suggestion",
            _("Too few won or lost leads to suggest points for this rule."),
            status=409,
        )
    old = rule.points
    rule.points = suggestion
    rule.version += 1
    rule.save(update_fields=["points", "version"])
    write_audit(
        instance=rule,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={"points": [old, suggestion]} if old != suggestion else {},
        note=_("Accepted the suggestion learned from %(n)s won or lost leads")
        % {"n": figures["matched"]["leads"] + figures["not_matched"]["leads"]},
    )
    job = start_rescore(actor=actor, model=model)
    return rule, job


def start_rescore_by(*, actor, model: ScoringModel):
    _require_admin(actor)
    return start_rescore(actor=actor, model=model)
