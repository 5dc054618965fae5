"""Counting a public page's posts per window (a quote's answers, a survey's), so a flood is refused.

Counted in Django's cache, which a deployment with several web processes points at a shared store
(docs/deployment.md).
"""

from django.core.cache import cache


def allowed(key: str, limit: int, window: int) -> bool:
    """Count one more use of ``key``; False once more than ``limit`` came within ``window`` seconds."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr: this is the first use of a new window
        cache.add(key, 1, window)
        return True
