"""Who the customer is, and what a purchase is, for the customer metrics.

Billing does not exist yet, so a **purchase** is a won deal, dated by its ``closed_at``. The **customer** is the
deal's company, else its contact; a won deal with neither is no one's purchase and is left out.
Everything starts from ``Scope.deals()``, so a customer's history is the part of it the viewer may see.
"""

import calendar
import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.analytics.scope import Scope, local_start
from peyvand.core.errors import ValidationFailed
from peyvand.sales.models import DealStatus

MAX_CHURN_MONTHS = 600


def customer_key():
    """One number per customer: a company's id doubled, a contact's doubled plus one, so they never clash."""
    return Case(
        When(company_id__isnull=False, then=F("company_id") * 2),
        default=F("contact_id") * 2 + 1,
        output_field=IntegerField(),
    )


def purchases(scope: Scope) -> QuerySet:
    """Won deals with a customer, any date, annotated with ``customer_key``."""
    return (
        scope.deals()
        .filter(Q(company__isnull=False) | Q(contact__isnull=False), status=DealStatus.WON)
        .annotate(customer_key=customer_key())
    )


def customer_histories(scope: Scope, **aggregates) -> QuerySet:
    """One row per customer with a purchase before the period's end: their ``first`` and ``last`` purchase,
    the ``aggregates`` asked for, and ``lost_on``, the day they were marked lost (None when they were not).

    Whether a customer is active depends only on their last purchase before an instant (``active_at``), so
    the mark is compared once per customer. Few customers are marked, so only marked companies and contacts
    are joined."""
    marked = {
        "marked_company": FilteredRelation("company", condition=Q(company__lost_on__isnull=False)),
        "marked_contact": FilteredRelation("contact", condition=Q(contact__lost_on__isnull=False)),
    }
    return (
        purchases(scope)
        .filter(closed_at__lt=scope.until)
        .annotate(**marked)
        .annotate(solo_contact=Case(When(company_id__isnull=True, then=F("contact_id"))))
        .values("company_id", "solo_contact")
        .annotate(
            first=Min("closed_at"),
            last=Max("closed_at"),
            lost_on=Case(
                When(company_id__isnull=False, then=Max("marked_company__lost_on")),
                default=Max("marked_contact__lost_on"),
                output_field=DateField(),
            ),
            **aggregates,
        )
        .order_by()
    )


def active_at(day: dt.date, months: int, last: str) -> Q:
    """Whether a customer (a row of ``customer_histories``) is active at the start of ``day``, given in
    ``last`` their last purchase before it: less than ``months`` months old, and not marked lost before that
    day unless that purchase came on or after the day they were."""
    local_day = TruncDate(last, tzinfo=timezone.get_current_timezone())
    return Q(**{f"{last}__gte": local_start(months_before(day, months))}) & (
        Q(lost_on__isnull=True) | Q(lost_on__gte=day) | Q(lost_on__lte=local_day)
    )


def first_purchase(scope: Scope) -> Exists:
    """True on a purchase that is its customer's first (ties on the same instant go to the lower id)."""
    earlier = purchases(scope).filter(
        Q(closed_at__lt=OuterRef("closed_at")) | Q(closed_at=OuterRef("closed_at"), pk__lt=OuterRef("pk")),
        customer_key=OuterRef("customer_key"),
    )
    return ~Exists(earlier)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def churn_months(months: int | None) -> int:
    """The months without a purchase after which a customer is lost: the option, else the setting."""
    months = months or settings.PEYVAND_CHURN_MONTHS
    if not 0 < months <= MAX_CHURN_MONTHS:
        raise ValidationFailed(
            [
                {
                    "field": "months",
                    "message": _("Give a number of months from 1 to %(max)s.") % {"max": MAX_CHURN_MONTHS},
                }
            ]
        )
    return months


def ratio(part, whole, places: str = "0.01") -> Decimal | None:
    return None if not whole else (Decimal(part) / Decimal(whole)).quantize(Decimal(places))
