import datetime as dt

from django.utils import timezone

from peyvand.messaging.models import EventKind, OutboxStatus
from peyvand.messaging.services import record_event, send


def _sent(db):
    return send(channel="email", to="sara@example.com", subject="Hello", body="Hi")


def test_events_move_a_message_forward_and_keep_each_one(db, mailoutbox):
    message = _sent(db)
    assert message.status == OutboxStatus.SENT
    at = timezone.now()
    record_event(message=message, kind=EventKind.DELIVERED, at=at)
    record_event(message=message, kind=EventKind.OPENED, at=at + dt.timedelta(minutes=1), user_agent="Mail/1")
    record_event(message=message, kind=EventKind.DELIVERED, at=at + dt.timedelta(minutes=2))  # a late report
    message.refresh_from_db()
    assert message.status == OutboxStatus.OPENED
    assert message.delivered_at == at
    assert [e.kind for e in message.events.all()] == ["delivered", "opened", "delivered"]


def test_a_failure_reported_after_sending_overrides_sent_but_not_a_click(db, mailoutbox):
    first, second = _sent(db), _sent(db)
    record_event(message=first, kind=EventKind.UNDELIVERED, detail={"code": 11})
    first.refresh_from_db()
    assert first.status == OutboxStatus.FAILED
    record_event(message=second, kind=EventKind.CLICKED, url="https://example.com/")
    record_event(message=second, kind=EventKind.BOUNCED)
    second.refresh_from_db()
    assert second.status == OutboxStatus.CLICKED
