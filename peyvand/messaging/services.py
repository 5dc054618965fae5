"""Sending a message on a channel: ``send(channel="email"|"sms", to=..., subject=, body=, ...)``."""

from collections.abc import Mapping, Sequence
from typing import TypedDict

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from peyvand.core.errors import PeyvandError
from peyvand.messaging.models import Channel, Outbox, OutboxStatus


class MessageFile(TypedDict):
    """A file that goes with a message: its name for the recipient, its type and its path in the default storage."""

    name: str
    content_type: str
    path: str


DEFAULT_BACKENDS = {
    "email": "peyvand.messaging.backends.EmailBackend",
    "sms": "peyvand.messaging.backends.OutboxOnlyBackend",
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
    )
    try:
        backend.deliver(message)
    except Exception as exc:
        message.status = OutboxStatus.FAILED
        message.error = f"{type(exc).__name__}: {exc}"[:2000]
        message.save(update_fields=["status", "error"])
        raise
    return message
