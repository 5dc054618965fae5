"""Open and click tracking of HTML e-mail.

When a message is tracked, every http(s) link of its HTML goes through ``/t/c/<signed>/`` and a 1×1 pixel
``/t/o/<signed>.gif`` is added. The signed value holds the message and, for a link, the address it leads to: the
redirect goes only where a message we sent pointed, so nobody can make it an open redirect.

Opens are approximate: many mail programs do not load images, and privacy proxies (Gmail's image proxy, Apple
Mail Privacy Protection, Yahoo's) fetch the pixel themselves, often at once and for every message. The first
open's user agent is kept and an open that looks like such a proxy is flagged so the page can say so.
"""

import datetime as dt
import html
import re

from django.conf import settings
from django.core import signing
from django.urls import reverse

from peyvand.core import events
from peyvand.messaging.models import EventKind, Outbox, OutboxEvent

CLICK_SALT = "peyvand.messaging.click"
OPEN_SALT = "peyvand.messaging.open"

_LINK = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?://[^"']+)\2""", re.IGNORECASE)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)

# The user agents of the proxies that fetch images for the recipient, and what to call each.
_PROXIES = (
    ("GoogleImageProxy", "gmail"),
    ("ggpht.com", "gmail"),
    ("YahooMailProxy", "yahoo"),
)
# Opens kept per message; more are answered but not written, so a pixel fetched in a loop cannot fill the table.
MAX_OPENS = 100
# An open this soon after sending was most likely a proxy or a scanner fetching the pixel on delivery.
_TOO_SOON = dt.timedelta(seconds=10)


def _site(path: str) -> str:
    return settings.PEYVAND_SITE_URL.rstrip("/") + path


def click_url(message: Outbox, target: str) -> str:
    token = signing.dumps({"m": message.pk, "u": target}, salt=CLICK_SALT, compress=True)
    return _site(reverse("track-click", args=[token]))


def pixel_url(message: Outbox) -> str:
    token = signing.dumps(message.pk, salt=OPEN_SALT)
    return _site(reverse("track-open", args=[token]))


def tracked_html(message: Outbox) -> str:
    """The HTML the recipient gets: the row's own HTML, with its links and a pixel when the message is tracked."""
    markup = message.html_body
    if not message.tracked or not markup:
        return markup
    unsubscribe = _site("/unsubscribe/")

    def rewrite(match: re.Match) -> str:
        target = html.unescape(match.group(3))
        if target.startswith(unsubscribe):
            return match.group(0)  # the unsubscribe link works as it is, and is not a "click"
        return f"{match.group(1)}{match.group(2)}{html.escape(click_url(message, target))}{match.group(2)}"

    markup = _LINK.sub(rewrite, markup)
    pixel = f'<img src="{html.escape(pixel_url(message))}" width="1" height="1" alt="" style="display:none">'
    body_end = list(_BODY_END.finditer(markup))
    if body_end:
        at = body_end[-1].start()
        return markup[:at] + pixel + markup[at:]
    return markup + pixel


def proxy_of(user_agent: str, *, message: Outbox, at: dt.datetime) -> str:
    """Which privacy proxy an open looks like ("gmail", "apple", "yahoo", "early"), or ""."""
    for needle, name in _PROXIES:
        if needle.lower() in user_agent.lower():
            return name
    # Apple Mail Privacy Protection fetches with a bare "Mozilla/5.0" and no further detail.
    if user_agent.strip() == "Mozilla/5.0":
        return "apple"
    if message.sent_at and at - message.sent_at < _TOO_SOON:
        return "early"
    return ""


def _message(token: str, salt: str):
    try:
        value = signing.loads(token, salt=salt)
    except (signing.BadSignature, ValueError, TypeError):
        return None, None
    pk, url = (value.get("m"), value.get("u")) if isinstance(value, dict) else (value, None)
    if not isinstance(pk, int):
        return None, None
    return Outbox.objects.filter(pk=pk).first(), url


def record_open(token: str, *, user_agent: str, at: dt.datetime) -> OutboxEvent | None:
    """Keep an open of the message the pixel belongs to; None for a token that is not ours."""
    from peyvand.messaging.services import record_event

    message, _url = _message(token, OPEN_SALT)
    if message is None:
        return None
    proxy = proxy_of(user_agent, message=message, at=at)
    opens = message.events.filter(kind=EventKind.OPENED)
    seen = opens.count()
    if seen >= MAX_OPENS:
        return opens.first()  # a proxy or a scanner fetching it over and over: enough is kept
    first = seen == 0
    event = record_event(
        message=message,
        kind=EventKind.OPENED,
        at=at,
        recipient=message.to,
        user_agent=user_agent,
        detail={"proxy": proxy} if proxy else {},
    )
    if first:
        events.emit(events.message_opened, Outbox, message=message, proxy=proxy, actor=None)
    return event


def record_click(token: str, *, user_agent: str, at: dt.datetime) -> str | None:
    """Keep a click and answer where it leads; None for a token that is not ours."""
    from peyvand.messaging.services import record_event

    message, url = _message(token, CLICK_SALT)
    if message is None or not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    record_event(
        message=message, kind=EventKind.CLICKED, at=at, recipient=message.to, url=url, user_agent=user_agent
    )
    events.emit(events.message_clicked, Outbox, message=message, url=url, actor=None)
    return url
