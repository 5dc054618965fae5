"""What a customer is worth, from the purchases (won deals) of the period.

- **Average purchase value** = revenue ÷ purchases, both of the period.
- **Purchase frequency** = purchases ÷ customers who bought in the period.
- **Customer value** = average purchase value × purchase frequency (= revenue ÷ customers who bought).
- **Average customer lifespan**, over every customer with a purchase up to the period's end: from their first
  purchase to their last one, or to the period's end while they are still active (their last purchase is less
  than ``months`` months — ``PEYVAND_CHURN_MONTHS`` by default — before the end, and they were not marked lost
  since; see ``churn``). Shown in months (of 30.44 days)
  and years.
- **Lifetime value (LTV)** = customer value × lifespan ÷ the period's length: the period's value repeated over
  the lifespan (with a one-year period, the textbook customer value per year × lifespan in years).
By a segment (``by``), each row counts the purchases of that segment; lifespan and LTV belong to a customer, not
to a segment, so they are given for the whole view only (``total``).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Case, Count, F, FloatField, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.customers import active_at, churn_months, customer_histories, purchases, ratio
from peyvand.analytics.labels import group_labels
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import SEGMENT_NAMES, Scope, earlier_win, segment_expressions
from peyvand.analytics.sql import EpochSeconds

DAYS_IN_MONTH = Decimal("30.4375")  # 365.25 ÷ 12
DAY = Decimal(86400)


def _figures(purchases_count: int, revenue: Decimal, customers: int) -> dict[str, Any]:
    return {
        "purchases": purchases_count,
        "customers": customers,
        "revenue": revenue,
        "average_purchase": ratio(revenue, purchases_count, "1"),
        "frequency": ratio(purchases_count, customers),
        "customer_value": ratio(revenue, customers, "1"),
    }


def average_lifespan_seconds(scope: Scope, months: int) -> float | None:
    """Average seconds from each customer's first purchase to their last, or to the period's end if active."""
    end = scope.until.timestamp()
    active = active_at(scope.end + dt.timedelta(days=1), months, "last")
    per_customer = (
        customer_histories(scope)
        .annotate(
            lifespan=Case(
                When(active, then=Value(end) - EpochSeconds(F("first"))),
                default=EpochSeconds(F("last")) - EpochSeconds(F("first")),
                output_field=FloatField(),
            )
        )
        .order_by()
    )
    return per_customer.aggregate(average=Avg("lifespan"))["average"]


@report(
    "customer-value",
    _("Customer value and lifetime value"),
    options={"by": SEGMENT_NAMES, "months": "int"},
    summary=_(
        "What a customer is worth: average purchase, purchases per customer, average lifespan and lifetime value."
    ),
)
def customer_value(scope: Scope, *, by: str | None = None, months: int | None = None) -> dict[str, Any]:
    """Average purchase value, purchase frequency, customer value, average customer lifespan and lifetime
    value, over the purchases (won deals) of the period; by segment when asked."""
    months = churn_months(months)
    bought = purchases(scope).filter(scope.in_period("closed_at"))
    aggregates = {
        "count": Count("id"),
        "revenue": Sum("amount"),
        "customers": Count("customer_key", distinct=True),
    }
    total_row = bought.aggregate(**aggregates)
    total = _figures(total_row["count"], total_row["revenue"] or Decimal(0), total_row["customers"])
    seconds = average_lifespan_seconds(scope, months)
    lifespan = Decimal(str(seconds)) if seconds is not None else None
    period_seconds = Decimal((scope.until - scope.since).total_seconds())
    total.update(
        lifespan_months=(lifespan / DAY / DAYS_IN_MONTH).quantize(Decimal("0.1"))
        if lifespan is not None
        else None,
        lifespan_years=(lifespan / DAY / DAYS_IN_MONTH / 12).quantize(Decimal("0.01"))
        if lifespan is not None
        else None,
        ltv=(
            (total_row["revenue"] / total_row["customers"] * lifespan / period_seconds).quantize(Decimal("1"))
            if lifespan is not None and total_row["customers"]
            else None
        ),
    )

    rows = []
    if by:
        expression = earlier_win() if by == "customer" else segment_expressions()[by]
        groups = bought.annotate(group=expression).values("group").annotate(**aggregates).order_by("group")
        names = group_labels(by, [g["group"] for g in groups])
        for g in groups:
            rows.append(
                {
                    "group": g["group"],
                    "name": names[g["group"]],
                    **_figures(g["count"], g["revenue"] or Decimal(0), g["customers"]),
                }
            )
        rows.sort(key=lambda r: -r["revenue"])
    else:
        rows.append({"group": None, **total})
    return {
        "by": by,
        "months": months,
        "columns": [
            *([column("name", _("Segment"), "label")] if by else []),
            column("purchases", _("Purchases")),
            column("customers", _("Customers who bought")),
            column("revenue", _("Revenue"), "money"),
            column("average_purchase", _("Average purchase value"), "money"),
            column("frequency", _("Purchase frequency")),
            column("customer_value", _("Customer value"), "money"),
            *(
                []
                if by
                else [
                    column("lifespan_months", _("Average customer lifespan (months)")),
                    column("ltv", _("Lifetime value"), "money"),
                ]
            ),
        ],
        "rows": rows,
        "total": total,
    }
