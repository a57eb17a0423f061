"""The beacon's two limits — one count per reader and article per dedupe period, and at most
RATE_LIMIT views per address and article per rate window — kept where every worker and server
sees them: Django's shared cache (diskcache on one machine, Redis on several). Counted per
process they let one address count once per worker (two workers: 60 views instead of 30).

When the shared cache fails, the limits fall back to this process's memory until it answers
again: views keep being counted, at worst once per worker for the outage's length.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.core.cache import cache

from .backends.base import Outcome

PREFIX = "kisha:rankings:limit"
# Readers and addresses remembered per process in the fallback; past this the oldest are
# forgotten first (so memory stays bounded under a flood of fresh reader ids).
MAX_TRACKED = 500_000


class LocalLimits:
    """The limits in one process's memory: the fallback, and a process of its own (tests)."""

    def __init__(
        self, *, dedupe_seconds: float, rate_limit: int, rate_window: int, max_tracked: int
    ) -> None:
        self.dedupe_seconds = dedupe_seconds
        self.rate_limit = rate_limit
        self.rate_window = rate_window
        self.max_tracked = max_tracked
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        # (page, reader) -> monotonic expiry; insertion order is expiry order.
        self._seen: OrderedDict[tuple[int, str], float] = OrderedDict()
        self._rates: dict[tuple[str, int], int] = {}
        self._rate_slot = -1

    def check(self, *, page_id: int, reader: str, address: str, slot: int) -> Outcome:
        with self._lock:
            clock = time.monotonic()
            seen = self._seen
            while seen:
                _, expiry = next(iter(seen.items()))
                if expiry > clock and len(seen) < self.max_tracked:
                    break
                seen.popitem(last=False)
            key = (page_id, reader)
            if key in seen:
                return Outcome.DUPLICATE
            seen[key] = clock + self.dedupe_seconds
            if slot != self._rate_slot:
                self._rates.clear()
                self._rate_slot = slot
            rate_key = (address, page_id)
            used = self._rates.get(rate_key, 0)
            if used >= self.rate_limit or (used == 0 and len(self._rates) >= self.max_tracked):
                return Outcome.RATE_LIMITED
            self._rates[rate_key] = used + 1
        return Outcome.COUNTED


class SharedLimits:
    """The limits in the shared cache, with `LocalLimits` while it fails."""

    def __init__(
        self,
        *,
        dedupe_seconds: float,
        rate_limit: int,
        rate_window: int,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self.dedupe_seconds = int(dedupe_seconds)
        self.rate_limit = rate_limit
        self.rate_window = rate_window
        self.local = LocalLimits(
            dedupe_seconds=dedupe_seconds,
            rate_limit=rate_limit,
            rate_window=rate_window,
            max_tracked=max_tracked,
        )
        self.fallbacks = 0

    def check(self, *, page_id: int, reader: str, address: str, slot: int) -> Outcome:
        try:
            outcome = self._check_shared(page_id=page_id, reader=reader, address=address, slot=slot)
        except Exception:
            outcome = None
        if outcome is None:
            self.fallbacks += 1
            return self.local.check(page_id=page_id, reader=reader, address=address, slot=slot)
        return outcome

    def _check_shared(self, *, page_id: int, reader: str, address: str, slot: int):
        # `add` answers True (first view), False (seen) or None (the cache failed: a miss
        # by the resilient back end's rules, which must not read as "seen").
        first = cache.add(f"{PREFIX}:s:{page_id}:{reader}", 1, self.dedupe_seconds)
        if first is None:
            return None
        if not first:
            return Outcome.DUPLICATE
        key = f"{PREFIX}:r:{slot}:{address}:{page_id}"
        cache.add(key, 0, self.rate_window)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.set(key, 1, self.rate_window)
            used = 1
        if used is None:
            return None
        if used > self.rate_limit:
            return Outcome.RATE_LIMITED
        return Outcome.COUNTED
