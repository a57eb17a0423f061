"""The scheduler and the task worker as production runs them (`kisha_scheduler`, `db_worker`
with the database task back end), on the test database: scheduled pages go live and expire
within two seconds of their time, once, with two schedulers started by mistake; schedules
missed while no scheduler ran fire once when one starts again; the wire poll and the rankings
fold run once per slot."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django_tasks_db.models import DBTaskResult

from django.utils import timezone

from wagtail.models import PageLogEntry

from kisha.core.management.commands.kisha_scheduler import periodic_tasks, runs_prune
from kisha.core.models import PeriodicRun
from kisha.news.factories import ArticlePageFactory
from kisha.news.models import ArticlePage
from tests.processes import wagtail_initial_data_restore

FOLD = "kisha.rankings.tasks.fold_views"
POLL = "kisha.wire.tasks.wire_poll_due_sources"
INTERVALS = {FOLD: 1, POLL: 2}


def jobs_env(only: dict[str, int]) -> str:
    """KISHA_PERIODIC_TASKS with only these jobs, at these intervals; every other job off."""
    return ",".join(
        [f"{path}={seconds}" for path, seconds in only.items()]
        + [f"{path}=0" for path in periodic_tasks() if path not in only]
    )


# Two schedulers of scheduled pages alone: no periodic job wakes them, and on PostgreSQL they
# look at the database on their own only every minute, so a page scheduled while they sleep
# goes live on time only if the wake channel works.
ALONE = {"KISHA_SCHEDULER_RECHECK_SECONDS": "60"}


@pytest.fixture(autouse=True)
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def scheduled_article(world, *, at: dt.datetime, slug: str) -> ArticlePage:
    """An article never published, approved to go live at `at`, as the admin's 公開予定 does."""
    page = ArticlePageFactory(parent=world, title="予約公開の記事", slug=slug, live=False)
    ArticlePage.objects.filter(pk=page.pk).update(first_published_at=None, last_published_at=None)
    page.refresh_from_db()
    page.go_live_at = at
    page.save_revision().publish()  # a future go-live: approved for then, not live now
    page.refresh_from_db()
    assert not page.live
    return page


def wait_until(condition, *, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def is_live(page: ArticlePage) -> bool:
    return ArticlePage.objects.filter(pk=page.pk, live=True).exists()


def started(process) -> bool:
    return "kisha_scheduler:" in process.output()


def schedulers(manage_process, count: int, **env: str):
    running = [
        manage_process("kisha_scheduler", **{**env, "KISHA_PERIODIC_TASKS": jobs_env({})})
        for _ in range(count)
    ]
    assert wait_until(lambda: all(started(p) for p in running), timeout=60), running[0].output()
    return running


def lateness(page: ArticlePage) -> float:
    """Seconds from the page's go-live time to its publication (Wagtail's own timestamp)."""
    page.refresh_from_db()
    return (page.first_published_at - page.go_live_at).total_seconds()


def test_two_schedulers_publish_each_scheduled_page_once_within_two_seconds(manage_process, world):
    running = schedulers(manage_process, 2, **ALONE)
    time.sleep(1)  # both asleep, with nothing scheduled
    # Scheduled while they sleep: the save wakes them (PostgreSQL) or their poll finds it.
    # Each go-live 5 s after its own save: saving takes seconds on a busy machine, and a
    # go-live already past when saved would be published by the save, not the scheduler.
    pages = [
        scheduled_article(world, at=timezone.now() + dt.timedelta(seconds=5), slug=f"s{i}")
        for i in range(4)
    ]
    revisions = {page.pk: page.revisions.count() for page in pages}
    assert wait_until(lambda: all(is_live(p) for p in pages), timeout=20), running[0].output()
    time.sleep(1)  # a second publication, if any, would be logged by now

    for page in pages:
        assert 0 <= lateness(page) < 2.0, lateness(page)
        assert (
            PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").count() == 1
        )
        assert page.revisions.count() == revisions[page.pk]
    for process in running:
        assert "Traceback" not in process.output(), process.output()


def test_a_scheduled_expiry_unpublishes_once_within_two_seconds(manage_process, world):
    running = schedulers(manage_process, 2, **ALONE)
    page = ArticlePageFactory(parent=world, title="公開終了予定の記事", slug="expiring")
    page.expire_at = timezone.now() + dt.timedelta(seconds=3)
    page.save_revision().publish()
    assert wait_until(lambda: not is_live(page), timeout=20), running[0].output()
    unpublished = PageLogEntry.objects.get(page=page, action="wagtail.unpublish.scheduled")
    late = (unpublished.timestamp - page.expire_at).total_seconds()
    assert 0 <= late < 2.0, late
    time.sleep(1)
    assert PageLogEntry.objects.filter(page=page, action="wagtail.unpublish.scheduled").count() == 1
    page.refresh_from_db()
    assert page.expired


def test_schedules_missed_while_no_scheduler_ran_fire_once_on_restart(manage_process, world):
    first = schedulers(manage_process, 1, **ALONE)[0]
    page = scheduled_article(world, at=timezone.now() + dt.timedelta(seconds=30), slug="missed")
    ending = ArticlePageFactory(parent=world, title="公開終了予定の記事", slug="ending")
    ending.expire_at = timezone.now() + dt.timedelta(seconds=30)
    ending.save_revision().publish()
    first.stop()  # down across both times

    # Move both times into the past while no scheduler runs.
    past = timezone.now() - dt.timedelta(seconds=1)
    revision = page.revisions.get(approved_go_live_at__isnull=False)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    ArticlePage.objects.filter(pk=ending.pk).update(expire_at=past)
    time.sleep(1)
    assert not is_live(page) and is_live(ending)

    running = schedulers(manage_process, 2, **ALONE)
    assert wait_until(lambda: is_live(page) and not is_live(ending), timeout=20), running[
        0
    ].output()
    time.sleep(1)
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").count() == 1
    assert (
        PageLogEntry.objects.filter(page=ending, action="wagtail.unpublish.scheduled").count() == 1
    )


def test_two_schedulers_and_a_worker_run_each_periodic_job_once_per_slot(manage_process, world):
    env = {"KISHA_TASKS": "database", "KISHA_PERIODIC_TASKS": jobs_env(INTERVALS)}
    worker = manage_process("db_worker", "--interval", "0.2", "--no-startup-delay", **env)
    running = [manage_process("kisha_scheduler", **env) for _ in range(2)]
    assert wait_until(lambda: all(started(p) for p in running), timeout=60)
    time.sleep(6)
    for scheduler in running:
        scheduler.stop()
    # let the worker finish what was enqueued
    assert wait_until(
        lambda: not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists(),
        timeout=30,
    )
    worker.stop()

    for path in INTERVALS:
        results = list(DBTaskResult.objects.filter(task_path=path))
        # The slot each run claimed (not the task's enqueue time: on a loaded machine a run
        # claimed at the end of one slot is enqueued in the next, beside that slot's own).
        slots = list(PeriodicRun.objects.filter(task=path).values_list("slot", flat=True))
        assert len(results) >= 2, path
        assert len(set(slots)) == len(slots), f"{path} ran twice in one slot"
        assert {r.status for r in results} == {"SUCCESSFUL"}, [
            r.exception_class_path for r in results
        ]
        assert len(slots) == len(results)  # one task per claimed slot, none unclaimed


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


def test_a_page_that_always_fails_to_publish_backs_off_and_holds_up_nothing(manage_process, world):
    from kisha.core.models import ScheduleBackoff
    from kisha.core.scheduling import PUBLISH_KEY

    running = schedulers(manage_process, 1, **ALONE)
    start = timezone.now()
    broken = scheduled_article(world, at=start + dt.timedelta(seconds=2), slug="broken")
    revision = broken.revisions.get(approved_go_live_at__isnull=False)
    revision.content["title"] = None  # page.save() refuses it: the publication always fails
    revision.save(update_fields=["content"])
    fine = scheduled_article(world, at=start + dt.timedelta(seconds=4), slug="fine")
    key = f"{PUBLISH_KEY}:{revision.pk}"

    assert wait_until(lambda: is_live(fine), timeout=20), running[0].output()
    assert lateness(fine) < 2.0
    # From the first failure (about 2 s in), 16 s more: tries at +0, +2, +6 and +14 s with the
    # back-off, where a retry every 2 s would have made nine.
    assert wait_until(lambda: ScheduleBackoff.objects.filter(key=key).exists(), timeout=20)
    time.sleep(16)
    row = ScheduleBackoff.objects.get(key=key)
    tries = running[0].output().count(f"scheduled publication of revision {revision.pk} failed")
    assert 3 <= row.failures <= 5, (row.failures, running[0].output())
    assert tries == row.failures
    assert row.retry_at > timezone.now()
    assert "ValidationError" in row.error
    assert not is_live(broken)

    # The editor fixes the page (a new scheduled revision): it goes out at its time.
    broken.refresh_from_db()
    broken.go_live_at = timezone.now() + dt.timedelta(seconds=3)
    broken.save_revision().publish()  # Wagtail drops the earlier schedule
    assert wait_until(lambda: is_live(broken), timeout=20), running[0].output()
    assert lateness(broken) < 2.0
    assert PageLogEntry.objects.filter(page=broken, action="wagtail.publish.scheduled").count() == 1


def test_the_back_off_doubles_up_to_an_hour_and_old_ones_are_pruned(db):
    from kisha.core.models import ScheduleBackoff
    from kisha.core.scheduling import backoff_delay

    assert [backoff_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [2, 4, 8, 16]
    assert backoff_delay(30).total_seconds() == 3600
    now = timezone.now()
    ScheduleBackoff.objects.create(key="old", failures=3, retry_at=now - dt.timedelta(days=2))
    ScheduleBackoff.objects.create(key="current", failures=12, retry_at=now + dt.timedelta(hours=1))
    assert runs_prune(now=now) == 1
    assert list(ScheduleBackoff.objects.values_list("key", flat=True)) == ["current"]
