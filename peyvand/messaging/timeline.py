"""What the messaging app puts on a record's timeline: the SMS sent about the record (with their status as
delivery reports move it) and the text messages its phone numbers sent to our lines. Only for a user who may
see the record. E-mail has its own items (threads from the mailboxes), so it is not listed here twice."""

from peyvand.core import registry
from peyvand.core.timeline import TimelineItem
from peyvand.messaging.models import Outbox
from peyvand.messaging.models_sms import InboundSms

# Records whose phones a received SMS is matched against (the duplicates' lookup keys use the same types).
PHONE_TYPES = ("contact", "company", "lead")


def _visible_type(user, record):
    record_type = registry.find(registry.type_name_of(record) or "")
    if record_type is None or not record_type.visible(user).filter(pk=record.pk).exists():
        return None
    return record_type


def record_phones(record) -> list[str]:
    phones = list(getattr(record, "phones", None) or [])
    single = getattr(record, "phone", "")
    if isinstance(single, str) and single:
        phones.append(single)
    return [p for p in phones if isinstance(p, str) and p.startswith("+")]


def sms_outbox_items(user, record, *, limit: int = 50):
    record_type = _visible_type(user, record)
    if record_type is None:
        return
    for message in Outbox.objects.filter(channel="sms", record_type=record_type.name, record_id=record.pk)[
        :limit
    ]:
        yield TimelineItem(
            message.sent_at or message.created_at, "message", message, "messaging/sms/timeline_outbox.html"
        )


def inbound_sms_items(user, record, *, limit: int = 50):
    record_type = _visible_type(user, record)
    if record_type is None or record_type.name not in PHONE_TYPES:
        return
    phones = record_phones(record)
    if not phones:
        return
    for sms in InboundSms.objects.filter(from_number__in=phones)[:limit]:
        yield TimelineItem(sms.received_at, "sms", sms, "messaging/sms/timeline_inbound.html")
