"""Reads of activities, already limited to what the user may see."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peyvand.activities.models import SCHEDULED_KINDS, Activity, ActivityLink, CalendarFeed
from peyvand.core import registry
from peyvand.core.errors import NotFound
from peyvand.core.links import ref_of
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
        # ``record=deal:5``: the activities a record's history holds (those on its deals too, for a contact)
        "record": Filter("pk__in", lambda raw: linked_to_ref(raw), _("Record"), describe=lambda raw: raw),
        "open": Filter("done_at__isnull", as_bool, _("Open")),
        "due_after": Filter("due_at__date__gte", as_date, _("Due from")),
        "due_before": Filter("due_at__date__lte", as_date, _("Due until")),
        "done_after": Filter("done_at__date__gte", as_date, _("Done from")),
        "done_before": Filter("done_at__date__lte", as_date, _("Done until")),
    },
)


def activities_visible_to(user):
    return Activity.objects.visible_to(user).select_related("owner").prefetch_related("links")


def linked_to(record):
    """Ids of the activities linked to ``record`` (logged on it, or on a record that concerns it)."""
    record_type, record_id = ref_of(record)
    return ActivityLink.objects.filter(record_type=record_type, record_id=record_id).values("activity_id")


def linked_to_ref(raw: str):
    """``linked_to`` for a list filter's "type:id"; anything else is a value error (a field error for the list)."""
    record_type, _colon, record_id = raw.partition(":")
    if registry.find(record_type.strip()) is None:
        raise ValueError(raw)
    return ActivityLink.objects.filter(record_type=record_type.strip(), record_id=as_int(record_id)).values(
        "activity_id"
    )


def linked_records(user, activities) -> dict[int, list]:
    """The records each activity is linked to that the user may see, by activity id, the one it was logged on
    first: one query per kind of record on the page (the activities' ``links`` prefetched)."""
    activities = list(activities)
    wanted: dict[str, set[int]] = {}
    for activity in activities:
        for link in activity.links.all():
            wanted.setdefault(link.record_type, set()).add(link.record_id)
    found: dict[tuple[str, int], Any] = {}
    for name, ids in wanted.items():
        kind = registry.find(name)
        if kind is not None:
            found.update(((name, r.pk), r) for r in kind.visible(user).filter(pk__in=ids))
    result = {}
    for activity in activities:
        subject = (activity.record_type, activity.record_id)
        refs = sorted(
            ((link.record_type, link.record_id) for link in activity.links.all()), key=lambda r: r != subject
        )
        result[activity.pk] = [found[ref] for ref in refs if ref in found]
    return result


def with_records(user, activities) -> list:
    """The activities, each with ``record`` set to the record it was logged on when the user may see it."""
    activities = list(activities)
    linked = linked_records(user, activities)
    for activity in activities:
        first = next(iter(linked.get(activity.pk, ())), None)
        activity.record = (
            first
            if first is not None and ref_of(first) == (activity.record_type, activity.record_id)
            else None
        )
    return activities


def last_activity_at(model):
    """For a queryset of ``model`` records: when each last had an activity created or done (a subquery to
    annotate with), counting the activities logged on it."""
    from django.db.models import Max, OuterRef, Subquery
    from django.db.models.functions import Coalesce, Greatest

    record_type = registry.for_model(model)
    assert record_type is not None, model
    alive = Activity.objects.filter(
        record_type=record_type.name, record_id=OuterRef("pk"), deleted_at__isnull=True
    )
    return Subquery(
        alive.values("record_id")
        .annotate(last=Max(Greatest("created_at", Coalesce("done_at", "created_at"))))
        .values("last")[:1]
    )


# "Coming up" on My day: the user's open activities due in this many days after today.
UPCOMING_DAYS = 7


def my_open_tasks(user, *, now: dt.datetime | None = None):
    """The user's own undone activities that are overdue, due today and due in the coming week, in their local
    day."""
    now = now or timezone.now()
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=999999)
    mine = activities_visible_to(user).filter(owner=user, done_at__isnull=True, due_at__isnull=False)
    overdue = mine.filter(due_at__lt=now).order_by("due_at")
    today = mine.filter(due_at__gte=now, due_at__lte=end_of_today).order_by("due_at")
    upcoming = mine.filter(
        due_at__gt=end_of_today, due_at__lte=end_of_today + dt.timedelta(days=UPCOMING_DAYS)
    ).order_by("due_at")
    return {"overdue": overdue, "today": today, "upcoming": upcoming}


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
