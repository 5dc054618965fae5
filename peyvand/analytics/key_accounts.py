"""How far each key account is from what it could buy.

For each company marked key (``KeyAccount``) that the viewer may see:
- **Current monthly volume** = the amount of its won deals of the 12 months up to the period's last day ÷ 12
  (the period's start does not matter: the figure is a trailing year, so a month with no purchase does not
  swing it).
- **Potential** = the monthly volume its owner entered.
- **Gap** = potential − current monthly volume, or 0 when the account already buys more.
- **Reached** = current ÷ potential × 100.
``total`` sums the potentials, current volumes and gaps. The team and rep filters keep the companies of that
team or owner; won deals count only as far as the view shows them.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.customers import months_before
from peyvand.analytics.models import KeyAccount
from peyvand.analytics.outcomes import percent
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope, local_start
from peyvand.contacts.models import Company
from peyvand.sales.models import DealStatus

MONTHS = 12


def _gap(potential: Decimal, current: Decimal) -> dict[str, Any]:
    return {
        "potential": potential,
        "current": current,
        "gap": max(potential - current, Decimal(0)),
        "reached": percent(current, potential),
    }


@report(
    "key-accounts",
    _("Key account potential"),
    summary=_("For each key customer: what they buy a month now, what they could buy, and the gap to close."),
)
def key_accounts(scope: Scope) -> dict[str, Any]:
    """Per key account: current average monthly volume, potential, the gap to close; and their totals."""
    since = local_start(months_before(scope.end + dt.timedelta(days=1), MONTHS))
    won = (
        scope.deals()
        .filter(
            status=DealStatus.WON,
            closed_at__gte=since,
            closed_at__lt=scope.until,
            company_id=OuterRef("company_id"),
        )
        .order_by()
        .values("company_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    companies = Company.objects.visible_to(scope.user)
    if scope.team:
        companies = companies.filter(team_id=scope.team)
    if scope.rep:
        companies = companies.filter(owner_id=scope.rep)
    money = DecimalField(max_digits=20, decimal_places=2)
    accounts = (
        KeyAccount.objects.filter(company__in=companies)
        .annotate(won=Coalesce(Subquery(won, output_field=money), Decimal(0), output_field=money))
        .values("company_id", "company__name", "potential", "won")
        .order_by("company__name", "id")
    )
    rows = [
        {
            "company": a["company_id"],
            "name": a["company__name"],
            **_gap(a["potential"], (a["won"] / MONTHS).quantize(Decimal("1"))),
        }
        for a in accounts
    ]
    potential = sum((r["potential"] for r in rows), Decimal(0))
    current = sum((r["current"] for r in rows), Decimal(0))
    total = {**_gap(potential, current), "gap": sum((r["gap"] for r in rows), Decimal(0))}
    return {
        "columns": [
            column("name", _("Company"), "label"),
            column("current", _("Current monthly volume"), "money"),
            column("potential", _("Potential monthly volume"), "money"),
            column("gap", _("Gap to close"), "money"),
            column("reached", _("Share of potential reached"), "percent"),
        ],
        "rows": rows,
        "total": total,
    }
