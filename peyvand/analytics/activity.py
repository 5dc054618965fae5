"""What the reps did, and which of it goes with winning.

**Activity** counts the calls, meetings and tasks *done* in the period (``done_at`` in the period), per rep,
per team or per day (the local day it was done):

- **Calls**, **call minutes** (the sum of their durations) and **average call minutes** (over the calls whose
  duration was written down); **meetings**; **tasks done**.
- **For new prospects** / **for current customers**: the same calls, meetings and tasks split by whom they were
  for. An activity's customer is its company (else its deal's company, else its contact's company) or, with no
  company, its contact (else its deal's contact). It was for a **current customer** when that customer had a deal
  won and closed before the activity was done (a company's deal, or for a contact without a company a deal of
  that contact without a company); everything else — prospects, leads, activities tied to no one — counts as
  work on **new prospects**.

Filters: team and rep (the activity's), pipeline (activities on deals of that pipeline) and customer
(new/current as above); region, channel and audience describe deals and do not apply to activities.

**Activity impact** takes the deals closed (won or lost) in the period and, for each activity kind and each
checklist item, compares the **win rate** (won ÷ closed × 100) of the deals that *had it* with those that did not.
A deal had an activity kind when an activity of that kind on the deal (one the user may see) was done no later
than the deal closed; it had a checklist item when the item was ticked no later than it closed. A checklist item
is compared within its own pipeline (deals of other pipelines never see that item). The **difference** is in percentage points, with a
95 % confidence interval by Newcombe's hybrid score method (from the two Wilson intervals); when the interval
excludes zero the difference is unlikely to be chance.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peyvand.activities.models import Activity, ActivityKind, ActivityLink
from peyvand.analytics.labels import group_labels
from peyvand.analytics.outcomes import percent
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import CUSTOMER_CURRENT, Scope
from peyvand.analytics.significance import difference_interval
from peyvand.contacts.models import Company, Contact
from peyvand.core.jalali import format_date
from peyvand.core.registry import type_name
from peyvand.sales.models import ChecklistCheck, ChecklistItem, Deal, DealStatus

WORK_KINDS = (ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.TASK)
ACTIVITY_GROUPS = ("rep", "team", "day", "rep-day")


def for_current_customer() -> Q:
    """Whether the activity's customer had a deal won (closed) before the activity was done."""
    won_before = Deal.objects.filter(status=DealStatus.WON, closed_at__lt=OuterRef("done_at"))
    same_company = won_before.filter(company_id=OuterRef("customer_company"))
    same_contact = won_before.filter(company__isnull=True, contact_id=OuterRef("customer_contact"))
    # The customer is the company when there is one: its contact's own purchases do not make it current.
    return Exists(same_company) | (Q(customer_company__isnull=True) & Exists(same_contact))


def _linked(model):
    """The id of the record of ``model``'s type an activity is linked to (its customer's company or contact)."""
    links = ActivityLink.objects.filter(activity_id=OuterRef("pk"), record_type=type_name(model))
    return Subquery(links.values("record_id")[:1])


def done_work(scope: Scope):
    """Calls, meetings and tasks the user may see, done in the period, with whom each was for."""
    work = (
        Activity.objects.visible_to(scope.user)
        .filter(scope.in_period("done_at"), kind__in=WORK_KINDS)
        .alias(customer_company=_linked(Company), customer_contact=_linked(Contact))
        .alias(current=for_current_customer())
    )
    if scope.team:
        work = work.filter(team_id=scope.team)
    if scope.rep:
        work = work.filter(owner_id=scope.rep)
    if scope.pipeline:
        work = work.filter(
            record_type=type_name(Deal),
            record_id__in=Deal.objects.filter(pipeline_id=scope.pipeline).values("pk"),
        )
    if scope.customer:
        work = work.filter(current=scope.customer == CUSTOMER_CURRENT)
    return work


def _minutes(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


@report(
    "activity",
    _("Calls, meetings and tasks"),
    options={"by": ACTIVITY_GROUPS},
    summary=_(
        "Calls, meetings and tasks done by each rep, team or day (or each rep on each day), split into work for new prospects and for current customers."
    ),
)
def activity(scope: Scope, *, by: str = "rep") -> dict[str, Any]:
    """Calls (count, total and average minutes), meetings and tasks done in the period, per rep, team, day or
    rep and day, split into work for new prospects and for current customers."""
    call, meeting, task = (Q(kind=kind) for kind in WORK_KINDS)
    aggregates = {
        "calls": Count("id", filter=call),
        "call_minutes": Sum("duration_minutes", filter=call),
        "average_call_minutes": Avg("duration_minutes", filter=call),
        "timed_calls": Count("duration_minutes", filter=call),
        "meetings": Count("id", filter=meeting),
        "tasks_done": Count("id", filter=task),
        # Work for new prospects is all the rest: asking the database for both would look up each activity's
        # customer twice.
        "work": Count("id"),
        "for_current": Count("id", filter=Q(current=True)),
    }
    day = TruncDate("done_at")
    keys = {
        "rep": {"group": F("owner_id")},
        "team": {"group": F("team_id")},
        "day": {"group": day},
        "rep-day": {"group": F("owner_id"), "day": day},
    }[by]
    figures = list(done_work(scope).annotate(**keys).values(*keys).annotate(**aggregates).order_by(*keys))
    # Every activity is in exactly one group, so the total adds up the groups rather than reading them again.
    summed = {
        name: sum(row[name] or 0 for row in figures)
        for name in ("calls", "call_minutes", "timed_calls", "meetings", "tasks_done", "work", "for_current")
    }
    total = {
        "calls": summed["calls"],
        "call_minutes": summed["call_minutes"],
        "average_call_minutes": (
            Decimal(summed["call_minutes"]) / summed["timed_calls"] if summed["timed_calls"] else None
        ),
        "timed_calls": summed["timed_calls"],
        "meetings": summed["meetings"],
        "tasks_done": summed["tasks_done"],
        "work": summed["work"],
        "for_current": summed["for_current"],
    }
    groups = [row["group"] for row in figures]
    # a day is named in the page's calendar (Jalali in Persian); the group keeps the ISO date
    names = (
        {d: format_date(d) for d in groups} if by == "day" else group_labels(by.removesuffix("-day"), groups)
    )

    def shaped(row: dict[str, Any]) -> dict[str, Any]:
        row = dict(row)
        work, for_current = row.pop("work"), row.pop("for_current")
        del row["timed_calls"]
        return {
            **row,
            "call_minutes": row["call_minutes"] or 0,
            "average_call_minutes": _minutes(row["average_call_minutes"]),
            "for_new": work - for_current,
            "for_current": for_current,
        }

    rows = [
        {
            **shaped(row),
            "name": names.get(row["group"], row["group"]),
            **({"day_name": format_date(row["day"])} if by == "rep-day" else {}),
        }
        for row in figures
    ]
    return {
        "by": by,
        "columns": [
            column("name", _("Day") if by == "day" else _("Team") if by == "team" else _("Rep"), "label"),
            *([column("day_name", _("Day"), "label")] if by == "rep-day" else []),
            column("calls", _("Calls")),
            column("call_minutes", _("Call minutes")),
            column("average_call_minutes", _("Average call minutes")),
            column("meetings", _("Meetings")),
            column("tasks_done", _("Tasks done")),
            column("for_new", _("For new prospects")),
            column("for_current", _("For current customers")),
        ],
        "rows": rows,
        "total": {**shaped(total), "name": gettext("Total")},
    }


def _comparison(name: str, with_won: int, with_n: int, all_won: int, all_n: int) -> dict[str, Any]:
    """Win rate with the step versus without it, the difference in points and its 95 % interval."""
    without_won, without_n = all_won - with_won, all_n - with_n
    interval = difference_interval(with_won, with_n, without_won, without_n)
    low, high = (None, None) if interval is None else (_points(interval[0]), _points(interval[1]))
    with_rate, without_rate = percent(with_won, with_n), percent(without_won, without_n)
    return {
        "name": name,
        "with_deals": with_n,
        "with_won": with_won,
        "with_rate": with_rate,
        "without_deals": without_n,
        "without_won": without_won,
        "without_rate": without_rate,
        "difference": None if interval is None else _points(with_won / with_n - without_won / without_n),
        "low": low,
        "high": high,
        "significant": interval is not None and (interval[0] > 0 or interval[1] < 0),
    }


def _points(share: float) -> Decimal:
    return Decimal(repr(share * 100)).quantize(Decimal("0.1"))


@report(
    "activity-impact",
    _("Which actions go with winning"),
    summary=_(
        "For each kind of activity and checklist step: how often deals that had it were won, against deals that did not."
    ),
)
def activity_impact(scope: Scope) -> dict[str, Any]:
    """For each activity kind and checklist item: the win rate of the deals closed in the period that had it
    versus those that did not, the difference and its 95 % confidence interval (Newcombe)."""
    closed = scope.deals().filter(scope.in_period("closed_at"), status__in=(DealStatus.WON, DealStatus.LOST))
    won = Q(status=DealStatus.WON)
    done_on_deal = Activity.objects.visible_to(scope.user).filter(
        record_type=type_name(Deal), record_id=OuterRef("pk"), done_at__lte=OuterRef("closed_at")
    )
    kinds = list(ActivityKind)
    had = {f"had_{kind.value}": Exists(done_on_deal.filter(kind=kind)) for kind in kinds}
    # Counted per outcome, so each deal's activities are looked into once for each kind.
    by_status = {
        row["status"]: row
        for row in closed.alias(**had)
        .values("status")
        .annotate(
            deals=Count("id"),
            **{kind.value: Count("id", filter=Q(**{f"had_{kind.value}": True})) for kind in kinds},
        )
        .order_by()
    }
    none = {"deals": 0, **{kind.value: 0 for kind in kinds}}
    won_row, lost_row = by_status.get(DealStatus.WON, none), by_status.get(DealStatus.LOST, none)
    counts = {
        "closed": won_row["deals"] + lost_row["deals"],
        "won": won_row["deals"],
        **{f"{kind.value}_deals": won_row[kind.value] + lost_row[kind.value] for kind in kinds},
        **{f"{kind.value}_won": won_row[kind.value] for kind in kinds},
    }
    rows = [
        {
            "step": "activity",
            "key": kind.value,
            **_comparison(
                str(kind.label),
                counts[f"{kind.value}_won"],
                counts[f"{kind.value}_deals"],
                counts["won"],
                counts["closed"],
            ),
        }
        for kind in kinds
    ]

    pipelines = {
        row["pipeline_id"]: row
        for row in closed.values("pipeline_id")
        .annotate(deals=Count("id"), won=Count("id", filter=won))
        .order_by()
    }
    ticked = {
        row["item_id"]: row
        for row in ChecklistCheck.objects.filter(deal__in=closed, checked_at__lte=F("deal__closed_at"))
        .values("item_id")
        .annotate(deals=Count("deal_id"), won=Count("deal_id", filter=Q(deal__status=DealStatus.WON)))
        .order_by()
    }
    items = ChecklistItem.objects.filter(stage__pipeline_id__in=list(pipelines)).select_related(
        "stage__pipeline"
    )
    for item in items.order_by("stage__pipeline__order", "stage__pipeline_id", "stage__order", "order", "id"):
        if item.archived and item.pk not in ticked:
            continue
        pipeline = pipelines[item.stage.pipeline_id]
        done = ticked.get(item.pk, {"deals": 0, "won": 0})
        rows.append(
            {
                "step": "checklist",
                "key": item.pk,
                "stage": item.stage.name,
                "pipeline": item.stage.pipeline.name,
                **_comparison(item.text, done["won"], done["deals"], pipeline["won"], pipeline["deals"]),
            }
        )
    return {
        "closed": counts["closed"],
        "won": counts["won"],
        "columns": [
            column("name", _("Action"), "label"),
            column("with_deals", _("Closed deals with it")),
            column("with_rate", _("Win rate with it"), "percent"),
            column("without_deals", _("Closed deals without it")),
            column("without_rate", _("Win rate without it"), "percent"),
            column("difference", _("Difference (points)")),
            column("low", _("Low end of the 95 percent interval")),
            column("high", _("High end of the 95 percent interval")),
        ],
        "rows": rows,
    }
