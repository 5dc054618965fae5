"""The address a request came from, for rate limits, sign-in throttling and the sessions list."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "0.0.0.0"


def client_address(request: HttpRequest) -> str:
    """Behind a reverse proxy (PEYVAND_BEHIND_PROXY) every request comes from the proxy, so the address the
    proxy appended to X-Forwarded-For (the last one) is used; earlier entries are whatever the client claimed
    and are ignored. Anything that is not an IP address reads as 0.0.0.0."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.PEYVAND_BEHIND_PROXY else ""
    candidate = forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return UNKNOWN
