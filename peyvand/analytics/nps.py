"""Net promoter score from the survey answers ("how likely are you to recommend us?", 0–10) of the period.

**Promoters** answered 9 or 10, **passives** 7 or 8, **detractors** 0 to 6.
**NPS** = promoters ÷ answers × 100 − detractors ÷ answers × 100, from −100 to 100.
One row per month of the business calendar (Jalali by default) that the period touches, and the whole period in
``total``. The team, rep and channel filters narrow the answers by their team, owner and channel.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.models import SurveyResponse
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope, local_end

PROMOTER, DETRACTOR = Q(score__gte=9), Q(score__lte=6)


def score(promoters: int, detractors: int, answers: int) -> Decimal | None:
    if not answers:
        return None
    return (Decimal(promoters - detractors) * 100 / answers).quantize(Decimal("0.1"))


def _figures(row: dict[str, int]) -> dict[str, Any]:
    passives = row["answers"] - row["promoters"] - row["detractors"]
    return {
        "answers": row["answers"],
        "promoters": row["promoters"],
        "passives": passives,
        "detractors": row["detractors"],
        "nps": score(row["promoters"], row["detractors"], row["answers"]),
    }


@report(
    "nps",
    _("Net promoter score"),
    summary=_("Promoters minus detractors among survey answers (0 to 10), per month and for the period."),
)
def nps(scope: Scope) -> dict[str, Any]:
    """Answers, promoters, passives, detractors and the net promoter score, per month and for the period."""
    answers = SurveyResponse.objects.visible_to(scope.user).filter(scope.in_period("answered_at"))
    if scope.team:
        answers = answers.filter(team_id=scope.team)
    if scope.rep:
        answers = answers.filter(owner_id=scope.rep)
    if scope.channel:
        answers = answers.filter(channel=scope.channel)
    months = scope.months()
    # Answers come in time order, so the first month whose end is after the answer is its month.
    month_of = Case(
        *[When(answered_at__lt=local_end(m.end), then=Value(i)) for i, m in enumerate(months)],
        output_field=IntegerField(),
    )
    counts = {
        "answers": Count("id"),
        "promoters": Count("id", filter=PROMOTER),
        "detractors": Count("id", filter=DETRACTOR),
    }
    per_month = {
        r["month"]: r for r in answers.annotate(month=month_of).values("month").annotate(**counts).order_by()
    }
    empty = {"answers": 0, "promoters": 0, "detractors": 0}
    rows = [
        {"month": m.label(), "start": m.start, **_figures(per_month.get(i, empty))}
        for i, m in enumerate(months)
    ]
    total = {k: sum(r[k] for r in per_month.values()) for k in empty}
    return {
        "columns": [
            column("month", _("Month"), "label"),
            column("answers", _("Answers")),
            column("promoters", _("Promoters")),
            column("passives", _("Passives")),
            column("detractors", _("Detractors")),
            column("nps", _("Net promoter score")),
        ],
        "rows": rows,
        "total": _figures(total),
    }
