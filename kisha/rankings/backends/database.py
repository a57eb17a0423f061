"""The embedded default: count in this process's memory, write the counts to the database in
batches every few seconds.

Duplicate readers and the per-address rate limit live in the shared cache (limits.py), so every
worker and server applies them together. A hard crash of a process loses at most the views it
counted since its last flush (KISHA_RANKINGS_FLUSH_SECONDS).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
import uuid

from django.db import close_old_connections, transaction

from ..conf import conf
from ..limits import MAX_TRACKED, SharedLimits
from ..metrics import metrics_flush, metrics_incr
from ..models import PendingViews
from .base import BaseCounter, Batch, Outcome, jst_hour

logger = logging.getLogger("kisha.rankings")

# Batches handed to one fold; the rest wait for the next one.
MAX_BATCHES = 500


class DatabaseCounter(BaseCounter):
    name = "database"

    def __init__(
        self,
        *,
        flush_seconds: float = 5.0,
        dedupe_seconds: float = 1800,
        rate_limit: int = 30,
        rate_window: int = 3600,
        flush_thread: bool = True,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self.flush_seconds = flush_seconds
        self.dedupe_seconds = dedupe_seconds
        self.rate_limit = rate_limit
        self.rate_window = rate_window
        self.flush_thread = flush_thread
        self.max_tracked = max_tracked
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._reset_state()

    @classmethod
    def from_settings(cls) -> DatabaseCounter:
        return cls(
            flush_seconds=float(conf("KISHA_RANKINGS_FLUSH_SECONDS")),
            flush_thread=bool(conf("KISHA_RANKINGS_FLUSH_THREAD")),
            dedupe_seconds=float(conf("KISHA_RANKINGS_DEDUPE_SECONDS")),
            rate_limit=int(conf("KISHA_RANKINGS_RATE_LIMIT")),
            rate_window=int(conf("KISHA_RANKINGS_RATE_WINDOW")),
        )

    def _reset_state(self) -> None:
        self._pid = os.getpid()
        self._counts: dict[tuple[int, dt.datetime], int] = {}
        self.limits = SharedLimits(
            dedupe_seconds=self.dedupe_seconds,
            rate_limit=self.rate_limit,
            rate_window=self.rate_window,
            max_tracked=self.max_tracked,
        )
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def record(self, *, page_id: int, reader: str, address: str, now: dt.datetime) -> Outcome:
        self.start()
        outcome = self.limits.check(
            page_id=page_id,
            reader=reader,
            address=address,
            slot=int(now.timestamp() // self.rate_window),
        )
        if outcome is not Outcome.COUNTED:
            return outcome
        key = (page_id, jst_hour(now))
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1
        return Outcome.COUNTED

    def buffered(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def flush(self) -> int:
        """Write the buffer as one batch of PendingViews rows. On a database error the counts
        go back into the buffer for the next flush, so a locked or restarting database delays
        views instead of losing them."""
        with self._flush_lock:
            with self._lock:
                taken, self._counts = self._counts, {}
            written = 0
            if taken:
                batch_id = uuid.uuid4().hex
                rows = [
                    PendingViews(batch_id=batch_id, page_id=page_id, hour=hour, views=views)
                    for (page_id, hour), views in taken.items()
                ]
                try:
                    with transaction.atomic():
                        PendingViews.objects.bulk_create(rows, batch_size=1000)
                    written = sum(taken.values())
                except Exception:
                    logger.warning(
                        "rankings: flush of %d views failed; kept for the next flush",
                        sum(taken.values()),
                        exc_info=True,
                    )
                    metrics_incr("flush_failed")
                    with self._lock:
                        for key, views in taken.items():
                            self._counts[key] = self._counts.get(key, 0) + views
            metrics_flush()
            return written

    def batches(self) -> list[Batch]:
        ids = list(
            PendingViews.objects.values_list("batch_id", flat=True)
            .order_by("batch_id")
            .distinct()[:MAX_BATCHES]
        )
        grouped: dict[str, list] = {batch_id: [] for batch_id in ids}
        for batch_id, page_id, hour, views in PendingViews.objects.filter(
            batch_id__in=ids
        ).values_list("batch_id", "page_id", "hour", "views"):
            grouped[batch_id].append((page_id, hour, views))
        return [
            Batch(id=f"db:{batch_id}", rows=rows, source=self.name, meta={"batch_id": batch_id})
            for batch_id, rows in grouped.items()
        ]

    def ack(self, batch: Batch) -> None:
        PendingViews.objects.filter(batch_id=batch.meta["batch_id"]).delete()

    def status(self) -> dict:
        return {
            "backend": self.name,
            "buffered_views": self.buffered(),
            "pending_batches": PendingViews.objects.values("batch_id").distinct().count(),
            "flush_seconds": self.flush_seconds,
        }

    def close(self) -> None:
        self._stopping.set()
        if os.getpid() == self._pid:
            self.flush()

    # --- the flush thread ----------------------------------------------------------------

    def start(self) -> None:
        """Start this process's flush thread if it is not running yet (cheap to call often)."""
        if os.getpid() != self._pid:
            # A forked child must not flush what its parent counted.
            with self._lock:
                self._reset_state()
        if not self.flush_thread or self._thread is not None:
            return
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="rankings-flush", daemon=True)
            self._thread.start()
            # A graceful worker exit (gunicorn's TERM, a restart) writes what is left.
            atexit.register(self._flush_at_exit)

    def _run(self) -> None:
        while not self._stopping.wait(self.flush_seconds):
            try:
                self.flush()
            except Exception:
                logger.exception("rankings: flush thread error")
            finally:
                close_old_connections()

    def _flush_at_exit(self) -> None:
        if os.getpid() == self._pid and not self._stopping.is_set():
            try:
                self.flush()
            except Exception:
                logger.exception("rankings: final flush failed")
