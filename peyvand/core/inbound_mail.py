"""Inbound e-mail: one reading of a raw message, and the routes that decide which app it belongs to.

Every way mail comes in (the intake API, ``peyvand intake-mail`` over a Maildir) hands the raw message to
``leads.intake.intake_email``, which asks ``claimant`` first: an app above leads registers a route from its
``AppConfig.ready()`` (the service desk claims mail to a support address and customers' replies to a ticket),
and what no route claims becomes a lead. The routes live here, below every app, so leads never names the apps
that take mail from it.
"""

import email
import email.errors
import email.policy
import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from peyvand.core.errors import PeyvandError
from peyvand.core.text import normalize_email, strip_control

_INVISIBLE = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h\d)\b[^>]*>", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# Headers that name who the message was delivered to: a support address may be in Cc, or only in the envelope
# (Delivered-To / X-Original-To) when the customer wrote to a list or a forwarding address.
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")


@dataclass(frozen=True)
class InboundMail:
    email: str  # the sender's address, normalised
    name: str
    subject: str
    body: str
    message_id: str
    recipients: tuple[str, ...] = ()  # normalised, in header order, each once
    in_reply_to: str = ""
    references: tuple[str, ...] = ()  # oldest first, as the header lists them
    raw: bytes = field(default=b"", repr=False)

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """The Message-IDs this message answers, nearest first: In-Reply-To, then References newest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += [r for r in reversed(self.references) if r not in ids]
        return tuple(ids)


def html_to_text(markup: str) -> str:
    text = _BREAKS.sub("\n", _INVISIBLE.sub("", markup))
    text = html.unescape(strip_tags(text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def readable(text: Any) -> str:
    """Text as it can be stored: bytes that no charset explained (kept by the parser as lone surrogates) become
    U+FFFD, and control characters other than line breaks and tabs go (PostgreSQL refuses NUL)."""
    text = str(text or "")
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate the parser did not make: no byte behind it to recover
        text = text.encode("utf-8", "replace").decode("utf-8")
    return strip_control(text)


def _body(message) -> str:
    if message is None:
        return ""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (LookupError, ValueError, TypeError, AttributeError, IndexError):
        return ""
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AttributeError, ValueError, TypeError):
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if not isinstance(content, str):
        content = content.decode("utf-8", "replace") if isinstance(content, bytes) else ""
    content = readable(content)
    return html_to_text(content) if part.get_content_type() == "text/html" else content.strip()


def _addresses(message, names: tuple[str, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for name in names:
        for header in message.get_all(name) or ():
            try:
                addresses = header.addresses
            except (AttributeError, TypeError, ValueError, IndexError):
                continue
            for address in addresses:
                spec = normalize_email(readable(address.addr_spec))
                if "@" in spec and spec not in found:
                    found.append(spec)
    return tuple(found)


def _ids(value: Any) -> list[str]:
    return [m[:255] for m in _MESSAGE_ID.findall(readable(value))]


def parse_email(raw: bytes) -> InboundMail:
    """Sender, display name (RFC 2047 decoded), subject, text body, Message-ID, recipients and the thread's ids
    of a raw RFC 822 message.

    Any bytes are read: a header in an unnamed 8-bit charset or a broken encoded word is decoded with
    replacement characters, so the message is still received; only a message without a sender is refused.
    """
    recipients: tuple[str, ...] = ()
    in_reply_to, references = "", []
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        addresses = message["From"].addresses if message["From"] is not None else ()
        subject = readable(message["Subject"])
        message_id = readable(message["Message-ID"]).strip()
        recipients = _addresses(message, RECIPIENT_HEADERS)
        in_reply_to = next(iter(_ids(message["In-Reply-To"])), "")
        references = _ids(message["References"])
    except (TypeError, ValueError, IndexError, AttributeError, LookupError, email.errors.MessageError):
        addresses, subject, message_id, message = (), "", "", None
    sender = next((a for a in addresses if a.addr_spec and "@" in readable(a.addr_spec)), None)
    if sender is None:
        raise PeyvandError(
            "intake.no_sender", _("The message has no sender address (From)."), field="from", status=422
        )
    if not message_id:  # no Message-ID: the content itself identifies a second delivery
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    return InboundMail(
        email=normalize_email(readable(sender.addr_spec)),
        name=" ".join(readable(sender.display_name).split()),
        subject=" ".join(subject.split()),
        body=_body(message),
        message_id=message_id[:255],
        recipients=recipients,
        in_reply_to=in_reply_to,
        references=tuple(references),
        raw=raw,
    )


# --- routes -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailRoute:
    """An app's claim on inbound mail: ``claims(mail)`` says whether the message is its own (a cheap look-up),
    ``receive(actor=..., mail=...)`` turns it into its record and answers ``(record, created)``; a second
    delivery of the same message answers the first record with ``created`` False."""

    name: str
    claims: Callable[[InboundMail], bool]
    receive: Callable[..., tuple[Any, bool]]


_routes: dict[str, MailRoute] = {}


def register_route(route: MailRoute, *, first: bool = False) -> None:
    """Add (or, made ready again, replace) a route; routes are asked in the order they were first registered,
    except one registered ``first``, asked before all: a mail server's bounce report sent to a support address
    is about a message we sent, not a customer's request."""
    _routes[route.name] = route
    if first:
        others = {name: r for name, r in _routes.items() if name != route.name}
        _routes.clear()
        _routes.update({route.name: route, **others})


def claimant(mail: InboundMail) -> MailRoute | None:
    return next((route for route in _routes.values() if route.claims(mail)), None)
