"""Webhook calls: a signed JSON POST to an address outside the private network, retried on server errors.

The body is signed with HMAC-SHA256 under the rule's secret, over ``"<timestamp>.<body>"``:
``X-Peyvand-Timestamp: <unix seconds>`` and ``X-Peyvand-Signature: sha256=<hex>``. A receiver recomputes the
signature and refuses stale timestamps, so a captured call cannot be replayed later.

Server-side request forgery is refused: the host is resolved and every address checked (loopback, private,
link-local, multicast, reserved and unspecified addresses are refused), then the connection goes to the checked
address itself, so a DNS answer that changes between the check and the call cannot slip through. Redirects are
followed only when they keep the method (307/308), each target checked the same way. Hosts named in
``PEYVAND_WEBHOOK_ALLOW_HOSTS`` skip the address check (a local receiver in tests or an intranet install).
The same guard (``check_destination``) refuses such an address when a rule is saved; at delivery a refusal is
final, never retried.
"""

import hashlib
import hmac
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from peyvand.core.outbound import PinnedHTTPConnection, PinnedHTTPSConnection
from peyvand.core.outbound import allowed_hosts as _allowed_hosts
from peyvand.core.outbound import forbidden_address as _forbidden
from peyvand.core.outbound import literal_address as _literal_address

SIGNATURE_HEADER = "X-Peyvand-Signature"
TIMESTAMP_HEADER = "X-Peyvand-Timestamp"
MAX_REDIRECTS = 3


class WebhookRefused(Exception):
    """The address may not be called; never retried."""


class WebhookFailed(Exception):
    """The call did not succeed; ``retryable`` for server errors and connection problems."""

    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class Delivery:
    status: int
    attempts: int
    url: str


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def check_url_syntax(url: str) -> tuple[str, str, int]:
    """The scheme, host and port of a URL a webhook may use, or WebhookRefused (a literal address is checked
    here; a name is checked when resolved)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookRefused(_("This is not a valid address.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookRefused(_("Use an http:// or https:// address."))
    if parts.username or parts.password:
        raise WebhookRefused(_("Do not put a user name or password in the address."))
    host = parts.hostname.lower()
    port = port or (443 if parts.scheme == "https" else 80)
    if host not in _allowed_hosts():
        literal = _literal_address(host)
        if literal is not None and _forbidden(literal):
            raise WebhookRefused(_("Webhooks may not call private or local network addresses."))
    return parts.scheme, host, port


def resolve_public(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, all of them public, or WebhookRefused; WebhookFailed (retryable)
    when the name does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookFailed(_("The host name could not be resolved."), retryable=True) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if host in _allowed_hosts():
        return addresses
    if not addresses or any(_forbidden(a) for a in addresses):
        raise WebhookRefused(_("Webhooks may not call private or local network addresses."))
    return addresses


def check_destination(url: str) -> None:
    """The guard a rule passes when it is saved, the same one every call passes: WebhookRefused for an address
    a webhook may not call. A name that does not resolve today is accepted; its calls are retried."""
    _scheme, host, port = check_url_syntax(url)
    try:
        resolve_public(host, port)
    except WebhookFailed:
        pass


def _post_once(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, str | None]:
    scheme, host, port = check_url_syntax(url)
    addresses = resolve_public(host, port)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    last_error: OSError | None = None
    for address in addresses:
        cls = PinnedHTTPSConnection if scheme == "https" else PinnedHTTPConnection
        connection = cls(host, port, address=address, timeout=timeout)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read(64 * 1024)
            return response.status, response.getheader("Location")
        except OSError as exc:
            last_error = exc
        finally:
            connection.close()
    raise WebhookFailed(
        _("The receiver could not be reached: %(error)s") % {"error": last_error}, retryable=True
    )


def post(url: str, *, payload: bytes, secret: str, event: str = "", delivery: str = "") -> Delivery:
    """POST ``payload`` to ``url`` signed with ``secret``; retries 5xx answers and connection errors with
    exponential backoff; raises WebhookRefused or WebhookFailed."""
    attempts_allowed = max(1, int(getattr(settings, "PEYVAND_WEBHOOK_ATTEMPTS", 3)))
    backoff = float(getattr(settings, "PEYVAND_WEBHOOK_BACKOFF", 1.0))
    timeout = float(getattr(settings, "PEYVAND_WEBHOOK_TIMEOUT", 10.0))
    attempt = 0
    while True:
        attempt += 1
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Peyvand-Webhook/1",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(secret, timestamp, payload),
            "X-Peyvand-Event": event,
            "X-Peyvand-Delivery": delivery,
        }
        try:
            target = url
            for _hop in range(MAX_REDIRECTS + 1):
                status, location = _post_once(target, payload, headers, timeout)
                if status in (307, 308) and location:
                    target = urljoin(target, location)
                    continue
                break
            else:
                raise WebhookFailed(_("Too many redirects."), retryable=False)
            if 200 <= status < 300:
                return Delivery(status=status, attempts=attempt, url=target)
            if status >= 500:
                raise WebhookFailed(
                    _("The receiver answered %(status)s.") % {"status": status}, retryable=True
                )
            raise WebhookFailed(_("The receiver answered %(status)s.") % {"status": status}, retryable=False)
        except WebhookFailed as exc:
            if not exc.retryable or attempt >= attempts_allowed:
                raise
        time.sleep(backoff * (2 ** (attempt - 1)))
