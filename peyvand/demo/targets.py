"""Demo targets: this business-calendar year's monthly targets for the demo's reps and teams."""

import random
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from peyvand.accounts.models import Role
from peyvand.core import periods
from peyvand.targets.models import Target


def load(users: Iterable | Mapping, teams: Iterable | Mapping, *, seed: int = 1405) -> int:
    """Set a monthly target for every sales rep among ``users`` and every team in ``teams``, for each month of
    this year of the business calendar; a team's target is a little above the sum of its reps'. Targets already
    there are left alone. Returns how many were created.
    """
    users = list(users.values() if isinstance(users, Mapping) else users)
    teams = list(teams.values() if isinstance(teams, Mapping) else teams)
    rng = random.Random(seed)
    calendar = periods.business_calendar()
    year = periods.year_of(calendar, timezone.localdate())
    months = periods.periods_of_year(calendar, periods.MONTH, year)
    team_ids = {t.pk for t in teams}
    reps = [u for u in users if u.role == Role.SALES_REP and u.team_id in team_ids]
    existing = set(
        Target.objects.filter(calendar=calendar, period_kind=periods.MONTH, year=year).values_list(
            "user_id", "team_id", "number"
        )
    )
    rows = []
    team_sums: dict[tuple[int, int], list] = {}
    for rep in reps:
        # Each rep has a level (5–12 billion Rial a month, the size of five to ten typical demo deals) that
        # grows through the year, with the last month of each quarter pushed a little harder.
        base = rng.uniform(5, 12) * 1_000_000_000
        for period in months:
            factor = 1 + 0.03 * (period.number - 1) + (0.1 if period.number % 3 == 0 else 0)
            amount = Decimal(round(base * factor / 100_000_000) * 100_000_000)
            deals = max(1, round(float(amount) / 1_500_000_000))
            sums = team_sums.setdefault((rep.team_id, period.number), [Decimal(0), 0])
            sums[0] += amount
            sums[1] += deals
            if (rep.pk, None, period.number) not in existing:
                rows.append(_target(period, amount, deals, user=rep))
    for team in teams:
        for period in months:
            amount, deals = team_sums.get((team.pk, period.number), [Decimal(0), 0])
            if not amount:
                amount, deals = Decimal(20_000_000_000), 12
            amount = Decimal(round(amount * Decimal("1.1") / 100_000_000) * 100_000_000)
            if (None, team.pk, period.number) not in existing:
                rows.append(_target(period, amount, deals + 1, team=team))
    Target.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _target(period: periods.Period, amount: Decimal, deals: int, *, user=None, team=None) -> Target:
    return Target(
        user=user,
        team=team,
        calendar=period.calendar,
        period_kind=period.kind,
        year=period.year,
        number=period.number,
        start_date=period.start,
        end_date=period.end,
        amount=amount,
        currency=settings.PEYVAND_DEFAULT_CURRENCY,
        deals_won=deals,
    )
