"""Folding counted views into the durable tables: exactly once, even when interrupted."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from kisha.rankings.backends.base import Batch
from kisha.rankings.factories import DailyViewsFactory, HourlyViewsFactory
from kisha.rankings.models import DailyViews, FoldedBatch, HourlyViews, PendingViews
from kisha.rankings.services import batch_apply, rankings_fold, rankings_prune

pytestmark = pytest.mark.django_db

# 23:30 UTC on 1 Dec is 08:30 JST on 2 Dec.
NOW = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)


def record(counter, page_id, *, readers=1, now=NOW, address="203.0.113.1"):
    for _ in range(readers):
        counter.record(page_id=page_id, reader=uuid.uuid4().hex, address=address, now=now)


def hourly() -> dict:
    return {
        (row.page_id, row.hour.astimezone(dt.timezone(dt.timedelta(hours=9))).hour): row.views
        for row in HourlyViews.objects.all()
    }


def total_views() -> int:
    return sum(HourlyViews.objects.values_list("views", flat=True))


@pytest.fixture(params=["database", "redis"])
def counter(request):
    return request.getfixturevalue("db_counter" if request.param == "database" else "redis_counter")


def test_views_land_in_the_jst_hour_and_day(counter, articles):
    a, b = articles[0], articles[1]
    record(counter, a.id, readers=3)
    record(counter, b.id, readers=2)
    record(counter, a.id, readers=1, now=NOW + dt.timedelta(hours=1))
    result = rankings_fold(backend=counter)
    assert result.views == 6
    assert hourly() == {(a.id, 8): 3, (b.id, 8): 2, (a.id, 9): 1}
    days = {(r.page_id, r.day): r.views for r in DailyViews.objects.all()}
    assert days == {(a.id, dt.date(2026, 12, 2)): 4, (b.id, dt.date(2026, 12, 2)): 2}
    assert PendingViews.objects.count() == 0


def test_folding_twice_adds_nothing_the_second_time(counter, articles):
    record(counter, articles[0].id, readers=4)
    rankings_fold(backend=counter)
    assert rankings_fold(backend=counter).views == 0
    assert total_views() == 4


def test_folds_accumulate_into_the_same_rows(counter, articles):
    record(counter, articles[0].id, readers=2)
    rankings_fold(backend=counter)
    record(counter, articles[0].id, readers=3)
    rankings_fold(backend=counter)
    assert hourly() == {(articles[0].id, 8): 5}
    assert DailyViews.objects.get().views == 5


def test_a_crash_between_writing_and_clearing_never_counts_twice(counter, articles):
    """Interrupt the fold after the counts are committed but before the batches are cleared
    from the back end: the next fold recognises the batch ids and only clears them."""
    record(counter, articles[0].id, readers=5)
    counter.flush()
    claimed = counter.batches()
    assert claimed
    for batch in claimed:
        assert batch_apply(batch=batch)
    # ... the process dies here: no ack ...
    record(counter, articles[0].id, readers=2)  # life goes on
    result = rankings_fold(backend=counter)
    assert result.skipped == len(claimed)
    assert total_views() == 7
    assert counter.batches() == []


def test_a_crash_after_claiming_but_before_writing_loses_nothing(counter, articles):
    record(counter, articles[1].id, readers=3)
    counter.flush()
    assert counter.batches()  # claimed, then the process dies before applying
    rankings_fold(backend=counter)
    assert total_views() == 3


def test_a_failing_write_leaves_the_batch_for_the_next_fold(counter, articles, monkeypatch):
    from kisha.rankings import services

    record(counter, articles[2].id, readers=2)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_upsert", broken)
    with pytest.raises(RuntimeError):
        rankings_fold(backend=counter)
    assert FoldedBatch.objects.count() == 0  # the transaction rolled back with the counts
    monkeypatch.undo()
    rankings_fold(backend=counter)
    assert total_views() == 2


def test_a_batch_applied_by_a_concurrent_fold_is_skipped(db, articles):
    hour = dt.datetime(2026, 12, 2, 8, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    batch = Batch(id="redis:abc:2026120208", rows=[(articles[0].id, hour, 4)])
    assert batch_apply(batch=batch)
    assert not batch_apply(batch=batch)
    assert total_views() == 4


def test_redis_views_after_a_claim_start_a_fresh_bucket(redis_counter, articles):
    record(redis_counter, articles[0].id, readers=2)
    claimed = redis_counter.batches()
    record(redis_counter, articles[0].id, readers=3)  # arrives after the claim
    for batch in claimed:
        batch_apply(batch=batch)
        redis_counter.ack(batch)
    assert total_views() == 2
    rankings_fold(backend=redis_counter)
    assert total_views() == 5


def test_redis_hour_buckets_expire(redis_counter, articles):
    record(redis_counter, articles[0].id)
    key = f"{redis_counter.prefix}:h:2026120208"
    ttl = redis_counter.client.ttl(key)
    assert 0 < ttl <= redis_counter.bucket_ttl


def test_the_database_buffer_keeps_views_when_a_flush_fails(db_counter, articles, monkeypatch):
    from kisha.rankings.models import PendingViews as Model

    record(db_counter, articles[0].id, readers=3)

    def broken(*args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(Model.objects, "bulk_create", broken)
    assert db_counter.flush() == 0
    assert db_counter.buffered() == 3
    monkeypatch.undo()
    assert db_counter.flush() == 3
    assert db_counter.buffered() == 0


def test_the_fallback_limits_forget_old_readers_first(articles):
    """While the shared cache is down the limits live in the process, bounded in memory."""
    from kisha.rankings.backends.base import Outcome
    from kisha.rankings.limits import LocalLimits

    limits = LocalLimits(dedupe_seconds=1800, rate_limit=30, rate_window=3600, max_tracked=3)
    readers = [uuid.uuid4().hex for _ in range(4)]
    for reader in readers:
        outcome = limits.check(page_id=articles[0].id, reader=reader, address="a", slot=1)
        assert outcome is Outcome.COUNTED
    assert len(limits._seen) == 3
    assert (articles[0].id, readers[0]) not in limits._seen


def test_prune_deletes_only_old_rows(db, articles):
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    HourlyViewsFactory(page_id=1, hour=now - dt.timedelta(days=60), views=1)
    HourlyViewsFactory(page_id=1, hour=now - dt.timedelta(days=3), views=1)
    DailyViewsFactory(page_id=1, day=dt.date(2024, 1, 1), views=1)
    DailyViewsFactory(page_id=1, day=dt.date(2026, 11, 30), views=1)
    assert rankings_prune(now=now) == {"hourly": 1, "daily": 1, "batches": 0}
    assert HourlyViews.objects.count() == 1
    assert DailyViews.objects.count() == 1


def test_deleting_an_article_deletes_its_counts(db, articles):
    HourlyViewsFactory(page_id=articles[0].id, hour=NOW, views=3)
    DailyViewsFactory(page_id=articles[0].id, day=NOW.date(), views=3)
    articles[0].delete()
    assert not HourlyViews.objects.exists()
    assert not DailyViews.objects.exists()
