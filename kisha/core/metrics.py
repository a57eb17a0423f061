"""Prometheus exposition at /-/metrics: django-prometheus's request metrics plus Kisha's own.

Kisha's own metrics are read from the database when Prometheus scrapes, not counted in each
process, so every scrape sees the same totals whichever worker answers. Apps add theirs from
`AppConfig.ready()` with `metrics_register(name, collect)`; `collect()` yields prometheus_client
metric families (core keeps the floor plan: it never imports the apps above it).

With PROMETHEUS_MULTIPROC_DIR set, prometheus_client keeps each worker's counters and histograms
in files there and the view sums them (MultiProcessCollector); without it, a scrape sees only the
worker that answered, which is right for one process only (docs/operations.md).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from django.http import HttpRequest, HttpResponse

from .health import scheduler_last_enqueue_age, task_oldest_ready_age, task_ready_count
from .ops import ops_only

logger = logging.getLogger("kisha.metrics")

Collect = Callable[[], Iterable[Metric]]
_collectors: dict[str, Collect] = {}


def metrics_register(name: str, collect: Collect) -> None:
    """Add (or replace) a named source of metrics read at scrape time."""
    _collectors[name] = collect


class KishaCollector:
    """Every registered source; one that fails (a database error) is left out and shows as
    `kisha_metrics_source_up{source="…"} 0` instead of failing the whole scrape."""

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "kisha_metrics_source_up", "1 if the source's metrics were read", labels=["source"]
        )
        for name, collect in sorted(_collectors.items()):
            try:
                families = list(collect())
            except Exception:
                logger.exception("metrics: source %s failed", name)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up


class _ProcessRegistry:
    """The process's default registry as a collector of another registry."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def metrics_exposition() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessRegistry())
    registry.register(KishaCollector())
    return generate_latest(registry)


def _core_metrics() -> Iterable[Metric]:
    lag = task_oldest_ready_age()
    yield GaugeMetricFamily(
        "kisha_tasks_oldest_ready_seconds",
        "Seconds the oldest database task ready to run has waited (0: none waits)",
        value=lag or 0.0,
    )
    yield GaugeMetricFamily(
        "kisha_tasks_ready", "Database tasks ready to run, not yet taken", value=task_ready_count()
    )
    age = scheduler_last_enqueue_age()
    if age is not None:  # absent until kisha_scheduler has run: alert on absent() too
        yield GaugeMetricFamily(
            "kisha_scheduler_last_run_age_seconds",
            "Seconds since kisha_scheduler last enqueued a periodic job",
            value=age,
        )


metrics_register("core", _core_metrics)


@ops_only
def metrics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(metrics_exposition(), content_type=CONTENT_TYPE_LATEST)
