"""Counting requests in a window, for the public pages' limits (a quote's answers, a survey's, portal sign-in links, the help centre's contact form).

Counted in Django's cache, which a deployment with several web processes points at a shared store
(docs/deployment.md); a limit is a brake on floods, not an exact quota.
"""

from django.core.cache import cache


def allowed(key: str, limit: int, window: int) -> bool:
    """Count one more request under ``key``; False once more than ``limit`` came within ``window`` seconds of the
    first."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr: this is the first request of a new window
        cache.add(key, 1, window)
        return True
