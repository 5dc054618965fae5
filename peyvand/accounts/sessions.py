"""Each user's signed-in sessions: listed on their security page and ended one by one, all others, or all.

Django's session store cannot be listed by user, so a ``SignedInSession`` row is written at sign-in and its last
use refreshed at most once a minute by ``SignedInSessionMiddleware``. A row holds a hash of the session key, never
the key. Ending a session deletes the row and the session itself from the store, so that browser is signed out on
its next request; with a store that cannot be searched (cache only) the middleware notices the missing row within a
minute.
"""

import datetime as dt
import re
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from peyvand.accounts.models import SignedInSession, User
from peyvand.core.clientip import UNKNOWN, client_address
from peyvand.core.errors import NotFound

SEEN_KEY = "_peyvand_seen"
SEEN_RESOLUTION = dt.timedelta(minutes=1)


def _session_hash(request: HttpRequest) -> str | None:
    key = request.session.session_key
    return SignedInSession.hash_key(key) if key else None


def record_session(request: HttpRequest, user: User) -> SignedInSession | None:
    """Called at sign-in (and after the key changes, as with a new password)."""
    if request.session.session_key is None:
        request.session.save()
    address = client_address(request)
    now = timezone.now()
    row, _ = SignedInSession.objects.update_or_create(
        key_hash=_session_hash(request),
        defaults={
            "user": user,
            "address": None if address == UNKNOWN else address,
            "user_agent": request.headers.get("User-Agent", "")[:300],
            "created_at": now,
            "last_seen_at": now,
        },
    )
    request.session[SEEN_KEY] = now.timestamp()
    return row


def forget_session(request: HttpRequest) -> None:
    """At sign-out: the session is flushed by Django; its row goes too."""
    if key_hash := _session_hash(request):
        SignedInSession.objects.filter(key_hash=key_hash).delete()


def touch(request: HttpRequest) -> bool:
    """Refresh the current session's last use, at most once a minute (the time is kept in the session, so other
    requests cost nothing). False when the session has no row any more: it was ended elsewhere."""
    now = timezone.now()
    seen = request.session.get(SEEN_KEY)
    if seen is not None and now.timestamp() - seen < SEEN_RESOLUTION.total_seconds():
        return True
    updated = SignedInSession.objects.filter(key_hash=_session_hash(request)).update(last_seen_at=now)
    request.session[SEEN_KEY] = now.timestamp()
    return bool(updated)


def sessions_of(user: User) -> QuerySet[SignedInSession]:
    """The user's sessions that may still be alive (younger than a session cookie lives)."""
    since = timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return SignedInSession.objects.filter(user=user, last_seen_at__gte=since).order_by("-last_seen_at")


def is_current(request: HttpRequest, row: SignedInSession) -> bool:
    return row.key_hash == _session_hash(request)


def _delete_from_store(key_hashes: set[str]) -> None:
    """Sessions are found in a database-backed store by hashing its keys (ending a session is rare, so a scan of
    the live sessions is cheap enough); a cache-only store cannot be searched, see the module's note."""
    if not key_hashes:
        return
    store_class: type[SessionBase] = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        return
    model = store_class.get_model_class()
    live = model.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", flat=True)
    for key in live.iterator():
        if SignedInSession.hash_key(key) in key_hashes:
            store_class(session_key=key).delete()


def end_session(*, user: User, session_id: int) -> None:
    """End one of the user's own sessions; another user's is simply not found."""
    row = SignedInSession.objects.filter(user=user, pk=session_id).first()
    if row is None:
        raise NotFound()
    _end({row.key_hash}, SignedInSession.objects.filter(pk=row.pk))


def end_other_sessions(request: HttpRequest, user: User) -> int:
    rows = SignedInSession.objects.filter(user=user).exclude(key_hash=_session_hash(request) or "")
    return _end(set(rows.values_list("key_hash", flat=True)), rows)


def end_all_sessions(user: User) -> int:
    rows = SignedInSession.objects.filter(user=user)
    return _end(set(rows.values_list("key_hash", flat=True)), rows)


def _end(key_hashes: set[str], rows: QuerySet) -> int:
    _delete_from_store(key_hashes)
    return rows.delete()[0]


_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_browser(user_agent: str) -> str:
    """'Firefox on Windows' from a user agent: enough for people to recognise their own devices."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or re.sub(r"\s+", " ", user_agent)[:60]
