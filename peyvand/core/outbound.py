"""Calls Peyvand makes to addresses someone typed (a webhook, an SMS gateway's URL, a mailbox's server) go only
to the public internet: loopback, private, link-local, multicast, reserved and unspecified addresses are
refused, numbers read the way the C resolver reads them (``127.1``, ``0x7f000001``, ``2130706433``).

Hosts named in ``PEYVAND_OUTBOUND_ALLOW_HOSTS`` (or the older ``PEYVAND_WEBHOOK_ALLOW_HOSTS``) skip the check: an
intranet install's own mail server, or a local receiver in tests. ``request`` connects to the checked address
itself, so a DNS answer that changes between the check and the call cannot slip through.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class OutboundRefused(Exception):
    """The address may not be called; waiting will not change that."""


class OutboundUnreachable(Exception):
    """The name did not resolve or the server could not be reached; worth trying again later."""


def allowed_hosts() -> set[str]:
    names = list(getattr(settings, "PEYVAND_OUTBOUND_ALLOW_HOSTS", [])) + list(
        getattr(settings, "PEYVAND_WEBHOOK_ALLOW_HOSTS", [])
    )
    return {h.lower() for h in names}


def forbidden_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def literal_address(host: str) -> str | None:
    """The address a host written as a number stands for, or None for a name."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


def check_host_syntax(host: str) -> str:
    """The host in lower case, or OutboundRefused when it is a literal private address (a name is checked when
    resolved)."""
    host = (host or "").strip().lower().strip("[]")
    if not host:
        raise OutboundRefused(_("Give a host name."))
    if host not in allowed_hosts():
        literal = literal_address(host)
        if literal is not None and forbidden_address(literal):
            raise OutboundRefused(_("Private or local network addresses may not be called."))
    return host


def public_addresses(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, all of them public; OutboundRefused when one is not,
    OutboundUnreachable when the name does not resolve."""
    host = check_host_syntax(host)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise OutboundUnreachable(_("The host name could not be resolved.")) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if host in allowed_hosts():
        return addresses
    if not addresses or any(forbidden_address(a) for a in addresses):
        raise OutboundRefused(_("Private or local network addresses may not be called."))
    return addresses


def check_host(host: str, port: int) -> None:
    """The guard a setting passes when saved: OutboundRefused for a host that may not be called; a name that
    does not resolve today is accepted (each call checks again)."""
    try:
        public_addresses(host, port)
    except OutboundUnreachable:
        pass


class PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def split_url(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path-with-query of an http(s) URL, or OutboundRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundRefused(_("This is not a valid address.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundRefused(_("Use an http:// or https:// address."))
    if parts.username or parts.password:
        raise OutboundRefused(_("Do not put a user name or password in the address."))
    host = check_host_syntax(parts.hostname)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 15.0,
    max_bytes: int = 1024 * 1024,
) -> Response:
    """One HTTP request to a public address (no redirects followed); OutboundRefused or OutboundUnreachable."""
    scheme, host, port, path = split_url(url)
    addresses = public_addresses(host, port)
    last_error: OSError | None = None
    for address in addresses:
        cls = PinnedHTTPSConnection if scheme == "https" else PinnedHTTPConnection
        connection = cls(host, port, address=address, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            answer = connection.getresponse()
            data = answer.read(max_bytes)
            return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, data)
        except OSError as exc:
            last_error = exc
        finally:
            connection.close()
    raise OutboundUnreachable(_("The server could not be reached: %(error)s") % {"error": last_error})
