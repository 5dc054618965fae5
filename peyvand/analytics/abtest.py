"""A/B comparison of two sales processes over the same period: two pipelines, or two groups of reps.

Group A is the pipeline ``a`` (or the deals owned by the reps ``a_reps``), group B the pipeline ``b`` (or
``b_reps``); each counts the deals closed in the period that the user may see, narrowed by the report's filters.

- **Win rate** = won ÷ closed (won + lost) × 100; B against A by the pooled **two-proportion z-test**.
- **Cycle length** = days from the lead's creation (the deal's, without a lead) to the win, over the deals won;
  B against A by **Welch's t-test** (unequal variances), on the mean and sample variance the database computes.
- **Average deal size** = the amount of the deals won ÷ their number; also by Welch's t-test.

Each row says in one sentence which group does better and whether the difference is **significant at 95 %**
(two-sided p < 0.05). Below the minimum sample — 20 closed deals in each group for the win rate, 10 won deals in
each group for cycle and size — it says there is not enough data yet instead: with fewer, the tests' normal
approximations are poor and a lucky streak looks like a difference.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, FloatField, Q, Sum, Variance
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peyvand.accounts.models import User
from peyvand.analytics.outcomes import percent
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope
from peyvand.analytics.significance import Significance, two_proportion_z, welch_t
from peyvand.analytics.sql import EpochSeconds
from peyvand.core.errors import ValidationFailed
from peyvand.sales.models import DealStatus
from peyvand.sales.selectors import pipelines_visible_to

MIN_CLOSED = 20  # closed deals per group before the win rates are compared
MIN_WON = 10  # won deals per group before cycle length and deal size are compared
DAY = 86400.0

# measure -> (better when higher, sentence when a group does better, significant / not significant)
FINDINGS = {
    "win_rate": (
        True,
        _("%(group)s wins more often; the difference is significant at 95 %%."),
        _("%(group)s wins more often, but the difference is not significant at 95 %% (it may be chance)."),
    ),
    "cycle_days": (
        False,
        _("%(group)s closes faster; the difference is significant at 95 %%."),
        _("%(group)s closes faster, but the difference is not significant at 95 %% (it may be chance)."),
    ),
    "average_deal": (
        True,
        _("%(group)s wins larger deals; the difference is significant at 95 %%."),
        _("%(group)s wins larger deals, but the difference is not significant at 95 %% (it may be chance)."),
    ),
}


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed([{"field": field, "message": str(message)}])


def _groups(scope: Scope, a, b, a_reps, b_reps) -> tuple[dict[str, Q], dict[str, str]]:
    """Each group's condition on a deal, and its name."""
    if a or b:
        if a_reps or b_reps:
            raise _invalid("a_reps", gettext("Compare either two pipelines or two groups of reps, not both."))
        if not (a and b) or a == b:
            raise _invalid("b" if a else "a", gettext("Give two different pipelines, a and b."))
        pipelines = pipelines_visible_to(scope.user).in_bulk([a, b])
        for key, pk in (("a", a), ("b", b)):
            if pk not in pipelines:
                raise _invalid(key, gettext("No such pipeline."))
        return {"a": Q(pipeline_id=a), "b": Q(pipeline_id=b)}, {
            "a": pipelines[a].name,
            "b": pipelines[b].name,
        }
    if not (a_reps and b_reps):
        raise _invalid(
            "a_reps" if a_reps else "b_reps", gettext("Give two groups of reps, a_reps and b_reps.")
        )
    if set(a_reps) & set(b_reps):
        raise _invalid("b_reps", gettext("A rep cannot be in both groups."))
    users = User.objects.in_bulk([*a_reps, *b_reps])
    for key, ids in (("a_reps", a_reps), ("b_reps", b_reps)):
        if any(pk not in users for pk in ids):
            raise _invalid(key, gettext("No such user."))
    names = {
        key: ", ".join(sorted(str(users[pk]) for pk in ids)) for key, ids in (("a", a_reps), ("b", b_reps))
    }
    return {"a": Q(owner_id__in=a_reps), "b": Q(owner_id__in=b_reps)}, names


def _verdict(
    measure: str, test: Significance | None, a_value, b_value, enough: bool, minimum: str
) -> dict[str, Any]:
    higher_is_better, significant_text, chance_text = FINDINGS[measure]
    if not enough:
        return {"better": None, "significant": False, "verdict": minimum}
    if a_value == b_value or test is None:
        return {"better": None, "significant": False, "verdict": gettext("No difference between A and B.")}
    better = "b" if (b_value > a_value) == higher_is_better else "a"
    text = significant_text if test.significant else chance_text
    return {"better": better, "significant": test.significant, "verdict": text % {"group": better.upper()}}


def _rounded(test: Significance | None) -> dict[str, Any]:
    if test is None:
        return {"statistic": None, "p_value": None}
    return {"statistic": round(test.statistic, 3), "p_value": round(test.p_value, 4)}


@report(
    "ab-test",
    _("A/B comparison of two pipelines or two groups of reps"),
    options={"a": "int", "b": "int", "a_reps": "ids", "b_reps": "ids"},
    summary=_(
        "Compares two pipelines or two groups of reps on win rate, cycle length and deal size, and says whether the difference is real or chance."
    ),
)
def ab_test(
    scope: Scope,
    *,
    a: int | None = None,
    b: int | None = None,
    a_reps: list[int] | None = None,
    b_reps: list[int] | None = None,
) -> dict[str, Any]:
    """Win rate (z-test), cycle length and average deal size (Welch's t-test) of group A against group B over
    the deals closed in the period, each with a plain verdict on whether the difference is significant."""
    columns = [
        column("name", _("Measure"), "label"),
        column("a", _("A")),
        column("b", _("B")),
        column("difference", _("B − A")),
        column("p_value", _("p-value")),
        column("verdict", _("Verdict"), "label"),
    ]
    if not (a or b or a_reps or b_reps):
        # nothing chosen yet (a report page opened bare): say what to choose rather than fail
        # Named as the form labels them; the API's parameters (a, b, a_reps, b_reps) are in its own docs.
        message = gettext("Choose two pipelines (A and B) or two groups of reps (A and B) to compare.")
        return {"groups": [], "message": message, "columns": columns, "rows": []}
    conditions, names = _groups(scope, a, b, a_reps, b_reps)
    closed = scope.deals().filter(scope.in_period("closed_at"), status__in=(DealStatus.WON, DealStatus.LOST))
    won = Q(status=DealStatus.WON)
    days = (EpochSeconds(F("closed_at")) - EpochSeconds(Coalesce("lead__created_at", "created_at"))) / DAY
    size = Cast("amount", FloatField())
    aggregates: dict[str, Any] = {}
    for key, condition in conditions.items():
        aggregates |= {
            f"{key}_closed": Count("id", filter=condition),
            f"{key}_won": Count("id", filter=condition & won),
            f"{key}_revenue": Sum("amount", filter=condition & won),
            f"{key}_cycle": Avg(days, filter=condition & won),
            f"{key}_cycle_var": Variance(days, sample=True, filter=condition & won),
            f"{key}_size": Avg(size, filter=condition & won),
            f"{key}_size_var": Variance(size, sample=True, filter=condition & won),
        }
    f = closed.order_by().aggregate(**aggregates)

    groups = []
    for key in ("a", "b"):
        count = f[f"{key}_won"]
        groups.append(
            {
                "key": key,
                "name": names[key],
                "closed": f[f"{key}_closed"],
                "won": count,
                "win_rate": percent(count, f[f"{key}_closed"]),
                "cycle_days": None if f[f"{key}_cycle"] is None else round(f[f"{key}_cycle"], 1),
                "average_deal": (f[f"{key}_revenue"] / count).quantize(Decimal("1")) if count else None,
            }
        )
    group_a, group_b = groups
    enough_closed = min(group_a["closed"], group_b["closed"]) >= MIN_CLOSED
    enough_won = min(group_a["won"], group_b["won"]) >= MIN_WON
    few_closed = gettext("Not enough data yet: each group needs at least %(count)s closed deals.") % {
        "count": MIN_CLOSED
    }
    few_won = gettext("Not enough data yet: each group needs at least %(count)s won deals.") % {
        "count": MIN_WON
    }

    def welch(name: str) -> Significance | None:
        return welch_t(
            f["a_won"], f[f"a_{name}"] or 0.0, f[f"a_{name}_var"] or 0.0,
            f["b_won"], f[f"b_{name}"] or 0.0, f[f"b_{name}_var"] or 0.0,
        )  # fmt: skip

    tests = {
        "win_rate": (
            two_proportion_z(f["a_won"], f["a_closed"], f["b_won"], f["b_closed"]),
            enough_closed,
            few_closed,
        ),
        "cycle_days": (welch("cycle"), enough_won, few_won),
        "average_deal": (welch("size"), enough_won, few_won),
    }
    labels = {
        "win_rate": _("Win rate"),
        "cycle_days": _("Cycle length (days)"),
        "average_deal": _("Average deal size"),
    }
    rows = []
    for measure, (test, enough, minimum) in tests.items():
        a_value, b_value = group_a[measure], group_b[measure]
        difference = None if a_value is None or b_value is None else b_value - a_value
        rows.append(
            {
                "measure": measure,
                "name": labels[measure],
                "a": a_value,
                "b": b_value,
                "difference": difference if not isinstance(difference, float) else round(difference, 1),
                "test": "z" if measure == "win_rate" else "welch",
                **_rounded(test),
                **_verdict(measure, test, a_value, b_value, enough, minimum),
            }
        )
    return {
        "groups": groups,
        "message": "",
        "columns": columns,
        "rows": rows,
    }
