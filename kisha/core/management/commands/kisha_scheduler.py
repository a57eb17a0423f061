"""Publish scheduled pages at their time, and enqueue periodic jobs on their intervals, forever.

Scheduled publishing (kisha.core.scheduling): the loop sleeps until the earliest pending go-live
or expiry (or the next periodic slot), publishes what is due with Wagtail's own
`revision.publish()` under a claim per revision and second, and is woken early when an editor
sets a schedule (PostgreSQL NOTIFY; SQLite looks every KISHA_SCHEDULER_POLL_SECONDS). A
schedule missed while no scheduler ran is due at once when one starts.

Periodic jobs:

An app declares its jobs as `periodic_tasks = {"dotted.task.path": seconds}` on its AppConfig;
settings.KISHA_PERIODIC_TASKS (or the environment variable of the same name) adds jobs or
overrides intervals (0 turns a job off).

django-tasks has no scheduler of its own, and the cron-style add-ons need a newer Python than
Kisha supports, so this is the one small loop Kisha keeps. It only enqueues; `db_worker`
processes do the work (or they run in-process with the immediate backend). Each job runs once
per slot of wall-clock time (the time divided by its interval): the scheduler claims the slot
with a row of its own (`core.PeriodicRun`, unique per job and slot) in the same transaction as
the enqueue, so a second scheduler started by mistake, or one per server, enqueues nothing
twice. A scheduler that was down claims the current slot when it starts.
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

from kisha.core.models import PeriodicRun, ScheduleBackoff
from kisha.core.scheduling import Waiter, schedule_next_due, schedule_publish_due

logger = logging.getLogger("kisha.scheduler")
# Claimed slots are kept this long: enough to see what ran, never a growing table.
KEEP_RUNS = dt.timedelta(days=1)
# Wake this long after a go-live or expiry time, so it is no longer in the future.
DUE_MARGIN = 0.005
# Never sleep less than this between rounds with nothing due, nor less than RETRY_SLEEP after
# a failure (a page that cannot be published is retried, not hammered).
MIN_SLEEP = 0.05
RETRY_SLEEP = 2.0


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
    """Claims older than KEEP_RUNS, and back-offs not retried for as long (their publication
    was cancelled or went out another way; one still failing is retried within the hour)."""
    now = now or timezone.now()
    backoffs = ScheduleBackoff.objects.filter(retry_at__lt=now - KEEP_RUNS).delete()[0]
    return PeriodicRun.objects.filter(enqueued_at__lt=now - KEEP_RUNS).delete()[0] + backoffs


class Command(BaseCommand):
    help = (
        "Publish and unpublish scheduled pages at their time and enqueue the periodic tasks on "
        "their intervals, each once across all schedulers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Enqueue every job once, publish what is due and exit.",
        )

    def handle(self, *args, once: bool = False, **options):
        intervals = periodic_tasks()
        jobs = {path: import_string(path) for path in intervals}
        claimed = dict.fromkeys(jobs, -1)
        stopping = False
        next_prune = 0.0
        waiter = Waiter()

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
            next_due = None
            try:
                done = schedule_publish_due()
                failed = failed or done.failed > 0
                if done.published or done.expired:
                    logger.info("scheduled: %d published, %d expired", done.published, done.expired)
                next_due = schedule_next_due()
            except Exception:  # the database is away: try again shortly
                logger.exception("scheduled publishing failed")
                failed = True
            if once:
                waiter.close()
                return
            if time.monotonic() >= next_prune:
                next_prune = time.monotonic() + 3600
                try:
                    runs_prune()
                except Exception:
                    logger.exception("could not prune old periodic runs")
            close_old_connections()
            self._sleep(
                waiter,
                until=self._wake_time(jobs, intervals, claimed, next_due),
                failed=failed,
                stopping=lambda: stopping,
            )
        waiter.close()

    @staticmethod
    def _wake_time(jobs, intervals, claimed, next_due) -> float:
        """The wall-clock time of the next periodic slot or scheduled publication."""
        times = [(claimed[path] + 1) * intervals[path] for path in jobs]
        if next_due is not None:
            # A hair after the due time, so the comparison with "now" holds when it wakes.
            times.append(next_due.timestamp() + DUE_MARGIN)
        return min(times, default=time.time() + 3600)

    @staticmethod
    def _sleep(waiter: Waiter, *, until: float, failed: bool, stopping) -> None:
        """Sleep until `until` (no longer than the waiter allows without looking at the
        database), waking early on a schedule change or a stop signal."""
        start = time.monotonic()
        longest = max(waiter.longest(), MIN_SLEEP)
        if failed:  # something failed: back off instead of retrying in a tight loop
            until = max(until, time.time() + RETRY_SLEEP)
        deadline = start + min(max(until - time.time(), 0.0), longest)
        while not stopping():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            # In slices of at most a second, so a stop signal ends the command promptly.
            if waiter.wait(min(left, 1.0), time.monotonic()):
                return
