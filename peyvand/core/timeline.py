"""The record page's timeline: whatever the apps contribute (activities, stage moves, files, comments) and the
audit trail, newest first.

An app contributes by registering a source in the registry (``registry.register_timeline_source``) from its
``AppConfig.ready()``; a source yields ``TimelineItem``s for the records it knows about and nothing for the
others, and shows only what the user may see. Each item names the template that draws it.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peyvand.core import registry
from peyvand.core.audit import audit_for


@dataclass
class TimelineItem:
    at: datetime
    kind: str  # "activity", "move", "file", "comment", "audit", ...
    obj: Any
    template: str = "core/timeline/audit.html"


def audit_items(user, record, *, limit: int = 100):
    for entry in audit_for(record)[:limit]:
        yield TimelineItem(entry.at, "audit", entry, "core/timeline/audit.html")


def timeline_for(user, record, *, limit: int = 100) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    for source in registry.timeline_sources():
        items.extend(source(user, record))
    items.extend(audit_items(user, record, limit=limit))
    items.sort(key=lambda i: i.at, reverse=True)
    return items[:limit]
