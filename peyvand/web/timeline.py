"""The record page's timeline: activities, stage moves and audit entries, newest first."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peyvand.activities.selectors import activities_visible_to
from peyvand.core.audit import audit_for


@dataclass
class TimelineItem:
    at: datetime
    kind: str  # "activity" | "move" | "audit"
    obj: Any


def timeline_for(user, record, *, limit: int = 100) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    link = {"company": "company", "contact": "contact", "deal": "deal", "lead": "lead"}.get(
        record._meta.model_name
    )
    if link:
        for activity in activities_visible_to(user).filter(**{link: record}).order_by("-created_at")[:limit]:
            items.append(
                TimelineItem(activity.done_at or activity.due_at or activity.created_at, "activity", activity)
            )
    if record._meta.model_name == "deal":
        from peyvand.sales.selectors import stage_history

        for move in stage_history(record):
            items.append(TimelineItem(move.moved_at, "move", move))
    for entry in audit_for(record)[:limit]:
        items.append(TimelineItem(entry.at, "audit", entry))
    items.sort(key=lambda i: i.at, reverse=True)
    return items[:limit]
