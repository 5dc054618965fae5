"""The header's warning to administrators when no background worker has been seen for a while."""

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

from peyvand.core.periodic import HEARTBEAT_EVERY, worker_last_seen
from peyvand.core.permissions import can_see_worker_status

# A worker records its heartbeat every minute; a few missed ones mean it is not running.
WORKER_SILENT_AFTER = dt.timedelta(minutes=5)
_CACHE_KEY = "peyvand:worker-last-seen"


def _worker_silence() -> dict | None:
    """None while a worker is running; else how long none was seen (``never`` when none ever ran)."""
    seen = cache.get(_CACHE_KEY)
    if seen is None:
        seen = worker_last_seen()
        if seen is None:
            # not kept: a worker starting beside the web server is seen within seconds
            return {"never": True, "minutes": 0}
        # every page of every administrator would ask otherwise; the answer may be a little stale
        cache.set(_CACHE_KEY, seen, timeout=HEARTBEAT_EVERY.total_seconds() / 4)
    silent = timezone.now() - seen
    if silent < WORKER_SILENT_AFTER:
        return None
    return {"never": False, "minutes": int(silent.total_seconds() // 60)}


def worker_status(request):
    user = getattr(request, "user", None)
    if not can_see_worker_status(user):
        return {}
    return {"worker_silence": _worker_silence}  # called only when a template shows it
