"""Who the customer is, and what a purchase is, for the customer metrics.

Billing does not exist yet, so a **purchase** is a won deal, dated by its ``closed_at``. The **customer** is the
deal's company, else its contact; a won deal with neither is no one's purchase and is left out.
Everything starts from ``Scope.deals()``, so a customer's history is the part of it the viewer may see.
"""

import calendar
import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, DateField, Exists, F, IntegerField, OuterRef, Q, QuerySet, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.analytics.scope import Scope
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


def with_lost_mark(purchases: QuerySet) -> QuerySet:
    """Purchases annotated with the day their customer was marked lost (``customer_lost_on``, or None) and
    their own local day (``purchase_day``), for ``keeps_customer``."""
    return purchases.annotate(
        customer_lost_on=Case(
            When(company_id__isnull=False, then=F("company__lost_on")),
            default=F("contact__lost_on"),
            output_field=DateField(),
        ),
        purchase_day=TruncDate("closed_at", tzinfo=timezone.get_current_timezone()),
    )


def keeps_customer(day: dt.date) -> Q:
    """Whether a purchase (of ``with_lost_mark``) still counts for its customer at the start of ``day``: the
    customer was not marked lost before that day, or the purchase came on or after the day they were."""
    return (
        Q(customer_lost_on__isnull=True)
        | Q(customer_lost_on__gte=day)
        | Q(purchase_day__gte=F("customer_lost_on"))
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
