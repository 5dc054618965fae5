"""SMS through the configured gateway: saving the gateway, sending through it (within its rate), applying its
delivery reports, and keeping the messages customers send to our lines.

The gateway is chosen in the settings, not in code: the first active ``SmsGateway`` row, else one described by
the environment (``PEYVAND_SMS_PROVIDER``, ``PEYVAND_SMS_API_KEY``, ``PEYVAND_SMS_SENDER``), else none, and
SMS stay queued in the outbox as before.
"""

import datetime as dt
import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.core import events, outbound
from peyvand.core.audit import write_audit
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditAction
from peyvand.core.phones import InvalidPhone, to_e164
from peyvand.core.secrets import SECRET_MASK
from peyvand.messaging.models import EventKind, Outbox, OutboxEvent, OutboxStatus
from peyvand.messaging.models_sms import InboundSms, SmsGateway, SmsProvider
from peyvand.messaging.permissions_sms import can_manage_sms
from peyvand.messaging.sms import PROVIDERS, Provider, sms_parts
from peyvand.messaging.sms.base import DELIVERED, UNDELIVERED, DeliveryReport, InboundMessage, SmsError

log = logging.getLogger(__name__)

BACKEND_PATH = "peyvand.messaging.sms.backend.GatewayBackend"
# How long after sending a message's report is still asked for.
REPORT_WINDOW = dt.timedelta(days=2)
# Waits before the next try of a message the gateway could not take now: 1, 5, 15 minutes, then an hour.
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=15), dt.timedelta(hours=1))
MAX_ATTEMPTS = 6


# --- which gateway --------------------------------------------------------------------------------------------
def configured_gateway() -> SmsGateway | None:
    """The gateway SMS go through now: the page's active row, else the environment's (unsaved), else None."""
    gateway = SmsGateway.objects.filter(active=True).order_by("pk").first()
    if gateway is not None:
        return gateway
    provider = getattr(settings, "PEYVAND_SMS_PROVIDER", "")
    if provider in SmsProvider.values and provider != SmsProvider.GENERIC:
        return SmsGateway(
            provider=provider,
            api_key=getattr(settings, "PEYVAND_SMS_API_KEY", ""),
            sender=getattr(settings, "PEYVAND_SMS_SENDER", ""),
        )
    return None


def client_for(gateway: SmsGateway) -> Provider:
    return PROVIDERS[gateway.provider](
        api_key=gateway.api_key or "", sender=gateway.sender, options=gateway.options
    )


# --- the settings ---------------------------------------------------------------------------------------------
def _check_admin(actor) -> None:
    if not can_manage_sms(actor):
        raise PeyvandError(
            "sms.forbidden", _("Only an administrator may configure the SMS gateway."), status=403
        )


def _check_options(provider: str, options: dict[str, Any]) -> dict[str, str]:
    cleaned = {str(k): str(v).strip() for k, v in (options or {}).items() if str(v).strip()}
    if provider == SmsProvider.GENERIC:
        template = cleaned.get("url", "")
        if not template:
            raise PeyvandError("sms.url", _("Give the gateway's address template."), field="url")
        probe = (
            template.replace("{to}", "0")
            .replace("{text}", "x")
            .replace("{sender}", "x")
            .replace("{key}", "x")
        )
        try:
            _scheme, host, port, _path = outbound.split_url(probe)
            outbound.check_host(host, port)
        except outbound.OutboundRefused as exc:
            raise PeyvandError("sms.url", str(exc), field="url") from None
        if cleaned.get("method", "GET").upper() not in ("GET", "POST"):
            raise PeyvandError("sms.method", _("The method is GET or POST."), field="method")
    if "base_url" in cleaned:
        try:
            _scheme, host, port, _path = outbound.split_url(cleaned["base_url"])
            outbound.check_host(host, port)
        except outbound.OutboundRefused as exc:
            raise PeyvandError("sms.base_url", str(exc), field="base_url") from None
    return cleaned


@transaction.atomic
def save_gateway(
    *,
    actor,
    gateway: SmsGateway | None = None,
    provider: str,
    sender: str = "",
    api_key: str | None = None,
    options: dict[str, Any] | None = None,
    active: bool = True,
    per_minute: int = 60,
) -> SmsGateway:
    """Create or change the gateway. ``api_key`` None (or empty) keeps the key already set; the key never
    reaches the audit trail, which only says that it was replaced."""
    _check_admin(actor)
    if provider not in SmsProvider.values:
        raise PeyvandError("sms.provider", _("Choose a gateway."), field="provider")
    if per_minute < 1 or per_minute > 100000:
        raise PeyvandError(
            "sms.per_minute", _("Give a number of messages per minute from 1."), field="per_minute"
        )
    sender = (sender or "").strip()
    if len(sender) > 30:
        raise PeyvandError("sms.sender", _("The sender line is at most 30 characters."), field="sender")
    cleaned = _check_options(provider, options or {})
    creating = gateway is None
    gateway = gateway or SmsGateway()
    before = {
        "provider": gateway.provider,
        "sender": gateway.sender,
        "options": gateway.options,
        "active": gateway.active,
        "per_minute": gateway.per_minute,
    }
    if creating and not api_key and provider != SmsProvider.GENERIC:
        raise PeyvandError("sms.api_key", _("Give the gateway's API key."), field="api_key")
    gateway.provider, gateway.sender, gateway.options = provider, sender, cleaned
    gateway.active, gateway.per_minute = active, per_minute
    key_changed = bool(api_key)
    if key_changed:
        gateway.api_key = api_key
    gateway.save()
    after = {
        "provider": gateway.provider,
        "sender": gateway.sender,
        "options": gateway.options,
        "active": gateway.active,
        "per_minute": gateway.per_minute,
    }
    changes: dict[str, Any] = {
        k: [None if creating else before[k], v] for k, v in after.items() if creating or before[k] != v
    }
    if key_changed:
        changes["api_key"] = [None if creating else SECRET_MASK, SECRET_MASK]
    if changes:
        write_audit(
            instance=gateway,
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            changes=changes,
        )
    return gateway


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def new_webhook_token(*, actor, gateway: SmsGateway) -> str:
    """A new secret for the gateway's webhook addresses, returned once; the old one stops working."""
    _check_admin(actor)
    token = secrets.token_urlsafe(24)
    gateway.webhook_token_hash = token_hash(token)
    gateway.save(update_fields=["webhook_token_hash", "updated_at"])
    write_audit(
        instance=gateway,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={"webhook_token": [None, SECRET_MASK]},
    )
    return token


def gateway_for_webhook(gateway_id: int, token: str) -> SmsGateway | None:
    gateway = SmsGateway.objects.filter(pk=gateway_id).first()
    if gateway is None or not gateway.webhook_token_hash:
        return None
    if not secrets.compare_digest(gateway.webhook_token_hash, token_hash(token or "")):
        return None
    return gateway


def send_test(*, actor, to: str) -> Outbox:
    """Send a short test message through the configured gateway; the outbox row tells how it went."""
    _check_admin(actor)
    from peyvand.messaging.services import send

    try:
        number = to_e164(to)
    except InvalidPhone:
        raise PeyvandError("sms.to", _("Give a valid mobile number."), field="to") from None
    if configured_gateway() is None:
        raise PeyvandError("sms.no_gateway", _("Save a gateway first."), field="to")
    try:
        return send(channel="sms", to=number, body=_("A test message from Peyvand."), source="sms-test")
    except SmsError as exc:
        raise PeyvandError("sms.refused", exc.message, field="to") from None


# --- sending --------------------------------------------------------------------------------------------------
def _retry_later(message: Outbox, error: str, now: dt.datetime) -> None:
    # the try was counted by the outbox (``services._attempt``), which calls every backend
    attempts = max(1, message.attempts)
    message.error = error[:2000]
    if attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
        message.next_attempt_at = None
        message.status_changed_at = now
    else:
        message.next_attempt_at = now + BACKOFF[min(attempts, len(BACKOFF)) - 1]
    message.save(update_fields=["attempts", "error", "status", "next_attempt_at", "status_changed_at"])


def deliver(message: Outbox) -> None:
    """Send an outbox row through the configured gateway. No gateway: it stays queued. Over the gateway's rate:
    it waits for the next minute. A refusal that waiting cannot mend raises ``SmsError`` (the row is then marked
    failed by ``messaging.services.send``); a busy or unreachable gateway leaves it queued for a later try."""
    message.segments = sms_parts(message.body)
    gateway = configured_gateway()
    if gateway is None:
        message.save(update_fields=["segments"])
        return
    now = timezone.now()
    message.account_id = gateway.pk
    # The environment's gateway has no row: its messages are those without an account.
    sent_lately = Outbox.objects.filter(
        channel="sms", account_id=gateway.pk, sent_at__gte=now - dt.timedelta(minutes=1)
    ).count()
    if sent_lately >= gateway.per_minute:
        message.next_attempt_at = now + dt.timedelta(minutes=1)
        message.save(update_fields=["account_id", "segments", "next_attempt_at"])
        return
    try:
        number = to_e164(message.to)
    except InvalidPhone:
        message.save(update_fields=["account_id", "segments"])
        raise SmsError(
            _("“%(to)s” is not a valid phone number.") % {"to": message.to}, code="number"
        ) from None
    try:
        result = client_for(gateway).send(number, message.body, gateway.sender)
    except SmsError as exc:
        log.warning(
            "SMS %s not sent through %s: %s (%s)", message.pk, gateway.provider, exc.message, exc.code
        )
        message.save(update_fields=["account_id", "segments"])
        if exc.retryable:
            _retry_later(message, exc.message, now)
            return
        raise
    message.status = OutboxStatus.SENT
    message.sent_at = message.status_changed_at = now
    message.provider_message_id = ",".join(result.ids)[:120]
    message.next_attempt_at = None
    message.error = ""
    message.save(
        update_fields=[
            "account_id",
            "segments",
            "status",
            "sent_at",
            "status_changed_at",
            "provider_message_id",
            "next_attempt_at",
            "error",
        ]
    )
    OutboxEvent.objects.create(
        message=message,
        kind=EventKind.SENT,
        at=now,
        recipient=message.to,
        detail={
            "provider": gateway.provider,
            "ids": result.ids,
            "cost": result.cost,
            "parts": message.segments,
        },
    )


# --- delivery reports -----------------------------------------------------------------------------------------
def apply_reports(gateway: SmsGateway, reports: list[DeliveryReport]) -> int:
    """Record each final report on its message (a repeated report is kept once); returns how many moved."""
    from peyvand.messaging.services import record_event

    applied = 0
    for report in reports:
        if report.state not in (DELIVERED, UNDELIVERED) or not report.provider_message_id:
            continue
        kind = EventKind.DELIVERED if report.state == DELIVERED else EventKind.UNDELIVERED
        messages = Outbox.objects.filter(channel="sms", provider_message_id=report.provider_message_id)
        messages = messages.filter(account_id=gateway.pk) if gateway.pk else messages.filter(account_id=None)
        for message in messages:
            if message.events.filter(kind=kind).exists():
                continue
            record_event(message=message, kind=kind, recipient=message.to, detail=report.detail)
            applied += 1
    return applied


def fetch_reports(now: dt.datetime) -> int:
    """Ask the gateway about the messages sent in the last two days that have no final report yet, in one batch
    per gateway."""
    gateways: dict[int | None, SmsGateway] = {g.pk: g for g in SmsGateway.objects.all()}
    env = configured_gateway()
    if env is not None and env.pk is None:
        gateways[None] = env
    applied = 0
    for pk, gateway in gateways.items():
        ids = list(
            Outbox.objects.filter(
                channel="sms",
                status=OutboxStatus.SENT,
                account_id=pk,
                sent_at__gte=now - REPORT_WINDOW,
            )
            .exclude(provider_message_id="")
            .values_list("provider_message_id", flat=True)[:2000]
        )
        if not ids:
            continue
        client = client_for(gateway)
        try:
            reports = client.delivery_status(ids)
        except SmsError as exc:
            log.warning(
                "delivery reports from %s not fetched: %s (%s)", gateway.provider, exc.message, exc.code
            )
            continue
        applied += apply_reports(gateway, reports)
    return applied


# --- received messages ----------------------------------------------------------------------------------------
def sender_records(e164: str) -> list[tuple[str, int]]:
    """The contacts, companies and leads whose phone is this number, by the duplicates' lookup keys."""
    from peyvand.contacts.models import DuplicateKey

    return list(
        DuplicateKey.objects.filter(kind="phone", value=e164)
        .order_by("entity", "object_id")
        .values_list("entity", "object_id")
        .distinct()
    )


def receive(gateway: SmsGateway, messages: list[InboundMessage]) -> list[InboundSms]:
    """Keep each received message once (by the gateway's id) and announce it (``events.sms_received``)."""
    kept = []
    for item in messages:
        received_at = item.received_at or timezone.now()
        try:
            with transaction.atomic():
                row = InboundSms.objects.create(
                    gateway=gateway,
                    from_number=item.from_number[:40],
                    to_line=item.to_line[:40],
                    text=item.text,
                    received_at=received_at,
                    provider_message_id=item.provider_message_id[:120],
                )
                events.emit(
                    events.sms_received,
                    sender=InboundSms,
                    message=row,
                    records=sender_records(row.from_number),
                    actor=None,
                )
        except IntegrityError:
            continue  # the gateway called again with a message already kept
        kept.append(row)
    return kept
