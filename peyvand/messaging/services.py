"""Sending a message on a channel: ``send(channel="email"|"sms", to=..., subject=, body=, ...)``."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from peyvand.core.errors import PeyvandError
from peyvand.messaging.models import STATUS_RANK, Channel, EventKind, Outbox, OutboxEvent, OutboxStatus


class MessageFile(TypedDict):
    """A file that goes with a message: its name for the recipient, its type and its path in the default storage."""

    name: str
    content_type: str
    path: str


DEFAULT_BACKENDS = {
    "email": "peyvand.messaging.backends.EmailBackend",
    "sms": "peyvand.messaging.sms.backend.GatewayBackend",  # queued while no gateway is configured
}


def backend_for(channel: str):
    configured = {**DEFAULT_BACKENDS, **getattr(settings, "PEYVAND_MESSAGING_BACKENDS", {})}
    path = configured.get(channel)
    if path is None:
        raise PeyvandError("messaging.channel", _("There is no such channel."), field="channel")
    return path, import_string(path)()


def send(
    *,
    channel: str,
    to: str,
    subject: str = "",
    body: str = "",
    html_body: str = "",
    record_type: str = "",
    record_id: int | None = None,
    source: str = "",
    attachments: Sequence[MessageFile] = (),
    headers: Mapping[str, str] | None = None,
    created_by=None,
    send_at: dt.datetime | None = None,
) -> Outbox:
    """Write the message to the outbox and hand it to the channel's backend; a backend error marks the row
    failed and is raised again, so the caller (an automation rule) can retry or report it.

    ``attachments`` are files already in the default storage (e.g. a record's files), named by their storage
    path; the outbox row keeps the references and the e-mail backend attaches their bytes. ``headers`` are extra
    e-mail headers (a ticket reply's Message-ID, In-Reply-To, References); line breaks in them are dropped so a
    value cannot add a header of its own."""
    if channel not in Channel.values:
        raise PeyvandError("messaging.channel", _("There is no such channel."), field="channel")
    to = (to or "").strip()
    if not to:
        raise PeyvandError("messaging.no_recipient", _("The message has no recipient."), field="to")
    path, backend = backend_for(channel)
    message = Outbox.objects.create(
        channel=channel,
        to=to[:254],
        subject=" ".join(subject.split())[:255],
        body=body,
        html_body=html_body,
        backend=path[:200],
        record_type=record_type,
        record_id=record_id,
        source=source[:100],
        headers={
            str(name): " ".join(str(value).split())[:998]
            for name, value in (headers or {}).items()
            if str(name).replace("-", "").isalnum()
        },
        attachments=[
            {"name": item["name"], "content_type": item["content_type"], "path": item["path"]}
            for item in attachments
        ],
        created_by=created_by,
        next_attempt_at=send_at,
    )
    if send_at is not None and send_at > timezone.now():
        return message  # delivered by the outbox job when its time comes
    try:
        backend.deliver(message)
    except Exception as exc:
        message.status = OutboxStatus.FAILED
        message.error = f"{type(exc).__name__}: {exc}"[:2000]
        message.save(update_fields=["status", "error"])
        raise
    return message


# The status an event brings a message to; a failure reported after the message left overrides "sent" and
# "delivered" (the gateway's later word is the truth), never an open or a click the recipient really made.
_EVENT_STATUS = {
    EventKind.SENT: OutboxStatus.SENT,
    EventKind.DELIVERED: OutboxStatus.DELIVERED,
    EventKind.OPENED: OutboxStatus.OPENED,
    EventKind.CLICKED: OutboxStatus.CLICKED,
    EventKind.BOUNCED: OutboxStatus.BOUNCED,
    EventKind.UNDELIVERED: OutboxStatus.FAILED,
    EventKind.FAILED: OutboxStatus.FAILED,
}
_NEGATIVE = {OutboxStatus.BOUNCED, OutboxStatus.FAILED}


def record_event(
    *,
    message: Outbox,
    kind: str,
    at: dt.datetime | None = None,
    recipient: str = "",
    url: str = "",
    user_agent: str = "",
    detail: Mapping[str, Any] | None = None,
) -> OutboxEvent:
    """Keep what happened to a sent message and move its status forward (see ``_EVENT_STATUS``)."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = Outbox.objects.select_for_update().get(pk=message.pk)
        event = OutboxEvent.objects.create(
            message=locked,
            kind=kind,
            at=at,
            recipient=recipient[:254],
            url=url[:2000],
            user_agent=user_agent[:300],
            detail=dict(detail or {}),
        )
        target = _EVENT_STATUS.get(EventKind(kind))
        if target is not None:
            current = OutboxStatus(locked.status)
            if target in _NEGATIVE:
                moves = current in (OutboxStatus.QUEUED, OutboxStatus.SENT, OutboxStatus.DELIVERED)
            else:
                moves = STATUS_RANK[target] > STATUS_RANK[current] and current not in _NEGATIVE
            if moves:
                locked.status = target
                locked.status_changed_at = at
                fields = ["status", "status_changed_at"]
                if target == OutboxStatus.DELIVERED:
                    locked.delivered_at = at
                    fields.append("delivered_at")
                locked.save(update_fields=fields)
        message.status, message.status_changed_at = locked.status, locked.status_changed_at
        message.delivered_at = locked.delivered_at
    return event
