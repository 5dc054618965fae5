"""Customer acquisition cost: what winning one new customer cost, overall and per channel.

- **Spend**: the marketing and sales spend entered for the months whose first day falls in the period
  (``Spend``; the team filter keeps that team's spend only).
- **New customers**: customers whose first purchase (won deal) falls in the period, as far as the view shows
  their history; a new customer's channel is the channel of that first purchase (the lead's source, else the
  contact's).
- **CAC** = spend ÷ new customers; per channel, that channel's spend ÷ the new customers it brought.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.customers import first_purchase, purchases, ratio
from peyvand.analytics.labels import group_labels
from peyvand.analytics.models import Spend
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope, segment_expressions


def _row(spend: Decimal, new: int) -> dict[str, Any]:
    return {"spend": spend, "new_customers": new, "cac": ratio(spend, new, "1")}


@report(
    "cac",
    _("Customer acquisition cost"),
    summary=_(
        "What one new customer cost: marketing and sales spend divided by the customers won for the first time, per channel."
    ),
)
def cac(scope: Scope) -> dict[str, Any]:
    """Spend, new customers and the cost of one new customer, per channel and in total."""
    spend = Spend.objects.visible_to(scope.user).filter(month__gte=scope.start, month__lte=scope.end)
    if scope.team:
        spend = spend.filter(team_id=scope.team)
    if scope.channel:
        spend = spend.filter(channel=scope.channel)
    spent = {
        r["channel"]: r["total"] for r in spend.values("channel").annotate(total=Sum("amount")).order_by()
    }
    firsts = (
        purchases(scope)
        .filter(scope.in_period("closed_at"))
        .alias(first=first_purchase(scope))
        .filter(first=True)
        .annotate(channel=segment_expressions()["channel"])
    )
    new = {r["channel"]: r["count"] for r in firsts.values("channel").annotate(count=Count("id")).order_by()}
    channels = sorted(set(spent) | set(new), key=lambda c: (c is None, c or ""))
    names = group_labels("channel", channels)
    rows = [
        {"channel": c, "name": names[c], **_row(spent.get(c, Decimal(0)), new.get(c, 0))} for c in channels
    ]
    return {
        "columns": [
            column("name", _("Channel"), "label"),
            column("spend", _("Spend"), "money"),
            column("new_customers", _("New customers")),
            column("cac", _("Acquisition cost per customer"), "money"),
        ],
        "rows": rows,
        "total": _row(sum(spent.values(), Decimal(0)), sum(new.values())),
    }
