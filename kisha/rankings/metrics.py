"""Process counters for what the beacon did with each view, summed into the database.

Each process counts in memory (no I/O on the beacon path) and adds its counts to CounterMetric
when its buffer flushes, so the totals cover every worker; `manage.py rankings_status` and the
admin panel show them. A Redis fallback or a dropped view is therefore visible within one flush.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter

from prometheus_client.core import CounterMetricFamily

from django.db import transaction
from django.db.models import F

from .models import CounterMetric

logger = logging.getLogger("kisha.rankings")

NAMES = (
    "counted",
    "duplicate",
    "rate_limited",
    "bot",
    "prefetch",
    "rejected",
    "redis_fallback",
    "redis_errors",
    "dropped",
    "flush_failed",
)

_lock = threading.Lock()
_counts: Counter[str] = Counter()


def metrics_incr(name: str, amount: int = 1) -> None:
    with _lock:
        _counts[name] += amount


def metrics_snapshot() -> dict[str, int]:
    """This process's counts not yet written to the database."""
    with _lock:
        return dict(_counts)


def metrics_flush() -> None:
    """Add this process's counts to the database totals; on failure keep them for next time."""
    with _lock:
        taken = dict(_counts)
        _counts.clear()
    if not taken:
        return
    try:
        with transaction.atomic():
            for name, amount in sorted(taken.items()):
                updated = CounterMetric.objects.filter(name=name).update(value=F("value") + amount)
                if not updated:
                    CounterMetric.objects.create(name=name, value=amount)
    except Exception:
        logger.warning("rankings: could not write counters; keeping them for the next flush")
        with _lock:
            _counts.update(taken)


def metrics_stored_totals() -> dict[str, int]:
    """Totals every process has flushed to the database: the same whichever process asks."""

    totals = dict.fromkeys(NAMES, 0)
    for name, value in CounterMetric.objects.values_list("name", "value"):
        totals[name] = totals.get(name, 0) + value
    return totals


def metrics_totals() -> dict[str, int]:
    """Totals across processes (database) plus this process's unflushed counts."""
    totals = metrics_stored_totals()
    for name, value in metrics_snapshot().items():
        totals[name] = totals.get(name, 0) + value
    return totals


def metrics_prometheus():
    """The durable beacon totals for /-/metrics (kisha.core.metrics), one counter by outcome.
    Unflushed counts are left out so that every worker answers a scrape alike."""
    family = CounterMetricFamily(
        "kisha_rankings_beacons",
        "What the view beacon did with each view, flushed from every worker",
        labels=["outcome"],
    )
    for name, value in sorted(metrics_stored_totals().items()):
        family.add_metric([name], value)
    yield family
