"""The activities on a record's timeline: those linked to it that the user may see."""

from peyvand.activities.selectors import activities_visible_to
from peyvand.core.timeline import TimelineItem

# The record types an activity links to, by the name of its link field.
LINKED = ("company", "contact", "deal", "lead")


def activity_items(user, record, *, limit: int = 100):
    link = record._meta.model_name
    if link not in LINKED:
        return
    for activity in activities_visible_to(user).filter(**{link: record}).order_by("-created_at")[:limit]:
        yield TimelineItem(
            activity.done_at or activity.due_at or activity.created_at,
            "activity",
            activity,
            "activities/timeline_item.html",
        )
