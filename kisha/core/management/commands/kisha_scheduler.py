"""Enqueue periodic jobs on their intervals, forever.

An app declares its jobs as `periodic_tasks = {"dotted.task.path": seconds}` on its AppConfig;
settings.KISHA_PERIODIC_TASKS (or the environment variable of the same name) adds jobs or
overrides intervals (0 turns a job off).

django-tasks has no scheduler of its own, and the cron-style add-ons need a newer Python than
Kisha supports, so this is the one small loop Kisha keeps. It only enqueues; `db_worker`
processes do the work (or they run in-process with the immediate backend). Each job runs once
per slot of wall-clock time (the time divided by its interval): the scheduler claims the slot
with a row of its own (`core.PeriodicRun`, unique per job and slot) in the same transaction as
the enqueue, so a second scheduler started by mistake, or one per server, enqueues nothing
twice. A scheduler that was down claims the current slot when it starts, so a missed schedule
(a page that should have gone live meanwhile) fires on restart.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from kisha.core.models import PeriodicRun

logger = logging.getLogger("kisha.scheduler")
# Claimed slots are kept this long: enough to see what ran, never a growing table.
KEEP_RUNS = dt.timedelta(days=1)


def periodic_tasks() -> dict[str, int]:
    """Every periodic job with its interval in seconds: the apps' own, then the settings'."""
    intervals: dict[str, int] = {}
    for app_config in apps.get_app_configs():
        intervals.update(getattr(app_config, "periodic_tasks", {}))
    intervals.update(getattr(settings, "KISHA_PERIODIC_TASKS", {}))
    return {path: seconds for path, seconds in intervals.items() if seconds and seconds > 0}


def slot_claim(*, path: str, slot: int, job) -> bool:
    """Enqueue `job` for `slot` unless another scheduler already did; True when this one did."""
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(task=path, slot=slot)
            job.enqueue()
    except IntegrityError:
        return False
    return True


def runs_prune(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return PeriodicRun.objects.filter(enqueued_at__lt=now - KEEP_RUNS).delete()[0]


class Command(BaseCommand):
    help = "Enqueue the periodic tasks on their intervals, once per slot across all schedulers."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue every job once and exit.")

    def handle(self, *args, once: bool = False, **options):
        intervals = periodic_tasks()
        jobs = {path: import_string(path) for path in intervals}
        claimed = dict.fromkeys(jobs, -1)
        stopping = False
        next_prune = 0.0

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"kisha_scheduler: {len(jobs)} periodic jobs", ending="\n")
        self.stdout.flush()
        while not stopping:
            failed = False
            now = time.time()
            for path, job in jobs.items():
                slot = int(now // intervals[path])
                if slot <= claimed[path]:
                    continue
                claimed[path] = slot
                try:
                    slot_claim(path=path, slot=slot, job=job)
                except Exception:  # one failing job (or a database restart) must not stop the rest
                    logger.exception("periodic job %s failed to enqueue", path)
                    claimed[path] = slot - 1  # try this slot again on the next tick
                    failed = True
                    close_old_connections()
            if once:
                return
            if time.monotonic() >= next_prune:
                next_prune = time.monotonic() + 3600
                try:
                    runs_prune()
                except Exception:
                    logger.exception("could not prune old periodic runs")
            close_old_connections()
            upcoming = min(
                ((claimed[path] + 1) * intervals[path] for path in jobs), default=now + 1
            )
            time.sleep(1.0 if failed else min(max(0.05, upcoming - time.time()), 1.0))
