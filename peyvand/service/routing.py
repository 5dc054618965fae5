"""Who works a ticket that arrives by itself (e-mail, the web form, the portal): the first active routing rule, by
position, whose conditions the ticket meets gives it a queue and an agent; without one, the queue it came to
(a support address's) gives it to its least busy agent.

Round robin keeps its turn on the rule's row, locked for the rest of the ticket's transaction, so two tickets
arriving at once go to two agents.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from peyvand.accounts.models import Role, User
from peyvand.core.text import normalize_text
from peyvand.service.models import OPEN_STATUSES, Ticket
from peyvand.service.models_routing import RoutingStrategy, TicketRoutingRule

SUPPORT_ROLES = (Role.SUPPORT_AGENT, Role.SUPPORT_MANAGER)


@dataclass
class Routing:
    owner: User | None
    team: object
    rule: TicketRoutingRule | None
    reason: str


def agents(team) -> list[User]:
    """The queue's active support agents and managers, the longest serving first."""
    if team is None:
        return []
    return list(User.objects.filter(is_active=True, team=team, role__in=SUPPORT_ROLES).order_by("id"))


def open_counts(people: list[User]) -> dict[int, int]:
    return dict(
        Ticket.objects.filter(owner__in=people, status__in=OPEN_STATUSES)
        .values_list("owner")
        .annotate(n=Count("id"))
        .values_list("owner", "n")
    )


def least_busy_agent(team) -> User | None:
    """The queue's agent with the fewest open tickets, the longest serving first among equals."""
    people = agents(team)
    if not people:
        return None
    counts = open_counts(people)
    return min(people, key=lambda agent: (counts.get(agent.pk, 0), agent.pk))


def _words(value: str) -> list[str]:
    return [w for w in (normalize_text(p) for p in (value or "").replace("،", ",").split(",")) if w]


def _why(rule: TicketRoutingRule, ticket: Ticket, tier_id: int | None) -> list[str] | None:
    """The conditions the ticket meets, in words; None when one of them fails."""
    why: list[str] = []
    for name in ("channel", "type", "priority", "language"):
        wanted = getattr(rule, name)
        if not wanted:
            continue
        if getattr(ticket, name) != wanted:
            return None
        why.append(f"{rule._meta.get_field(name).verbose_name}: {getattr(rule, f'get_{name}_display')()}")
    for name in ("category", "product"):
        wanted_id = getattr(rule, f"{name}_id")
        if wanted_id is None:
            continue
        if getattr(ticket, f"{name}_id") != wanted_id:
            return None
        why.append(f"{rule._meta.get_field(name).verbose_name}: {getattr(rule, name)}")
    if rule.customer_tier_id is not None:
        if tier_id != rule.customer_tier_id:
            return None
        why.append(_("customer tier: %(tier)s") % {"tier": rule.customer_tier})
    if rule.keywords:
        text = normalize_text(f"{ticket.subject} {ticket.description}")
        hits = [w for w in _words(rule.keywords) if w in text]
        if not hits:
            return None
        why.append(_("words: %(words)s") % {"words": ", ".join(hits)})
    return why or [_("it takes every ticket")]


def _needs(ticket: Ticket) -> str:
    parts = [ticket.subject, ticket.description]
    if ticket.product_id:
        parts.append(str(ticket.product))
    if ticket.category_id:
        parts.append(str(ticket.category))
    return " ".join(normalize_text(p) for p in parts if p)


def _best_skills(people: list[User], ticket: Ticket) -> tuple[User | None, str]:
    """Two points a skill the ticket's words name, one for speaking its language; fewest open tickets wins a
    tie, then the longest serving."""
    needs = _needs(ticket)
    counts = open_counts(people)
    best, best_key, best_reasons = None, None, []
    for person in people:
        skills = [
            str(s) for s in person.skills or [] if normalize_text(str(s)) and normalize_text(str(s)) in needs
        ]
        reasons = list(skills)
        points = 2 * len(skills)
        if ticket.language in [str(x).strip().lower() for x in person.languages or []]:
            points += 1
            reasons.append(ticket.get_language_display())
        key = (-points, counts.get(person.pk, 0), person.pk)
        if points and (best_key is None or key < best_key):
            best, best_key, best_reasons = person, key, reasons
    if best is None:
        return None, ""
    return best, _("skills fit best (%(what)s)") % {"what": ", ".join(best_reasons)}


def _round_robin(rule: TicketRoutingRule, people: list[User]) -> User:
    locked = TicketRoutingRule.objects.select_for_update().get(pk=rule.pk)
    after = [p for p in people if locked.last_agent_id is not None and p.pk > locked.last_agent_id]
    chosen = (after or people)[0]
    TicketRoutingRule.objects.filter(pk=rule.pk).update(last_agent=chosen)
    return chosen


def _pick(rule: TicketRoutingRule, ticket: Ticket) -> tuple[User | None, str]:
    if rule.strategy == RoutingStrategy.USER:
        agent = rule.agent
        if agent is not None and agent.is_active:
            return agent, _("given to %(user)s") % {"user": agent}
        return None, ""
    people = agents(rule.team)
    if not people:
        return None, ""
    if rule.strategy == RoutingStrategy.ROUND_ROBIN:
        return _round_robin(rule, people), _("next in turn in %(team)s") % {"team": rule.team}
    if rule.strategy == RoutingStrategy.SKILLS:
        chosen, how = _best_skills(people, ticket)
        if chosen is not None:
            return chosen, how
    counts = open_counts(people)
    chosen = min(people, key=lambda p: (counts.get(p.pk, 0), p.pk))
    return chosen, _("fewest open tickets in %(team)s (%(n)s)") % {
        "team": rule.team,
        "n": counts.get(chosen.pk, 0),
    }


def route(ticket: Ticket, *, queue=None) -> Routing | None:
    """The queue and agent for ``ticket`` (an unsaved draft), and why. ``queue`` is where it came to (a support
    address's team), used when no rule matches. Must run inside the ticket's transaction (round robin)."""
    from peyvand.service.sla import customer_tier_id

    tier_id = customer_tier_id(ticket)
    for rule in TicketRoutingRule.objects.filter(active=True).select_related(
        "team", "agent", "category", "product", "customer_tier"
    ):
        why = _why(rule, ticket, tier_id)
        if why is None:
            continue
        owner, how = _pick(rule, ticket)
        if owner is None:
            continue  # nobody in that queue now: the next rule may have someone
        reason = _("Routed by rule “%(rule)s” because %(why)s: %(how)s.") % {
            "rule": rule.name,
            "why": "; ".join(why),
            "how": how,
        }
        return Routing(owner, rule.team, rule, reason[:255])
    owner = least_busy_agent(queue)
    if owner is None:
        return None
    reason = _("Given to the least busy agent of %(team)s.") % {"team": queue}
    return Routing(owner, queue, None, reason)
