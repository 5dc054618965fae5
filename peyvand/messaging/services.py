"""Sending a message on a channel: ``send(channel="email"|"sms", to=..., subject=, body=, ...)``."""

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from peyvand.core.audit import write_audit
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditAction
from peyvand.messaging.backends import is_retryable
from peyvand.messaging.models import STATUS_RANK, Channel, EventKind, Outbox, OutboxEvent, OutboxStatus

log = logging.getLogger(__name__)


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


def _backend_of(message: Outbox):
    """The backend a queued row was written for; the channel's current one when that is gone from the code."""
    try:
        return message.backend, import_string(message.backend)()
    except ImportError:
        return backend_for(message.channel)


# --- retries -----------------------------------------------------------------------------------------------------


def _retry_policy() -> tuple[int, int, int]:
    """(first wait in seconds, longest wait, tries in all) from the settings."""
    return (
        int(getattr(settings, "PEYVAND_OUTBOX_RETRY_BASE_SECONDS", 60)),
        int(getattr(settings, "PEYVAND_OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)),
        int(getattr(settings, "PEYVAND_OUTBOX_MAX_ATTEMPTS", 6)),
    )


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed try: the base, doubled for each try before, capped."""
    base, cap, _tries = _retry_policy()
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _attempt(message: Outbox, backend, *, may_retry: bool = True) -> BaseException | None:
    """One try: hand the row to its backend and keep what came of it. A failure that may pass leaves the row
    queued for a later try (until the tries run out, or at once when ``may_retry`` is False); any other fails it
    at once. Answers the error of a failure that ended the message (for ``send`` to raise), None otherwise."""
    now = timezone.now()
    message.attempts += 1
    try:
        backend.deliver(message)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        _base, _cap, tries = _retry_policy()
        retry = may_retry and is_retryable(exc) and message.attempts < tries
        message.error = error
        message.status = OutboxStatus.QUEUED if retry else OutboxStatus.FAILED
        message.next_attempt_at = now + retry_delay(message.attempts) if retry else None
        message.status_changed_at = now
        message.save(update_fields=["attempts", "error", "status", "next_attempt_at", "status_changed_at"])
        OutboxEvent.objects.create(
            message=message,
            kind=EventKind.FAILED,
            at=now,
            recipient=message.to,
            detail={"error": error, "attempt": message.attempts, "retry": retry},
        )
        return None if retry else exc
    fields = ["attempts", "next_attempt_at"]
    if message.status != OutboxStatus.QUEUED:
        message.next_attempt_at = None
    # else: the backend kept it for later (an SMS gateway's pace or "busy"), with the time it set itself
    if message.status == OutboxStatus.SENT:
        message.error = ""
        message.status_changed_at = message.sent_at or now
        fields += ["error", "status_changed_at"]
    message.save(update_fields=fields)
    return None


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
    topic: str = "",
    send_at: dt.datetime | None = None,
    track: bool = True,
    retry: bool = False,
    created_by=None,
    account_id: int | None = None,
) -> Outbox:
    """Write the message to the outbox and hand it to the channel's backend at once (or keep it queued until
    ``send_at``, for the outbox job). A failure marks the row failed and is raised again, so the caller (an
    automation rule, which retries on its own) can report it — unless ``retry`` is True: then a failure that may
    pass (a connection refused, a timeout, an SMTP 4xx, a gateway's "try later") leaves the row queued and the
    outbox job tries again with a growing wait, and only a failure another try would repeat is raised. A
    scheduled message is always retried so, since nobody waits on it.

    ``topic`` is the consent topic (``models_consent.Topic``): a message under a topic is not sent to an address
    that opted out of it, and carries an unsubscribe link in its headers; no message goes to an address that
    bounced or complained — such a row is kept as "suppressed". ``track`` False sends the HTML untracked even when
    the site tracks opens and clicks.

    ``attachments`` are files already in the default storage (e.g. a record's files), named by their storage
    path; the outbox row keeps the references and the e-mail backend attaches their bytes. ``headers`` are extra
    e-mail headers (a ticket reply's Message-ID, In-Reply-To, References); line breaks in them are dropped so a
    value cannot add a header of its own."""
    from peyvand.messaging.consent import suppression_for
    from peyvand.messaging.models_consent import MessagingSettings, Topic

    if channel not in Channel.values:
        raise PeyvandError("messaging.channel", _("There is no such channel."), field="channel")
    to = (to or "").strip()
    if not to:
        raise PeyvandError("messaging.no_recipient", _("The message has no recipient."), field="to")
    if topic and topic not in Topic.values:
        raise PeyvandError("messaging.topic", _("There is no such topic."), field="topic")
    path, backend = backend_for(channel)
    suppressed = suppression_for(channel=channel, address=to, topic=topic)
    now = timezone.now()
    later = send_at is not None and send_at > now
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
        topic=topic,
        created_by=created_by if getattr(created_by, "pk", None) else None,
        account_id=account_id,
        tracked=bool(
            channel == Channel.EMAIL and html_body and track and MessagingSettings.current().tracking_enabled
        ),
        status=OutboxStatus.SUPPRESSED if suppressed else OutboxStatus.QUEUED,
        status_changed_at=now if suppressed else None,
        error=_("Not sent: %(reason)s.") % {"reason": suppressed.get_reason_display()} if suppressed else "",
        next_attempt_at=send_at if later else None,
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
    if suppressed or later:
        return message
    failure = _attempt(message, backend, may_retry=retry)
    if failure is not None:
        raise failure
    return message


# --- the outbox job ----------------------------------------------------------------------------------------------

# How long a worker holds the rows it claimed: one that dies half-way leaves them due again after this.
CLAIM_LEASE = dt.timedelta(minutes=5)


def _due(now: dt.datetime):
    return Outbox.objects.filter(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)


def claim_due(now: dt.datetime, *, limit: int = 200) -> list[Outbox]:
    """Take up to ``limit`` due rows for this worker alone. On PostgreSQL the rows are locked with SKIP LOCKED, so
    two workers pick different rows; elsewhere each row is taken by a conditional UPDATE that only one worker can
    win. Taking a row moves its next try past a lease, so a worker that dies leaves it due again later."""
    lease = now + CLAIM_LEASE
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            rows = list(
                _due(now).order_by("next_attempt_at", "id").select_for_update(skip_locked=True)[:limit]
            )
            Outbox.objects.filter(pk__in=[r.pk for r in rows]).update(next_attempt_at=lease)
    else:
        rows = []
        for row in _due(now).order_by("next_attempt_at", "id")[:limit]:
            won = Outbox.objects.filter(
                pk=row.pk, status=OutboxStatus.QUEUED, next_attempt_at=row.next_attempt_at
            ).update(next_attempt_at=lease)
            if won:
                rows.append(row)
    for row in rows:
        row.next_attempt_at = lease
    return rows


def rate_limit(path: str, backend) -> int | None:
    """Messages a minute one account of a backend may take: ``PEYVAND_OUTBOX_RATE_LIMITS[path]`` or the backend's
    own ``per_minute``; None for no limit."""
    configured = getattr(settings, "PEYVAND_OUTBOX_RATE_LIMITS", {}).get(path)
    limit = configured if configured is not None else getattr(backend, "per_minute", None)
    return int(limit) if limit is not None else None


def _sent_in_last_minute(path: str, account_id: int | None, now: dt.datetime) -> int:
    return Outbox.objects.filter(
        backend=path, account_id=account_id, sent_at__gt=now - dt.timedelta(minutes=1), sent_at__lte=now
    ).count()


def deliver_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Send the rows whose time has come (scheduled ones, and retries), keeping each backend's and account's pace:
    what is over its rate this minute waits for the next run. Answers counts of what came of it."""
    now = now or timezone.now()
    outcome = {"sent": 0, "failed": 0, "retrying": 0, "deferred": 0}
    budgets: dict[tuple[str, int | None], int | None] = {}
    for message in claim_due(now):
        path, backend = _backend_of(message)
        key = (path, message.account_id)
        if key not in budgets:
            limit = rate_limit(path, backend)
            budgets[key] = (
                None if limit is None else max(0, limit - _sent_in_last_minute(path, message.account_id, now))
            )
        budget = budgets[key]
        if budget is not None and budget <= 0:
            # Over the pace: back in line for the next run, without spending a try.
            Outbox.objects.filter(pk=message.pk).update(next_attempt_at=now + dt.timedelta(minutes=1))
            outcome["deferred"] += 1
            continue
        try:
            _attempt(message, backend)
        except Exception:  # a backend failing in a way _attempt did not expect must not stop the others
            log.exception("outbox message %s could not be tried", message.pk)
        if budget is not None:
            budgets[key] = budget - 1
        if message.status == OutboxStatus.FAILED:
            outcome["failed"] += 1
        elif message.status != OutboxStatus.QUEUED:
            outcome["sent"] += 1
        elif message.next_attempt_at:
            outcome["retrying"] += 1
        # else: a backend that keeps it queued without a time (an SMS before a gateway is set) holds it
    return outcome


@transaction.atomic
def retry(*, actor, message_ids: Sequence[int]) -> list[Outbox]:
    """Queue failed messages the actor may retry for another try now; the outbox job sends them. A message that
    is not failed, or that the actor may not retry, is left as it is (and not named, so nothing leaks)."""
    from peyvand.messaging.permissions import can_retry
    from peyvand.messaging.selectors import outbox_for

    now = timezone.now()
    retried = []
    rows = outbox_for(actor).filter(pk__in=list(message_ids), status=OutboxStatus.FAILED).select_for_update()
    for message in rows:
        if not can_retry(actor, message):
            continue
        message.status = OutboxStatus.QUEUED
        message.next_attempt_at = now
        message.attempts = 0
        message.status_changed_at = now
        message.save(update_fields=["status", "next_attempt_at", "attempts", "status_changed_at"])
        OutboxEvent.objects.create(
            message=message, kind=EventKind.RETRIED, at=now, detail={"by": actor.get_username()}
        )
        write_audit(
            instance=message,
            actor=actor,
            action=AuditAction.UPDATE,
            changes={"status": ["failed", "queued"]},
            note=_("Retried"),
        )
        retried.append(message)
    if not retried and message_ids:
        raise PeyvandError("messaging.retry", _("None of these messages can be retried."), status=400)
    return retried


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


@transaction.atomic
def change_settings(*, actor, tracking_enabled: bool):
    """An administrator turns open and click tracking on or off for every message sent from now on."""
    from peyvand.messaging.models_consent import MessagingSettings
    from peyvand.messaging.permissions import can_change_tracking

    if not can_change_tracking(actor):
        raise PeyvandError(
            "messaging.settings_forbidden", _("Only an administrator may change this."), status=403
        )
    row = MessagingSettings.objects.select_for_update().order_by("pk").first() or MessagingSettings()
    before = row.tracking_enabled if row.pk else True
    row.tracking_enabled = tracking_enabled
    row.save()
    if before != tracking_enabled:
        write_audit(
            instance=row,
            actor=actor,
            action=AuditAction.UPDATE,
            changes={"tracking_enabled": [before, tracking_enabled]},
        )
    return row
