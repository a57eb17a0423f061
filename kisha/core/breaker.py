"""A circuit breaker for shared parts (Redis) that may fail: after a failure, callers skip the
part for a cooldown instead of each paying its timeout, then one caller at a time tries again.

Used by the cache (kisha.core.cache) and the rankings counter, so a dead or hung Redis costs
microseconds per request rather than a timeout per call.
"""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger("kisha.core")


class CircuitBreaker:
    """Closed: use the part. After a failure, open for `cooldown` seconds; then half-open: one
    caller tries while the others keep skipping until it reports back."""

    def __init__(
        self, cooldown: float, *, name: str = "shared part", log: logging.Logger = logger
    ) -> None:
        self.cooldown = cooldown
        self.name = name
        self.log = log
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._open = False
        self.failures = 0

    @property
    def is_open(self) -> bool:
        return self._open

    def allow(self) -> bool:
        if not self._open:
            return True
        now = time.monotonic()
        with self._lock:
            if now < self._open_until:
                return False
            self._open_until = now + self.cooldown
            return True

    def failure(self, exc: BaseException) -> None:
        with self._lock:
            was_open = self._open
            self._open = True
            self._open_until = time.monotonic() + self.cooldown
            self.failures += 1
        if not was_open:
            self.log.warning(
                "%s unavailable (%s: %s); skipping it for %gs at a time",
                self.name,
                type(exc).__name__,
                exc,
                self.cooldown,
            )

    def success(self) -> None:
        if self._open:
            with self._lock:
                was_open, self._open = self._open, False
            if was_open:
                self.log.warning("%s is back", self.name)
