"""Health checks for /-/health/ (django-health-check), and the two ages they and the metrics
share: how long the oldest runnable task has waited and how long ago the scheduler last
enqueued anything.

The library's own checks cover the database, the cache and Redis. Kisha's cache turns Redis
errors into misses, so the library's cache check (set, then get the same value) fails on a dead
Redis rather than passing: a miss never equals the value it wrote (tests/core/test_health.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from asgiref.sync import sync_to_async
from django_tasks_db.models import DBTaskResult, get_date_max
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from django.conf import settings
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.utils import timezone

from .conf import conf
from .models import PeriodicRun
from .ops import ops_only

DATABASE_TASKS = "django_tasks_db.DatabaseBackend"


def tasks_use_database() -> bool:
    return settings.TASKS["default"]["BACKEND"] == DATABASE_TASKS


def task_oldest_ready_age(*, now: dt.datetime | None = None) -> float | None:
    """Seconds the oldest task ready to run has waited for a worker; None when none waits.

    A task is ready from its enqueue or, when it was scheduled for later, from its run_after
    (django-tasks-db stores "no run_after" as the year 9999)."""
    now = now or timezone.now()
    ready_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest(F("enqueued_at"), F("run_after")),
    )
    oldest = DBTaskResult.objects.ready().aggregate(oldest=Min(ready_since))["oldest"]
    return None if oldest is None else max(0.0, (now - oldest).total_seconds())


def task_ready_count() -> int:
    return DBTaskResult.objects.ready().count()


def scheduler_last_enqueue_age(*, now: dt.datetime | None = None) -> float | None:
    """Seconds since kisha_scheduler last claimed a periodic run; None if none is recorded
    (it never ran here, or not for a day: old runs are pruned)."""
    newest = PeriodicRun.objects.order_by("-enqueued_at").values_list("enqueued_at", flat=True)
    latest = newest.first()
    if latest is None:
        return None
    return max(0.0, ((now or timezone.now()) - latest).total_seconds())


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """A task ready for longer than `max_age` seconds: no db_worker is draining the queue."""

    max_age: float = 120

    async def run(self) -> None:
        age = await sync_to_async(task_oldest_ready_age)()
        if age is not None and age > self.max_age:
            raise ServiceUnavailable(
                f"the oldest ready task has waited {age:.0f} s (limit {self.max_age:g} s): "
                "is a db_worker running?"
            )


@dataclasses.dataclass
class Scheduler(HealthCheck):
    """No periodic run within `max_age` seconds: kisha_scheduler is not running."""

    max_age: float = 180

    async def run(self) -> None:
        age = await sync_to_async(scheduler_last_enqueue_age)()
        if age is None:
            raise ServiceUnavailable("no periodic run recorded: is kisha_scheduler running?")
        if age > self.max_age:
            raise ServiceUnavailable(
                f"the last periodic run was {age:.0f} s ago (limit {self.max_age:g} s): "
                "is kisha_scheduler running?"
            )


@dataclasses.dataclass
class Disk(HealthCheck):
    """The file system holding `path` is fuller than `max_used_percent`."""

    path: str = ""
    max_used_percent: float = 90.0

    def run(self) -> None:
        try:
            usage = shutil.disk_usage(self.path)
        except OSError as exc:
            raise ServiceUnavailable(f"cannot read disk usage: {exc.strerror}") from exc
        # Blocks reserved for root count as used: the application cannot write them.
        used = 100.0 * (1 - usage.free / usage.total) if usage.total else 100.0
        if used >= self.max_used_percent:
            raise ServiceUnavailable(
                f"{used:.1f}% used, {usage.free / 2**30:.1f} GiB free "
                f"(limit {self.max_used_percent:g}%)"
            )


def _redis_client_factory(url: str):
    def factory():
        # Imported when a Redis check runs, not at the top: 0.1 s that a site without Redis
        # would pay in every process.
        from redis.asyncio import Redis

        # Short timeouts: a hung Redis should fail the check, not the monitor's request.
        return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)

    return factory


def disk_paths() -> list[str]:
    """MEDIA_ROOT and, on SQLite, the database file's folder (once if on one disk)."""
    paths = [Path(settings.MEDIA_ROOT)]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        paths.append(Path(database["NAME"]).parent)
    unique: list[str] = []
    for path in paths:
        # A folder not made yet is judged by the nearest one that exists.
        while not path.exists() and path != path.parent:
            path = path.parent
        if str(path) not in unique:
            unique.append(str(path))
    return unique


def health_checks() -> list[tuple[str | type[HealthCheck], dict[str, Any]]]:
    """The checks for this configuration, built per request so settings changes apply."""
    checks: list[tuple[str | type[HealthCheck], dict[str, Any]]] = [
        ("health_check.checks.Database", {}),
        ("health_check.checks.Cache", {}),
    ]
    if settings.REDIS_URL:
        checks.append(
            (
                "health_check.contrib.redis.Redis",
                {"client_factory": _redis_client_factory(settings.REDIS_URL)},
            )
        )
    if tasks_use_database():
        checks.append((TaskQueue, {"max_age": float(conf("KISHA_HEALTH_TASK_MAX_AGE"))}))
    checks.append((Scheduler, {"max_age": float(conf("KISHA_HEALTH_SCHEDULER_MAX_AGE"))}))
    limit = float(conf("KISHA_HEALTH_DISK_MAX_USED_PERCENT"))
    checks += [(Disk, {"path": path, "max_used_percent": limit}) for path in disk_paths()]
    return checks


class HealthView(HealthCheckView):
    """200 when every check passes, 500 when any fails; `?format=json` or `text` for machines."""

    @property
    def checks(self):  # type: ignore[override]
        return health_checks()


health = ops_only(HealthView.as_view())
