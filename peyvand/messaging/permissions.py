"""Who may do what with the outbox. Every check is a function a view and a service both call."""

from peyvand.messaging.models import Outbox, OutboxStatus


def can_see_outbox(user) -> bool:
    """Anyone signed in has an outbox: the messages they sent and those about records they may see."""
    return bool(user and user.is_authenticated and user.is_active)


def can_retry(user, message: Outbox) -> bool:
    """A failed message may be sent again by an administrator, by whoever sent it, and by anyone who may see the
    record it is about (the record's owner, their manager): the outbox list already shows only those."""
    if not can_see_outbox(user) or message.status != OutboxStatus.FAILED:
        return False
    if user.is_admin or (message.created_by_id and message.created_by_id == user.pk):
        return True
    if message.record_type and message.record_id:
        from peyvand.core.links import record_is_visible

        return record_is_visible(user, message.record_type, message.record_id)
    return False


def can_change_tracking(user) -> bool:
    """Turning open and click tracking on or off is the administrator's choice for the whole site."""
    return bool(can_see_outbox(user) and user.is_admin)
