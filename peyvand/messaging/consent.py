"""Consent: which addresses may get which messages, and the unsubscribe link every topical e-mail carries.

An address is suppressed per channel and topic (``models_consent.Suppression``); ``send`` asks
``suppression_for`` before anything leaves. The unsubscribe link is signed (``django.core.signing`` with its own
salt) and names the channel, address and topic inside the signed value, so a link cannot be changed to
unsubscribe someone else, and it needs no sign-in: the recipient is not a user.
"""

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from peyvand.core.audit import write_audit
from peyvand.core.errors import NotFound, PeyvandError
from peyvand.core.models import AuditAction
from peyvand.core.phones import InvalidPhone, to_e164
from peyvand.core.text import normalize_email
from peyvand.messaging.models import Channel, EventKind, Outbox
from peyvand.messaging.models_consent import HARD_REASONS, Suppression, SuppressionReason, Topic

UNSUBSCRIBE_SALT = "peyvand.messaging.unsubscribe"


def normalize_address(channel: str, address: str) -> str:
    """An address as suppressions keep it: an e-mail address lower-cased, a phone number in E.164 (a number that
    does not parse is kept as typed, so it still matches itself)."""
    if channel == Channel.EMAIL:
        return normalize_email(address)
    try:
        return to_e164(address)
    except InvalidPhone:
        return (address or "").strip()


def suppression_for(*, channel: str, address: str, topic: str = "") -> Suppression | None:
    """Why a message to ``address`` must not go, or None. A bounce or complaint stops every message; an opt-out
    stops messages of its topic (or of any topic when it names none); a message without a topic (a receipt, a
    ticket's answer) goes to anyone not bounced or complained."""
    rows = Suppression.objects.filter(channel=channel, address=normalize_address(channel, address))
    hard = rows.filter(reason__in=HARD_REASONS).first()
    if hard is not None or not topic:
        return hard
    return rows.filter(topic__in=("", topic)).order_by("topic").first()


def suppress(
    *,
    channel: str,
    address: str,
    topic: str = "",
    reason: str,
    source: str = "",
    actor=None,
    message: Outbox | None = None,
) -> Suppression:
    """Keep ``address`` from getting messages (of ``topic``); saying it again keeps the first row, except that a
    bounce or complaint replaces a softer reason so it stops every topic."""
    address = normalize_address(channel, address)
    try:
        with transaction.atomic():
            row, created = Suppression.objects.get_or_create(
                channel=channel,
                address=address,
                topic=topic,
                defaults={
                    "reason": reason,
                    "source": source[:200],
                    "created_by": actor if getattr(actor, "pk", None) else None,
                    "message": message,
                },
            )
    except IntegrityError:  # the same opt-out arriving twice at once
        row, created = Suppression.objects.get(channel=channel, address=address, topic=topic), False
    if not created and reason in HARD_REASONS and row.reason not in HARD_REASONS:
        row.reason, row.source = reason, source[:200]
        row.save(update_fields=["reason", "source"])
    return row


# --- the signed unsubscribe link ------------------------------------------------------------------------------


def unsubscribe_token(message: Outbox) -> str:
    return signing.dumps(
        {
            "c": message.channel,
            "a": normalize_address(message.channel, message.to),
            "t": message.topic,
            "m": message.pk,
        },
        salt=UNSUBSCRIBE_SALT,
        compress=True,
    )


def unsubscribe_url(message: Outbox) -> str:
    return settings.PEYVAND_SITE_URL.rstrip("/") + reverse("unsubscribe", args=[unsubscribe_token(message)])


def unsubscribe_headers(message: Outbox) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers for a message sent under a topic: mail clients show an "unsubscribe" button
    that posts to the link without a page."""
    if not message.topic:
        return {}
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(message)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def read_unsubscribe_token(token: str) -> dict:
    """The link's channel, address, topic and message; ``NotFound`` for a link that was changed or made up."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise NotFound() from None
    if not isinstance(value, dict) or value.get("c") not in Channel.values or not value.get("a"):
        raise NotFound()
    return value


def topic_label(topic: str) -> str:
    return str(Topic(topic).label) if topic in Topic.values else _("all messages")


def unsubscribe(token: str) -> Suppression:
    """The recipient's own opt-out through the link; doing it twice is harmless."""
    from peyvand.messaging.services import record_event

    value = read_unsubscribe_token(token)
    pk = value.get("m")
    message = Outbox.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    row = suppress(
        channel=value["c"],
        address=value["a"],
        topic=value.get("t") or "",
        reason=SuppressionReason.UNSUBSCRIBED,
        source=_("unsubscribe link"),
        message=message,
    )
    if message is not None and not message.events.filter(kind=EventKind.UNSUBSCRIBED).exists():
        record_event(message=message, kind=EventKind.UNSUBSCRIBED, recipient=value["a"])
    return row


# --- a contact's consent, as its page shows and changes it -----------------------------------------------------


def contact_addresses(contact) -> list[tuple[str, str]]:
    """(channel, normalised address) for each of a contact's e-mail addresses and phone numbers."""
    pairs = [(str(Channel.EMAIL), normalize_email(a)) for a in contact.emails or [] if a]
    pairs += [(str(Channel.SMS), normalize_address(Channel.SMS, p)) for p in contact.phones or [] if p]
    seen: list[tuple[str, str]] = []
    for pair in pairs:
        if pair not in seen:
            seen.append(pair)
    return seen


def _contact_for_change(actor, contact_id):
    from peyvand.contacts.models import Contact
    from peyvand.core.records import get_visible

    # Whoever may see a contact may change it (the owner, their team's manager, an admin); so may they its consent.
    return get_visible(Contact, contact_id, actor)


def _check(channel: str, address: str, topic: str, contact) -> None:
    if topic and topic not in Topic.values:
        raise PeyvandError("messaging.topic", _("There is no such topic."), field="topic")
    if (channel, normalize_address(channel, address)) not in contact_addresses(contact):
        raise PeyvandError(
            "messaging.address", _("This is not one of the contact's addresses."), field="address"
        )


@transaction.atomic
def opt_out(*, actor, contact_id, channel: str, address: str, topic: str = "") -> Suppression:
    contact = _contact_for_change(actor, contact_id)
    _check(channel, address, topic, contact)
    row = suppress(
        channel=channel,
        address=address,
        topic=topic,
        reason=SuppressionReason.MANUAL,
        source=_("marked by %(user)s") % {"user": actor.get_username()},
        actor=actor,
    )
    write_audit(
        instance=contact,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={"consent": [f"{channel}:{row.address}", f"opted out ({topic or 'all'})"]},
        note=_("Opted out"),
    )
    return row


@transaction.atomic
def opt_in(*, actor, contact_id, channel: str, address: str, topic: str = "") -> int:
    """Remove the opt-out (of a topic, or of all topics); a bounce or complaint stays, since the address itself
    refused the mail — it is lifted only by removing that row, which this does too when asked by name."""
    contact = _contact_for_change(actor, contact_id)
    _check(channel, address, topic, contact)
    removed, _detail = Suppression.objects.filter(
        channel=channel, address=normalize_address(channel, address), topic=topic
    ).delete()
    if removed:
        write_audit(
            instance=contact,
            actor=actor,
            action=AuditAction.UPDATE,
            changes={
                "consent": [
                    f"{channel}:{normalize_address(channel, address)}",
                    f"opted in ({topic or 'all'})",
                ]
            },
            note=_("Opted back in"),
        )
    return removed
