"""Who gets a new lead: the first active rule, in order, whose conditions the lead meets.

A rule targets a user, or a team with a strategy (round robin, fewest open deals, best-matching skills).
Round robin keeps its rotation in a row locked for the rest of the lead's transaction, so leads arriving
at the same moment queue for the next seller instead of two of them taking the same one.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from peyvand.accounts.models import Role, User
from peyvand.core.text import normalize_text
from peyvand.leads.models import AssignmentRule, Lead, RoundRobinState, Strategy


@dataclass
class Assignment:
    owner: User
    rule: AssignmentRule
    reason: str


def _words(value: str) -> set[str]:
    return {normalize_text(p) for p in (value or "").replace("،", ",").split(",") if normalize_text(p)}


def _why(rule: AssignmentRule, lead: Lead) -> list[str] | None:
    """The conditions the lead meets, in words; None when one of them fails."""
    why = []
    if rule.source:
        if lead.source != rule.source:
            return None
        why.append(_("channel is %(v)s") % {"v": rule.get_source_display()})
    if rule.pipeline_id:
        if lead.pipeline_id != rule.pipeline_id:
            return None
        why.append(_("pipeline is %(v)s") % {"v": rule.pipeline})
    if rule.territory:
        places = {normalize_text(lead.region), normalize_text(lead.city)} - {""}
        hit = places & _words(rule.territory)
        if not hit:
            return None
        why.append(
            _("territory is %(v)s") % {"v": lead.region if normalize_text(lead.region) in hit else lead.city}
        )
    if rule.audience:
        if lead.audience != rule.audience:
            return None
        why.append(_("audience is %(v)s") % {"v": rule.get_audience_display()})
    if rule.score_band:
        if lead.score_band != rule.score_band:
            return None
        why.append(_("score band is %(v)s") % {"v": rule.get_score_band_display()})
    if rule.language:
        if (lead.language or "").strip().lower() != rule.language.strip().lower():
            return None
        why.append(_("language is %(v)s") % {"v": rule.language})
    return why or [_("it takes every lead")]


def sellers(team) -> list[User]:
    return list(User.objects.filter(team=team, is_active=True, role=Role.SALES_REP).order_by("id"))


def _with_open_deals(people: list[User]):
    from peyvand.sales.models import Deal, DealStatus

    open_deals = (
        Deal.objects.filter(owner=OuterRef("pk"), status=DealStatus.OPEN)
        .order_by()
        .values("owner")
        .annotate(n=Count("id"))
        .values("n")
    )
    return User.objects.filter(pk__in=[p.pk for p in people]).annotate(
        open_deals=Coalesce(Subquery(open_deals, output_field=IntegerField()), Value(0))
    )


def _round_robin(rule: AssignmentRule, people: list[User], lead: Lead) -> tuple[User, str]:
    state, _created = RoundRobinState.objects.select_for_update().get_or_create(rule=rule)
    after = [p for p in people if state.last_user_id is not None and p.pk > state.last_user_id]
    chosen = (after or people)[0]
    state.last_user_id = chosen.pk
    state.save(update_fields=["last_user_id"])
    return chosen, _("next in the round robin of %(team)s") % {"team": rule.target_team}


def _least_open(rule: AssignmentRule, people: list[User], lead: Lead) -> tuple[User, str]:
    chosen = _with_open_deals(people).order_by("open_deals", "id").first()
    return chosen, _("fewest open deals in %(team)s (%(n)s)") % {
        "team": rule.target_team,
        "n": chosen.open_deals,
    }


def _needs(lead: Lead) -> str:
    parts = [lead.industry, lead.title, lead.company_name, lead.description]
    if lead.company_id:
        parts.append(lead.company.industry)
    if lead.pipeline_id:
        parts.append(lead.pipeline.name)
    parts += [str(v) for v in (lead.custom or {}).values() if isinstance(v, str)]
    return " ".join(normalize_text(p) for p in parts if p)


def _best_skills(rule: AssignmentRule, people: list[User], lead: Lead) -> tuple[User | None, str]:
    needs = _needs(lead)
    places = {normalize_text(lead.region), normalize_text(lead.city)} - {""}
    language = (lead.language or "").strip().lower()
    best, best_key, best_reasons = None, None, []
    for person in _with_open_deals(people):
        skills = [
            s for s in person.skills or [] if normalize_text(str(s)) and normalize_text(str(s)) in needs
        ]
        reasons = [*skills]
        points = 2 * len(skills)
        if language and language in [str(x).strip().lower() for x in person.languages or []]:
            points += 1
            reasons.append(language)
        if places & {normalize_text(str(t)) for t in person.territories or []}:
            points += 1
            reasons.append(lead.region or lead.city)
        key = (-points, person.open_deals, person.pk)
        if points and (best_key is None or key < best_key):
            best, best_key, best_reasons = person, key, reasons
    if best is None:
        return None, ""
    return best, _("skills match best (%(what)s)") % {"what": ", ".join(best_reasons)}


def choose_owner(lead: Lead) -> Assignment | None:
    """The owner the first matching rule gives ``lead`` (an unsaved draft is fine), and why."""
    for rule in AssignmentRule.objects.filter(active=True).select_related(
        "target_user", "target_team", "fallback_owner", "pipeline"
    ):
        why = _why(rule, lead)
        if why is None:
            continue
        owner, how = None, ""
        if rule.strategy == Strategy.USER:
            if rule.target_user and rule.target_user.is_active:
                owner, how = rule.target_user, _("given to %(user)s") % {"user": rule.target_user}
        else:
            people = sellers(rule.target_team)
            if people:
                pick = {
                    Strategy.ROUND_ROBIN: _round_robin,
                    Strategy.LEAST_OPEN_DEALS: _least_open,
                    Strategy.SKILLS: _best_skills,
                }[rule.strategy]
                owner, how = pick(rule, people, lead)
        if owner is None and rule.fallback_owner and rule.fallback_owner.is_active:
            owner, how = (
                rule.fallback_owner,
                _("no seller fits, so the fallback owner %(user)s") % {"user": rule.fallback_owner},
            )
        if owner is None:
            continue
        reason = _("Assigned by rule “%(rule)s” because %(why)s: %(how)s.") % {
            "rule": rule.name,
            "why": ", ".join(why),
            "how": how,
        }
        return Assignment(owner, rule, reason[:255])
    return None


def preview(lead: Lead) -> Assignment | None:
    """Who the rules would give ``lead`` (an unsaved draft) to now, and why, leaving every round-robin rotation
    where it was: the choice is made in a transaction that is rolled back."""
    with transaction.atomic():
        chosen = choose_owner(lead)
        transaction.set_rollback(True)
    return chosen


def describe(rule: AssignmentRule) -> dict[str, str]:
    """A rule as people read it: which leads ("Website leads in Tehran, for Printers, hot") and where they go
    ("round robin in Team A, otherwise Sara"), in the language of the page."""
    who = _("%(channel)s leads") % {"channel": rule.get_source_display()} if rule.source else _("Every lead")
    parts = [who]
    if rule.territory:
        parts.append(_("in %(places)s") % {"places": rule.territory})
    if rule.pipeline_id:
        parts.append(_("for %(pipeline)s") % {"pipeline": rule.pipeline})
    if rule.audience:
        parts.append(_("selling to %(audience)s") % {"audience": rule.get_audience_display()})
    if rule.score_band:
        parts.append(_("scored %(band)s") % {"band": rule.get_score_band_display()})
    if rule.language:
        parts.append(_("in language “%(language)s”") % {"language": rule.language})
    if rule.strategy == Strategy.USER:
        target = _("to %(user)s") % {"user": rule.target_user or "—"}
    else:
        pattern = {
            Strategy.ROUND_ROBIN: _("round robin in %(team)s"),
            Strategy.LEAST_OPEN_DEALS: _("fewest open deals in %(team)s"),
            Strategy.SKILLS: _("best skills match in %(team)s"),
        }[Strategy(rule.strategy)]
        target = pattern % {"team": rule.target_team or "—"}
    if rule.fallback_owner_id:
        target = _("%(target)s, otherwise %(user)s") % {"target": target, "user": rule.fallback_owner}
    return {"when": " ".join(parts), "then": target}
