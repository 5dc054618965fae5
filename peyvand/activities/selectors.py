"""Reads of activities, already limited to what the user may see."""

import datetime as dt

from django.utils import timezone

from peyvand.activities.models import Activity
from peyvand.core.listing import Filter, ListSpec, as_bool, as_date, as_int

ACTIVITY_LIST = ListSpec(
    entity="activity",
    ordering=("due_at", "done_at", "created_at", "updated_at", "subject", "kind"),
    default_ordering="-due_at",
    filters={
        "owner": Filter("owner_id", as_int),
        "team": Filter("team_id", as_int),
        "kind": Filter("kind"),
        "contact": Filter("contact_id", as_int),
        "company": Filter("company_id", as_int),
        "deal": Filter("deal_id", as_int),
        "lead": Filter("lead_id", as_int),
        "open": Filter("done_at__isnull", as_bool),
        "due_after": Filter("due_at__date__gte", as_date),
        "due_before": Filter("due_at__date__lte", as_date),
    },
)


def activities_visible_to(user):
    return Activity.objects.visible_to(user).select_related("owner", "contact", "company", "deal", "lead")


def my_open_tasks(user, *, now: dt.datetime | None = None):
    """The user's own undone activities that are overdue or due today, in their local day."""
    now = now or timezone.now()
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=999999)
    mine = activities_visible_to(user).filter(owner=user, done_at__isnull=True, due_at__isnull=False)
    overdue = mine.filter(due_at__lt=now).order_by("due_at")
    today = mine.filter(due_at__gte=now, due_at__lte=end_of_today).order_by("due_at")
    return {"overdue": overdue, "today": today}
