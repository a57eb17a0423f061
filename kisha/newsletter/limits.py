"""The sign-up rate limit per client address, in the shared cache so every worker and server
counts together (DESIGN §4 rule 6, the pattern of kisha/rankings/limits.py). While the cache
fails, each process counts in its own memory: limited per worker rather than not at all."""

from __future__ import annotations

import threading
import time

from django.core.cache import cache

from .conf import conf

PREFIX = "kisha:newsletter:signup"
_local: dict[str, int] = {}
_local_slot = -1
_lock = threading.Lock()


def signup_allowed(*, address: str) -> bool:
    """Count one sign-up from `address`; False once it is over the limit for this window."""
    global _local_slot
    limit = int(conf("KISHA_NEWSLETTER_SIGNUP_LIMIT"))
    window = int(conf("KISHA_NEWSLETTER_SIGNUP_WINDOW"))
    slot = int(time.time() // window)
    key = f"{PREFIX}:{slot}:{address}"
    try:
        cache.add(key, 0, window)
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        used = 1
    except Exception:
        used = None
    if used is None:
        with _lock:
            if slot != _local_slot:
                _local.clear()
                _local_slot = slot
            used = _local[address] = _local.get(address, 0) + 1
    return used <= limit
