"""The activities on a record's timeline: those linked to it that the user may see."""

from peyvand.activities.selectors import activities_visible_to, linked_to
from peyvand.core import registry
from peyvand.core.timeline import TimelineItem


def activity_items(user, record, *, limit: int = 100):
    if registry.for_model(record) is None:
        return
    for activity in (
        activities_visible_to(user).filter(pk__in=linked_to(record)).order_by("-created_at")[:limit]
    ):
        yield TimelineItem(
            activity.done_at or activity.due_at or activity.created_at,
            "activity",
            activity,
            "activities/timeline_item.html",
        )
