"""The scheduler and the task worker as production runs them (`kisha_scheduler`, `db_worker`
with the database task back end), on the test database: scheduled pages go live, the wire poll
and the rankings fold run, each once per slot even with two schedulers started by mistake, and a
schedule missed while the scheduler was down fires when it starts again."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django_tasks_db.models import DBTaskResult

from django.utils import timezone

from kisha.core.management.commands.kisha_scheduler import runs_prune
from kisha.core.models import PeriodicRun
from kisha.news.factories import ArticlePageFactory
from kisha.news.models import ArticlePage
from tests.processes import wagtail_initial_data_restore

PUBLISH = "kisha.news.tasks.publish_scheduled_pages"
FOLD = "kisha.rankings.tasks.fold_views"
POLL = "kisha.wire.tasks.wire_poll_due_sources"
INTERVALS = {PUBLISH: 1, FOLD: 2, POLL: 2}
# Only these jobs, at short intervals; every other job off.
ONLY_THESE = ",".join(
    [f"{path}={seconds}" for path, seconds in INTERVALS.items()]
    + [
        "kisha.rankings.tasks.refresh_rankings=0",
        "kisha.rankings.tasks.prune_views=0",
        "kisha.wire.tasks.wire_prune_old_runs=0",
        "kisha.wire.tasks.wire_prune_old_items=0",
    ]
)


@pytest.fixture(autouse=True)
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def scheduled_article(world, *, at: dt.datetime) -> ArticlePage:
    page = ArticlePageFactory(parent=world, title="予約公開の記事", slug=f"scheduled-{at:%H%M%S%f}")
    page.unpublish()
    page.go_live_at = at
    revision = page.save_revision()
    revision.publish()  # a future go-live: approved for then, not live now
    page.refresh_from_db()
    assert not page.live
    return page


def wait_until(condition, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def is_live(page: ArticlePage) -> bool:
    return ArticlePage.objects.filter(pk=page.pk, live=True).exists()


def test_two_schedulers_and_a_worker_run_each_job_once_per_slot(manage_process, world):
    env = {"KISHA_TASKS": "database", "KISHA_PERIODIC_TASKS": ONLY_THESE}
    page = scheduled_article(world, at=timezone.now() + dt.timedelta(seconds=4))
    worker = manage_process("db_worker", "--interval", "0.2", "--no-startup-delay", **env)
    schedulers = [manage_process("kisha_scheduler", **env) for _ in range(2)]

    assert wait_until(lambda: is_live(page), timeout=40), worker.output()
    time.sleep(4)
    for scheduler in schedulers:
        scheduler.stop()
    # let the worker finish what was enqueued
    assert wait_until(
        lambda: not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists(),
        timeout=30,
    )
    worker.stop()

    for path, interval in INTERVALS.items():
        results = list(DBTaskResult.objects.filter(task_path=path))
        slots = [int(r.enqueued_at.timestamp() // interval) for r in results]
        assert len(results) >= 2, path
        assert len(set(slots)) == len(slots), f"{path} ran twice in one slot"
        assert {r.status for r in results} == {"SUCCESSFUL"}, [
            r.exception_class_path for r in results
        ]
        assert PeriodicRun.objects.filter(task=path).count() == len(results)


def test_a_schedule_missed_while_the_scheduler_was_down_fires_on_restart(manage_process, world):
    env = {"KISHA_TASKS": "database", "KISHA_PERIODIC_TASKS": ONLY_THESE}
    worker = manage_process("db_worker", "--interval", "0.2", "--no-startup-delay", **env)
    page = scheduled_article(world, at=timezone.now() + dt.timedelta(seconds=1))
    time.sleep(2)  # its time passes with no scheduler running
    assert not is_live(page)
    manage_process("kisha_scheduler", **env)
    assert wait_until(lambda: is_live(page), timeout=40), worker.output()


def test_old_claims_are_pruned(db):
    run = PeriodicRun.objects.create(task=FOLD, slot=1)
    PeriodicRun.objects.filter(pk=run.pk).update(enqueued_at=timezone.now() - dt.timedelta(days=2))
    PeriodicRun.objects.create(task=FOLD, slot=2)
    assert runs_prune() == 1
    assert list(PeriodicRun.objects.values_list("slot", flat=True)) == [2]


def test_a_slot_is_claimed_once(db):
    from kisha.core.management.commands.kisha_scheduler import slot_claim

    class Job:
        enqueued = 0

        def enqueue(self):
            Job.enqueued += 1

    assert slot_claim(path=FOLD, slot=7, job=Job()) is True
    assert slot_claim(path=FOLD, slot=7, job=Job()) is False
    assert Job.enqueued == 1
