"""Customers kept and lost over the period.

A customer is **active** at the start of a day when their last purchase (won deal) before it is less than
``months`` months old (``PEYVAND_CHURN_MONTHS``, 12 by default) and they were not marked lost before that day
(a company's or contact's ``lost_on``) — unless they bought again on or after the day they were marked;
otherwise they have **churned**.
- **Customers at the start**: active at the period's first instant; **at the end**: active just after its last day.
- **New customers**: their first purchase falls in the period.
- **Lost customers**: active at the start, no longer active at the end.
- **Churn rate** = lost ÷ customers at the start × 100.
- **Retention rate** = (customers at the end − new customers) ÷ customers at the start × 100; a customer who
  had churned before the period and came back in it counts as kept, so it may pass 100.
"""

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.customers import active_at, churn_months, customer_histories
from peyvand.analytics.outcomes import percent
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope


@report(
    "churn",
    _("Churn and retention"),
    options={"months": "int"},
    summary=_(
        "Customers at the start and end of the period, how many were new and how many were lost (by months without a purchase or marked lost)."
    ),
)
def churn(scope: Scope, *, months: int | None = None) -> dict[str, Any]:
    """Customers at the start and at the end of the period, new and lost customers, churn and retention rates."""
    months = churn_months(months)
    after_end = scope.end + dt.timedelta(days=1)
    customers = customer_histories(scope, last_before=Max("closed_at", filter=Q(closed_at__lt=scope.since)))
    at_start = active_at(scope.start, months, "last_before")
    at_end = active_at(after_end, months, "last")
    counts = customers.aggregate(
        start=Count("first", filter=at_start),
        end=Count("first", filter=at_end),
        new=Count("first", filter=Q(first__gte=scope.since)),
        lost=Count("first", filter=at_start & ~at_end),
    )
    row = {
        **counts,
        "churn_rate": percent(counts["lost"], counts["start"]),
        "retention_rate": percent(counts["end"] - counts["new"], counts["start"]),
    }
    return {
        "months": months,
        "columns": [
            column("start", _("Customers at the start")),
            column("new", _("New customers")),
            column("lost", _("Lost customers")),
            column("end", _("Customers at the end")),
            column("churn_rate", _("Churn rate"), "percent"),
            column("retention_rate", _("Retention rate"), "percent"),
        ],
        "rows": [row],
    }
