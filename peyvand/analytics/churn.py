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

from django.db.models import Count, Min, Q
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.customers import churn_months, keeps_customer, months_before, purchases, with_lost_mark
from peyvand.analytics.outcomes import percent
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope, local_start


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
    start_window = local_start(months_before(scope.start, months))
    end_window = local_start(months_before(scope.end + dt.timedelta(days=1), months))
    after_end = scope.end + dt.timedelta(days=1)
    per_customer = (
        with_lost_mark(purchases(scope))
        .filter(closed_at__lt=scope.until)
        .values("customer_key")
        .annotate(
            first=Min("closed_at"),
            at_start=Count(
                "id",
                filter=Q(closed_at__gte=start_window, closed_at__lt=scope.since)
                & keeps_customer(scope.start),
            ),
            at_end=Count("id", filter=Q(closed_at__gte=end_window) & keeps_customer(after_end)),
        )
        .order_by()
    )
    counts = per_customer.aggregate(
        start=Count("customer_key", filter=Q(at_start__gt=0)),
        end=Count("customer_key", filter=Q(at_end__gt=0)),
        new=Count("customer_key", filter=Q(first__gte=scope.since)),
        lost=Count("customer_key", filter=Q(at_start__gt=0, at_end=0)),
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
