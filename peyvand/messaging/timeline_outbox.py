"""The messages sent about a record on its timeline: each with its status, opens and clicks, shown only to users
who may see the record."""

from peyvand.core import registry
from peyvand.core.timeline import TimelineItem
from peyvand.messaging.selectors import record_messages


def outbox_items(user, record, *, limit: int = 100):
    record_type = registry.find(registry.type_name_of(record) or "")
    if record_type is None or not record_type.visible(user).filter(pk=record.pk).exists():
        return
    # SMS have their own items (timeline.sms_outbox_items: parts and the gateway's delivery report)
    for message in record_messages(user, record_type.name, record.pk).exclude(channel="sms")[:limit]:
        yield TimelineItem(
            message.sent_at or message.created_at, "message", message, "messaging/timeline_message.html"
        )
