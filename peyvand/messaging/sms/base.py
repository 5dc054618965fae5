"""What every SMS gateway client offers Peyvand, whatever the gateway's own protocol.

A client is built from a gateway's settings (its API key, its sender line, its options) and speaks that
gateway's HTTP API through ``peyvand.core.outbound.request``, so an address typed into the settings cannot
reach the private network. It answers in the shapes below; a refusal is an ``SmsError`` with a clear,
translated message and whether trying again later may help (a busy server) or not (a wrong key, no credit).
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from django.utils.translation import gettext as _

from peyvand.core import outbound
from peyvand.core.phones import InvalidPhone, to_e164

# What a delivery report says about a message, in our words: the provider's own status goes in ``detail``.
DELIVERED = "delivered"
UNDELIVERED = "undelivered"
PENDING = "pending"


class SmsError(Exception):
    """The gateway refused or could not be reached. ``message`` is for people (translated); ``code`` is the
    gateway's own code; ``retryable`` says whether the same message may go through later."""

    def __init__(self, message: str, *, code: str = "", retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.code = str(code)
        self.retryable = retryable


class NotSupported(SmsError):
    """The gateway has no such feature (some push no delivery reports, and are asked instead)."""


@dataclass
class SendResult:
    ids: list[str]
    cost: float | None = None
    status: str = ""


@dataclass
class DeliveryReport:
    provider_message_id: str
    state: str  # DELIVERED, UNDELIVERED or PENDING
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class InboundMessage:
    from_number: str
    to_line: str
    text: str
    provider_message_id: str
    received_at: dt.datetime | None = None


@dataclass
class WebhookRequest:
    """What a webhook view hands a client: the method, the query and body parameters merged, the raw body."""

    method: str
    params: dict[str, str]
    body: bytes = b""

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError):
            return None


def form_params(query: str, body: bytes, content_type: str) -> dict[str, str]:
    params = dict(parse_qsl(query, keep_blank_values=True))
    if content_type.startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
    return params


def as_int(value: Any, default: int = -1) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def refusal(code: int, errors: dict[int, tuple[Any, bool]], *, retryable: bool = False) -> SmsError:
    """The error a gateway's documented code stands for; an unknown code names itself."""
    known = errors.get(code)
    if known is None:
        return SmsError(
            _("The gateway refused the message (code %(code)s).") % {"code": code},
            code=str(code),
            retryable=retryable,
        )
    return SmsError(str(known[0]), code=str(code), retryable=known[1])


def unreachable(exc: Exception) -> SmsError:
    if isinstance(exc, outbound.OutboundRefused):
        return SmsError(str(exc), code="refused", retryable=False)
    return SmsError(
        _("The SMS gateway could not be reached; the message will be tried again."),
        code="unreachable",
        retryable=True,
    )


def national_mobile(e164: str) -> str:
    """An Iranian number the way most gateways' documents write it: 09121234567; other countries as 00…"""
    if e164.startswith("+98"):
        return "0" + e164[3:]
    return "00" + e164.lstrip("+")


def e164_or_raw(raw: str) -> str:
    try:
        return to_e164(raw)
    except InvalidPhone:
        return raw.strip()


class Provider:
    """One gateway's client. Subclasses set ``key``, ``label``, ``base_url`` and ``docs`` and implement what
    their gateway offers; the rest raises ``NotSupported``."""

    key = ""
    label: Any = ""
    base_url = ""
    docs = ""
    # Whether the gateway pushes delivery reports and received messages to a webhook.
    pushes_delivery = False
    pushes_inbound = False

    def __init__(self, *, api_key: str, sender: str = "", options: dict | None = None):
        self.api_key = api_key or ""
        self.sender = sender or ""
        self.options = dict(options or {})
        # A test (or a gateway's regional mirror) may point the client elsewhere; the guard still applies.
        self.base_url = (self.options.get("base_url") or self.base_url).rstrip("/")

    def send(self, to_e164: str, text: str, sender: str = "") -> SendResult:
        raise NotImplementedError

    def delivery_status(self, ids: list[str]) -> list[DeliveryReport]:
        raise NotSupported(_("This gateway does not report deliveries when asked."))

    def parse_delivery_webhook(self, request: WebhookRequest) -> list[DeliveryReport]:
        raise NotSupported(_("This gateway does not send delivery reports to a webhook."))

    def parse_inbound_webhook(self, request: WebhookRequest) -> list[InboundMessage]:
        raise NotSupported(_("This gateway does not forward received messages to a webhook."))

    # --- helpers for the clients -------------------------------------------------------------------------
    def call(self, method: str, url: str, *, body: bytes | None = None, headers: dict | None = None):
        try:
            return outbound.request(method, url, body=body, headers=headers or {}, timeout=15.0)
        except (outbound.OutboundRefused, outbound.OutboundUnreachable) as exc:
            raise unreachable(exc) from None

    @staticmethod
    def decode_json(response) -> Any:
        try:
            return json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            if response.status >= 500:
                raise SmsError(
                    _("The SMS gateway had an error (HTTP %(status)s); the message will be tried again.")
                    % {"status": response.status},
                    code=str(response.status),
                    retryable=True,
                ) from None
            raise SmsError(
                _("The SMS gateway answered with something that is not JSON (HTTP %(status)s).")
                % {"status": response.status},
                code=str(response.status),
            ) from None
