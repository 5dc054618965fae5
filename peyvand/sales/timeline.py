"""A deal's stage moves on its timeline."""

from peyvand.core.timeline import TimelineItem
from peyvand.sales.models import Deal
from peyvand.sales.selectors import stage_history


def stage_move_items(user, record):
    if not isinstance(record, Deal):
        return
    for move in stage_history(record):
        yield TimelineItem(move.moved_at, "move", move, "sales/timeline_move.html")
