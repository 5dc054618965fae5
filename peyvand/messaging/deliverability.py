"""Bounces and complaints: mail servers' reports about messages we sent.

A delivery status notification (RFC 3464: ``multipart/report; report-type=delivery-status``) says a message could
not be delivered: ``Status: 5.x.x`` is a hard bounce (the address does not exist, or refuses us for good), ``4.x.x``
a soft one (a full mailbox; the server gave up for now). A complaint (ARF, RFC 5965: ``report-type=feedback-report``)
says the recipient marked our message as spam. Either names the original message by quoting its headers; our
``X-Peyvand-Outbox`` header (and its Message-ID) find the outbox row. A hard bounce or a complaint suppresses the
address for every topic, so ``send`` stops writing to it.

``handle_report(raw)`` is called for each message a synced mailbox receives; the inbound mail endpoints reach it
through a ``core.inbound_mail`` route.
"""

import email
import email.parser
import email.policy
import re
from dataclasses import dataclass
from email.message import Message

from django.db import transaction
from django.utils.translation import gettext as _

from peyvand.core.inbound_mail import InboundMail, MailRoute
from peyvand.core.text import normalize_email
from peyvand.messaging.backends import OUTBOX_HEADER
from peyvand.messaging.models import Channel, EventKind, Outbox
from peyvand.messaging.models_consent import SuppressionReason

_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")


@dataclass(frozen=True)
class Report:
    kind: str  # "bounce" or "complaint"
    hard: bool
    recipient: str
    status: str  # "5.1.1"; "" for a complaint
    diagnostic: str
    original_message_id: str
    outbox_id: int | None
    report_id: str  # the report's own Message-ID, so the same report twice is kept once


def _parse(raw: bytes) -> Message | None:
    try:
        return email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception:  # a message too broken to read is not a report of ours
        return None


def _fields(part: Message) -> list[Message]:
    """The header blocks of a ``message/delivery-status`` or ``message/feedback-report`` part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    text = payload if isinstance(payload, str) else ""
    if part.get("Content-Transfer-Encoding", "").lower() in ("base64", "quoted-printable"):
        decoded = part.get_payload(decode=True)
        text = decoded.decode("utf-8", "replace") if isinstance(decoded, bytes) else ""
    blocks = re.split(r"\r?\n\s*\r?\n", text.strip())
    return [email.parser.HeaderParser().parsestr(block) for block in blocks if block.strip()]


def _original_headers(report: Message) -> Message | None:
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
        if kind == "text/rfc822-headers":
            text = part.get_payload(decode=True)
            return email.parser.BytesHeaderParser().parsebytes(text if isinstance(text, bytes) else b"")
    return None


def _address(value: str | None) -> str:
    """``rfc822; sara@example.com`` → ``sara@example.com``."""
    value = (value or "").strip()
    if ";" in value:
        value = value.split(";", 1)[1]
    return normalize_email(value.strip(" <>"))


def parse_report(raw: bytes) -> Report | None:
    """Read a DSN or ARF report; None for any other message (or a delay notice, which is not a failure)."""
    message = _parse(raw)
    if message is None or message.get_content_type() != "multipart/report":
        return None
    param = message.get_param("report-type")
    report_type = param.lower() if isinstance(param, str) else ""
    original = _original_headers(message)
    original_id = (original.get("Message-ID", "") if original is not None else "").strip()
    outbox_raw = (original.get(OUTBOX_HEADER, "") if original is not None else "").strip()
    outbox_id = int(outbox_raw) if outbox_raw.isdigit() and 0 < int(outbox_raw) < 2**63 else None
    report_id = (message.get("Message-ID") or "").strip()
    if report_type == "delivery-status":
        part = next((p for p in message.walk() if p.get_content_type() == "message/delivery-status"), None)
        if part is None:
            return None
        for block in _fields(part)[1:] or _fields(part):
            action = (block.get("Action") or "").strip().lower()
            if action != "failed":
                continue
            status = (block.get("Status") or "").strip()
            found = _STATUS.search(status)
            return Report(
                kind="bounce",
                hard=bool(found and found.group(1) == "5"),
                recipient=_address(block.get("Final-Recipient") or block.get("Original-Recipient")),
                status=found.group(0) if found else status[:20],
                diagnostic=" ".join((block.get("Diagnostic-Code") or "").split())[:500],
                original_message_id=original_id,
                outbox_id=outbox_id,
                report_id=report_id,
            )
        return None
    if report_type == "feedback-report":
        part = next((p for p in message.walk() if p.get_content_type() == "message/feedback-report"), None)
        fields = _fields(part)[0] if part is not None and _fields(part) else Message()
        recipient = _address(fields.get("Original-Rcpt-To") or fields.get("Removal-Recipient"))
        if not recipient and original is not None:
            recipient = _address(original.get("To"))
        return Report(
            kind="complaint",
            hard=True,
            recipient=recipient,
            status="",
            diagnostic=(fields.get("Feedback-Type") or "abuse").strip()[:100],
            original_message_id=original_id,
            outbox_id=outbox_id,
            report_id=report_id,
        )
    return None


def original_message(report: Report) -> Outbox | None:
    """The outbox row the report is about: by our header (its Message-ID must agree when the report quotes one, so
    a made-up report cannot name any row it likes), else by the quoted Message-ID."""
    rows = Outbox.objects.filter(channel=Channel.EMAIL)
    if report.outbox_id is not None:
        message = rows.filter(pk=report.outbox_id).first()
        if message is not None:
            ours = next((v for k, v in (message.headers or {}).items() if k.lower() == "message-id"), "")
            if not report.original_message_id or ours == report.original_message_id:
                return message
    if report.original_message_id:
        return rows.filter(**{"headers__Message-ID": report.original_message_id}).order_by("-pk").first()
    return None


def _record(report: Report, message: Outbox) -> bool:
    """Keep the report on the message and suppress the address; False when this report was kept before."""
    from peyvand.messaging.consent import suppress
    from peyvand.messaging.services import record_event

    kind = EventKind.BOUNCED if report.kind == "bounce" else EventKind.COMPLAINED
    if report.report_id and message.events.filter(kind=kind, detail__report=report.report_id).exists():
        return False
    recipient = report.recipient or normalize_email(message.to)
    record_event(
        message=message,
        kind=kind,
        recipient=recipient,
        detail={
            "report": report.report_id,
            "hard": report.hard,
            "status": report.status,
            "diagnostic": report.diagnostic,
        },
    )
    if report.hard:
        suppress(
            channel=Channel.EMAIL,
            address=recipient,
            reason=SuppressionReason.BOUNCED if report.kind == "bounce" else SuppressionReason.COMPLAINED,
            source=(_("bounce report %(status)s") % {"status": report.status})
            if report.kind == "bounce"
            else _("spam complaint"),
            message=message,
        )
    return True


def handle_report(raw: bytes) -> bool:
    """Take a mail server's bounce or complaint report: True when ``raw`` was a report about a message we sent
    (handled, or already handled before), False for any other mail, which the caller keeps as usual."""
    report = parse_report(raw)
    if report is None:
        return False
    message = original_message(report)
    if message is None:
        return False
    with transaction.atomic():
        _record(report, message)
    return True


def _claims(mail: InboundMail) -> bool:
    report = parse_report(mail.raw)
    return report is not None and original_message(report) is not None


def _receive(*, actor, mail: InboundMail) -> tuple[Outbox, bool]:
    report = parse_report(mail.raw)
    message = original_message(report) if report is not None else None
    if report is None or message is None:  # claimed a moment ago; the row went since
        raise ValueError("not a report about a message we sent")
    with transaction.atomic():
        created = _record(report, message)
    return message, created


ROUTE = MailRoute(name="messaging.reports", claims=_claims, receive=_receive)
