"""Enqueue periodic jobs on their intervals, forever.

An app declares its jobs as `periodic_tasks = {"dotted.task.path": seconds}` on its AppConfig;
settings.KISHA_PERIODIC_TASKS adds jobs or overrides intervals (0 turns a job off).

django-tasks has no scheduler of its own, and the cron-style add-ons need a newer Python than
Kisha supports, so this is the one small loop Kisha keeps. Run exactly one per site: it only
enqueues; `db_worker` processes do the work (or they run in-process with the immediate backend).
"""

from __future__ import annotations

import logging
import signal
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

logger = logging.getLogger("kisha.scheduler")


def periodic_tasks() -> dict[str, int]:
    """Every periodic job with its interval in seconds: the apps' own, then the settings'."""
    intervals: dict[str, int] = {}
    for app_config in apps.get_app_configs():
        intervals.update(getattr(app_config, "periodic_tasks", {}))
    intervals.update(getattr(settings, "KISHA_PERIODIC_TASKS", {}))
    return {path: seconds for path, seconds in intervals.items() if seconds and seconds > 0}


class Command(BaseCommand):
    help = "Enqueue the periodic tasks in KISHA_PERIODIC_TASKS on their intervals."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue every job once and exit.")

    def handle(self, *args, once: bool = False, **options):
        intervals = periodic_tasks()
        jobs = {path: import_string(path) for path in intervals}
        next_run = dict.fromkeys(jobs, 0.0)
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"kisha_scheduler: {len(jobs)} periodic jobs")
        while not stopping:
            now = time.monotonic()
            for path, job in jobs.items():
                if now < next_run[path]:
                    continue
                next_run[path] = now + intervals[path]
                try:
                    job.enqueue()
                except Exception:  # one failing job must not stop the others
                    logger.exception("periodic job %s failed to enqueue", path)
            if once:
                return
            time.sleep(max(0.2, min(next_run.values()) - time.monotonic()))
