"""kisha.core.scheduling in one process: what is due when, each publication and expiry done
once under its claim, and the wake channel (PostgreSQL NOTIFY, delivered on commit only).
The real schedulers are tried in tests/core/test_scheduler.py."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from django.db import connection, transaction
from django.utils import timezone

from wagtail.models import PageLogEntry

from kisha.core.models import PeriodicRun
from kisha.core.scheduling import (
    PUBLISH_KEY,
    Waiter,
    schedule_next_due,
    schedule_publish_due,
)
from kisha.news.factories import ArticlePageFactory
from kisha.news.models import ArticlePage
from tests.processes import wagtail_initial_data_restore


def scheduled(world, *, at: dt.datetime, slug: str) -> ArticlePage:
    """An article never published, approved to go live at `at` (as the admin's 公開予定 does)."""
    page = ArticlePageFactory(parent=world, title="予約公開の記事", slug=slug, live=False)
    ArticlePage.objects.filter(pk=page.pk).update(first_published_at=None, last_published_at=None)
    page.refresh_from_db()
    page.go_live_at = at
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live and page.first_published_at is None
    return page


def move_schedule(page, *, at: dt.datetime) -> None:
    """Move an approved schedule to `at` (the admin's 公開予定を設定 again, without the clock
    check), so a test can put a go-live in the past without waiting for it."""
    revision = page.revisions.get(approved_go_live_at__isnull=False)
    revision.content["go_live_at"] = at.isoformat()
    revision.approved_go_live_at = at
    revision.save(update_fields=["content", "approved_go_live_at"])


def expiring(world, *, at: dt.datetime, slug: str) -> ArticlePage:
    page = ArticlePageFactory(parent=world, title="公開終了予定の記事", slug=slug)
    page.expire_at = at
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.live
    return page


def log_count(page, action: str) -> int:
    return PageLogEntry.objects.filter(page=page, action=action).count()


def test_next_due_is_the_earliest_go_live_or_expiry(world):
    now = timezone.now()
    assert schedule_next_due() is None
    scheduled(world, at=now + dt.timedelta(hours=2), slug="later")
    assert abs(schedule_next_due() - (now + dt.timedelta(hours=2))) < dt.timedelta(seconds=1)
    expiring(world, at=now + dt.timedelta(hours=1), slug="expires")
    assert abs(schedule_next_due() - (now + dt.timedelta(hours=1))) < dt.timedelta(seconds=1)


def test_a_due_page_is_published_once_with_one_log_entry(world):
    at = timezone.now() + dt.timedelta(minutes=5)
    page = scheduled(world, at=at, slug="due")
    revisions = page.revisions.count()

    assert schedule_publish_due().published == 0
    assert not ArticlePage.objects.get(pk=page.pk).live

    move_schedule(page, at=timezone.now() - dt.timedelta(milliseconds=10))
    assert schedule_publish_due().published == 1
    assert schedule_publish_due().published == 0
    page.refresh_from_db()
    assert page.live and page.first_published_at is not None
    assert log_count(page, "wagtail.publish.scheduled") == 1
    assert page.revisions.count() == revisions
    assert schedule_next_due() is None


def test_a_publication_claimed_by_another_scheduler_is_left_to_it(world):
    at = timezone.now() - dt.timedelta(seconds=1)
    page = scheduled(world, at=timezone.now() + dt.timedelta(minutes=1), slug="claimed")
    move_schedule(page, at=at)
    revision = page.revisions.get(approved_go_live_at__isnull=False)
    PeriodicRun.objects.create(task=f"{PUBLISH_KEY}:{revision.pk}", slot=int(at.timestamp()))

    assert schedule_publish_due().published == 0
    assert not ArticlePage.objects.get(pk=page.pk).live


def test_a_cancelled_schedule_is_not_published(world):
    at = timezone.now() + dt.timedelta(minutes=1)
    page = scheduled(world, at=at, slug="cancelled")
    move_schedule(page, at=timezone.now() - dt.timedelta(seconds=1))
    page.revisions.update(approved_go_live_at=None)  # the admin's 公開予定を取り消す
    assert schedule_publish_due().published == 0
    assert not ArticlePage.objects.get(pk=page.pk).live
    assert schedule_next_due() is None


def test_an_expired_page_is_unpublished_once(world):
    at = timezone.now() + dt.timedelta(minutes=5)
    page = expiring(world, at=at, slug="expiring")

    assert schedule_publish_due().expired == 0
    ArticlePage.objects.filter(pk=page.pk).update(expire_at=timezone.now())
    assert schedule_publish_due().expired == 1
    assert schedule_publish_due().expired == 0
    page.refresh_from_db()
    assert not page.live and page.expired
    assert log_count(page, "wagtail.unpublish.scheduled") == 1


@pytest.fixture
def postgresql_committed(transactional_db):
    """Committed data (a NOTIFY is delivered on commit) on PostgreSQL, with Wagtail's root back
    after an earlier transactional test's flush."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no wake channel: the scheduler polls (see the next test)")
    wagtail_initial_data_restore()


def test_setting_a_schedule_wakes_a_listening_scheduler_on_commit_only(postgresql_committed, world):
    waiter = Waiter()
    try:
        assert waiter.wait(0.01, 0.0) is False
        assert waiter.listening

        with pytest.raises(RuntimeError), transaction.atomic():
            scheduled(world, at=timezone.now() + dt.timedelta(hours=1), slug="rolled-back")
            raise RuntimeError("the editor's save failed")
        assert waiter.wait(0.5, 0.0) is False

        scheduled(world, at=timezone.now() + dt.timedelta(hours=1), slug="woken")
        assert waiter.wait(5.0, 0.0) is True
        assert waiter.longest() == waiter.recheck
    finally:
        waiter.close()


def test_a_lost_wake_channel_falls_back_to_polling_and_listens_again(
    postgresql_committed, settings
):
    settings.KISHA_SCHEDULER_RETRY_SECONDS = 0.5
    waiter = Waiter()
    try:
        waiter.wait(0.01, time.monotonic())
        assert waiter.listening
        with connection.cursor() as cursor:  # the database drops the listening connection
            cursor.execute("SELECT pg_terminate_backend(%s)", [waiter._conn.info.backend_pid])
        assert waiter.wait(2.0, time.monotonic()) is False
        assert not waiter.listening
        assert waiter.longest() == settings.KISHA_SCHEDULER_POLL_SECONDS
        time.sleep(0.6)
        waiter.wait(0.01, time.monotonic())
        assert waiter.listening
    finally:
        waiter.close()


def test_sqlite_has_no_wake_channel_and_polls(db, settings):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL listens (the tests above)")
    settings.KISHA_SCHEDULER_POLL_SECONDS = 0.5
    waiter = Waiter()
    assert waiter.wait(0.01, time.monotonic()) is False
    assert not waiter.listening
    assert waiter.longest() == 0.5
