"""Outcome of the deals closed in a period, overall or by one of the standard segments.

- **Deals won** / **lost**: deals whose ``closed_at`` falls in the period, by status.
- **Win rate** = won ÷ (won + lost) × 100, of the deals closed in the period.
- **Close rate** = of the deals created in the period, the share won by now × 100.
- **Revenue** = the amount of the deals won in the period; **average deal size** = revenue ÷ deals won.
Segments: rep, team, region, pipeline, channel (the lead's source, else the contact's), audience and customer
(new: the customer had no deal won before this deal began; current: it had).
"""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.labels import group_labels
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import SEGMENT_NAMES, Scope, earlier_win, segment_expressions
from peyvand.sales.models import DealStatus


def percent(part, whole) -> Decimal | None:
    return None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _grouped(queryset, by: str | None):
    """The queryset with a ``group`` alias for the segment ``by`` (a single group when None)."""
    if by is None:
        return queryset, []
    expression = earlier_win() if by == "customer" else segment_expressions()[by]
    return queryset.annotate(group=expression), ["group"]


@report(
    "outcomes",
    _("Win rate, revenue and deal size"),
    options={"by": SEGMENT_NAMES},
    summary=_(
        "How many deals were won and lost, the share won, revenue and the average deal, overall or per segment."
    ),
)
def outcomes(scope: Scope, *, by: str | None = None) -> dict[str, Any]:
    """Deals won and lost in the period, win rate, revenue, average deal size and close rate, per segment."""
    closed_in = scope.in_period("closed_at")
    # Only deals closed or created in the period count; saying so up front lets the database use its indexes.
    closed, keys = _grouped(scope.deals().filter(closed_in | scope.in_period("created_at")), by)
    aggregates = {
        "won": Count("id", filter=closed_in & Q(status=DealStatus.WON)),
        "lost": Count("id", filter=closed_in & Q(status=DealStatus.LOST)),
        "revenue": Sum("amount", filter=closed_in & Q(status=DealStatus.WON)),
        "created": Count("id", filter=scope.in_period("created_at")),
        "created_won": Count("id", filter=scope.in_period("created_at") & Q(status=DealStatus.WON)),
    }
    if keys:
        figures = closed.values(*keys).annotate(**aggregates)
        figures = figures.filter(Q(won__gt=0) | Q(lost__gt=0) | Q(created__gt=0)).order_by(*keys)
    else:
        figures = [closed.aggregate(**aggregates)]
    rows = []
    for row in figures:
        revenue = row["revenue"] or Decimal(0)
        rows.append(
            {
                "group": row.get("group"),
                "won": row["won"],
                "lost": row["lost"],
                "win_rate": percent(row["won"], row["won"] + row["lost"]),
                "revenue": revenue,
                "average_deal": (revenue / row["won"]).quantize(Decimal("1")) if row["won"] else None,
                "created": row["created"],
                "close_rate": percent(row["created_won"], row["created"]),
            }
        )
    if by:
        names = group_labels(by, [r["group"] for r in rows])
        for row in rows:
            row["name"] = names[row["group"]]
        rows.sort(key=lambda r: -r["revenue"])
    return {
        "by": by,
        "columns": [
            *([column("name", _("Segment"), "label")] if by else []),
            column("won", _("Deals won")),
            column("lost", _("Deals lost")),
            column("win_rate", _("Win rate"), "percent"),
            column("revenue", _("Revenue"), "money"),
            column("average_deal", _("Average deal size"), "money"),
            column("created", _("Deals created")),
            column("close_rate", _("Close rate"), "percent"),
        ],
        "rows": rows,
    }
