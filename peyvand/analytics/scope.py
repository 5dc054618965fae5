"""What a report is about: a period, whose records, and which slice of them.

Every metric starts from ``Scope.deals()`` (or the other querysets here), which begin with ``visible_to(user)``,
so a rep's dashboard counts only what the rep may see and a filter can only narrow that down.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from peyvand.core import periods
from peyvand.sales.models import Deal
from peyvand.sales.segments import CUSTOMER_CURRENT, CUSTOMER_NEW, earlier_win, segment_expressions

__all__ = [
    "CUSTOMER_CURRENT",
    "CUSTOMER_NEW",
    "SEGMENT_NAMES",
    "Scope",
    "earlier_win",
    "local_end",
    "local_start",
    "segment_expressions",
]

# The standard segments a figure can be broken down by: name -> the expression that gives a deal's value.
SEGMENT_NAMES = ("rep", "team", "region", "pipeline", "channel", "audience", "customer")


def local_start(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in the business's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def local_end(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the business's time zone (an exclusive bound)."""
    return local_start(day + dt.timedelta(days=1))


@dataclass(frozen=True)
class Scope:
    """A report's period (``start`` to ``end``, both days included, in local time) and filters."""

    user: Any
    start: dt.date
    end: dt.date
    team: int | None = None
    rep: int | None = None
    pipeline: int | None = None
    region: str | None = None
    channel: str | None = None
    audience: str | None = None
    customer: str | None = None  # "new" or "current"
    # The "by product" segment: deals carrying this product (or a product of this category) on their lines.
    product: int | None = None
    category: int | None = None
    # The calendar whose months the scope is cut into; None is the business calendar (targets' periods).
    calendar: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def since(self) -> dt.datetime:
        return local_start(self.start)

    @property
    def until(self) -> dt.datetime:
        """The first instant after the period (exclusive bound)."""
        return local_end(self.end)

    def in_period(self, path: str) -> Q:
        return Q(**{f"{path}__gte": self.since, f"{path}__lt": self.until})

    def months(self) -> list[periods.Period]:
        """The months the period touches, in order: of the scope's calendar, else the business calendar's
        (Jalali by default)."""
        return periods.months_between(self.calendar or periods.business_calendar(), self.start, self.end)

    def deals(self) -> QuerySet:
        """Deals the user may see, narrowed by every filter but the period (each metric picks its own date)."""
        deals = Deal.objects.visible_to(self.user)
        if self.team:
            deals = deals.filter(team_id=self.team)
        if self.rep:
            deals = deals.filter(owner_id=self.rep)
        if self.pipeline:
            deals = deals.filter(pipeline_id=self.pipeline)
        segments = segment_expressions()
        for name in ("region", "channel", "audience"):
            value = getattr(self, name)
            if value:
                deals = deals.alias(**{f"segment_{name}": segments[name]}).filter(
                    **{f"segment_{name}": value}
                )
        if self.customer:
            deals = deals.alias(repeat=earlier_win()).filter(repeat=self.customer == CUSTOMER_CURRENT)
        if self.product or self.category:
            from peyvand.analytics.billing_segments import deals_with_product

            deals = deals.filter(pk__in=deals_with_product(product=self.product, category=self.category))
        return deals

    @property
    def narrows_deals(self) -> bool:
        """Whether a filter that only a deal answers (pipeline, segments, product) is set: records of billing are
        then narrowed to those of the deals in scope."""
        return any(
            getattr(self, name)
            for name in ("pipeline", "region", "channel", "audience", "customer", "product", "category")
        )

    def applied(self) -> dict[str, Any]:
        """The filters as the API reports them back."""
        names = (
            "team",
            "rep",
            "pipeline",
            "region",
            "channel",
            "audience",
            "customer",
            "product",
            "category",
        )
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            **{name: getattr(self, name) for name in names if getattr(self, name)},
        }
