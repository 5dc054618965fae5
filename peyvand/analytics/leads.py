"""Lead quality: are the leads each channel brings worth a seller's time?

For the leads created in the period, per channel (their source) or per month of the business calendar:
how many, their average score, how many fell in each band (cold, warm, hot), the **share qualified** (score at
or above the model's threshold), and the **conversion** of qualified and of unqualified leads — the share of
each that led to a won deal (so far). A good scoring model shows qualified leads converting clearly more often.
"""

from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.labels import group_labels
from peyvand.analytics.outcomes import percent
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope, local_end, local_start
from peyvand.leads.models import Lead, ScoreBand
from peyvand.sales.models import Deal, DealStatus


def leads_in_scope(scope: Scope) -> QuerySet:
    """Leads the user may see, created in the period, narrowed by the scope's filters."""
    leads = Lead.objects.visible_to(scope.user).filter(scope.in_period("created_at"))
    for name, lookup in (
        ("team", "team_id"),
        ("rep", "owner_id"),
        ("pipeline", "pipeline_id"),
        ("channel", "source"),
        ("region", "region"),
        ("audience", "audience"),
    ):
        value = getattr(scope, name)
        if value:
            leads = leads.filter(**{lookup: value})
    return leads


def _figures(inside: Q | None, won: Q) -> dict[str, Any]:
    """The aggregates of one group: the leads matching ``inside`` (every lead of the group when None)."""
    within = (lambda q: inside & q) if inside is not None else (lambda q: q)  # noqa: E731
    qualified = within(Q(qualified=True))
    unqualified = within(Q(qualified=False))
    return {
        "leads": Count("id", filter=inside),
        "average_score": Avg("score", filter=inside),
        **{band: Count("id", filter=within(Q(score_band=band))) for band in ScoreBand.values},
        # not "qualified": an annotation of that name would hide the field the filters read
        "qualified_count": Count("id", filter=qualified),
        "qualified_won": Count("id", filter=qualified & won),
        "unqualified_count": Count("id", filter=unqualified),
        "unqualified_won": Count("id", filter=unqualified & won),
    }


def _row(figures: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    get = lambda name: figures[prefix + name]  # noqa: E731
    average = get("average_score")
    return {
        "leads": get("leads"),
        "average_score": round(average, 1) if average is not None else None,
        **{band: get(band) for band in ScoreBand.values},
        "qualified_share": percent(get("qualified_count"), get("leads")),
        "qualified_conversion": percent(get("qualified_won"), get("qualified_count")),
        "unqualified_conversion": percent(get("unqualified_won"), get("unqualified_count")),
    }


@report(
    "lead-quality",
    _("Lead quality"),
    options={"by": ("channel", "month")},
    summary=_(
        "Per channel or month: how many leads came, how they scored, the share qualified and whether qualified leads are won more often."
    ),
)
def lead_quality(scope: Scope, *, by: str = "channel") -> dict[str, Any]:
    """Per channel or month: leads created, average score, cold/warm/hot counts, share qualified, and how often
    qualified and unqualified leads led to a won deal."""
    leads = leads_in_scope(scope).alias(
        won=Exists(
            Deal.objects.filter(lead_id=OuterRef("pk"), status=DealStatus.WON, deleted_at__isnull=True)
        )
    )
    won = Q(won=True)
    rows = []
    if by == "month":
        months = scope.months()
        aggregates = {}
        for index, m in enumerate(months):
            inside = Q(created_at__gte=local_start(m.start), created_at__lt=local_end(m.end))
            aggregates |= {f"m{index}_{k}": v for k, v in _figures(inside, won).items()}
        figures = leads.aggregate(**aggregates)
        for index, m in enumerate(months):
            rows.append({"group": m.start.isoformat(), "name": m.label(), **_row(figures, f"m{index}_")})
    else:
        for figures in leads.values("source").annotate(**_figures(None, won)).order_by("source"):
            rows.append({"group": figures["source"], **_row(figures)})
        names = group_labels("channel", [r["group"] for r in rows])
        for row in rows:
            row["name"] = names[row["group"]]
    return {
        "by": by,
        "columns": [
            column("name", _("Channel") if by == "channel" else _("Month"), "label"),
            column("leads", _("Leads")),
            column("average_score", _("Average score")),
            *[column(band, label) for band, label in ScoreBand.choices],
            column("qualified_share", _("Share qualified"), "percent"),
            column("qualified_conversion", _("Qualified leads won"), "percent"),
            column("unqualified_conversion", _("Unqualified leads won"), "percent"),
        ],
        "rows": rows,
    }
