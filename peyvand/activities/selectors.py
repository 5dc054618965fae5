"""Reads of activities, already limited to what the user may see."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peyvand.activities.models import SCHEDULED_KINDS, Activity, CalendarFeed
from peyvand.core.errors import NotFound
from peyvand.core.listing import Filter, ListSpec, as_bool, as_date, as_int
from peyvand.core.records import assignable_users

ACTIVITY_LIST = ListSpec(
    entity="activity",
    ordering=("due_at", "done_at", "created_at", "updated_at", "subject", "kind"),
    default_ordering="-due_at",
    filters={
        "owner": Filter("owner_id", as_int, _("Owner")),
        "team": Filter("team_id", as_int, _("Team")),
        "kind": Filter("kind", label=_("Kind")),
        "contact": Filter("contact_id", as_int, _("Contact")),
        "company": Filter("company_id", as_int, _("Company")),
        "deal": Filter("deal_id", as_int, _("Deal")),
        "lead": Filter("lead_id", as_int, _("Lead")),
        "open": Filter("done_at__isnull", as_bool, _("Open")),
        "due_after": Filter("due_at__date__gte", as_date, _("Due from")),
        "due_before": Filter("due_at__date__lte", as_date, _("Due until")),
        "done_after": Filter("done_at__date__gte", as_date, _("Done from")),
        "done_before": Filter("done_at__date__lte", as_date, _("Done until")),
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


# --- the calendar -------------------------------------------------------------------------------------------------

# Whose calendar a user may open: their own; a manager their team's; an administrator anyone's.
calendar_owners = assignable_users


def calendar_owner(user, owner_id: Any) -> Any:
    """The person whose calendar ``user`` asked for; not found when it is not theirs to see."""
    if owner_id in (None, "", user.pk, str(user.pk)):
        return user
    try:
        pk = int(str(owner_id))
        if not 0 < pk < 2**63:
            raise ValueError
        return calendar_owners(user).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def calendar_events(user, *, start: dt.datetime, end: dt.datetime, owner=None):
    """``owner``'s (by default the user's own) tasks, meetings and calls due in [start, end), as the user may see
    them, in time order."""
    return (
        activities_visible_to(user)
        .filter(owner=owner or user, kind__in=SCHEDULED_KINDS, due_at__gte=start, due_at__lt=end)
        .order_by("due_at", "id")
    )


# Open activities are in the feed for this long after they were due; done ones for the shorter time.
FEED_OPEN_PAST = dt.timedelta(days=90)
FEED_DONE_PAST = dt.timedelta(days=30)
FEED_LIMIT = 3000


def feed_activities(user, *, now: dt.datetime):
    """What the user's iCal feed holds: their own open and recent tasks, meetings and calls."""
    recent = Q(due_at__gte=now - FEED_DONE_PAST) | Q(done_at__isnull=True, due_at__gte=now - FEED_OPEN_PAST)
    return (
        activities_visible_to(user)
        .filter(recent, owner=user, kind__in=SCHEDULED_KINDS, due_at__isnull=False)
        .order_by("due_at", "id")
    )


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed a secret address belongs to, if its owner is still active."""
    if not token or len(token) > 128:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=CalendarFeed.hash_token(token), user__is_active=True)
        .first()
    )


def calendar_feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_url(feed: CalendarFeed) -> str:
    path = reverse("calendar-feed", kwargs={"token": feed.token})
    return settings.PEYVAND_SITE_URL.rstrip("/") + path
