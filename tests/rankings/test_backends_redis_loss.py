"""How many views a hard Redis crash can lose (issue 10, docs/operations.md): with no
persistence, the views counted since the last fold (KISHA_RANKINGS fold every 15 s); with an
append-only file synced on every write, none."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from kisha.rankings.backends.database import DatabaseCounter
from kisha.rankings.backends.redis import RedisCounter
from kisha.rankings.models import HourlyViews
from kisha.rankings.services import rankings_fold
from tests.processes import OwnRedis

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 29, 3, 0, tzinfo=dt.UTC)


def record(counter, page_id: int, views: int) -> None:
    for _ in range(views):
        counter.record(page_id=page_id, reader=uuid.uuid4().hex, address="203.0.113.9", now=NOW)


def durable() -> int:
    return sum(HourlyViews.objects.values_list("views", flat=True))


def counter_on(redis: OwnRedis) -> RedisCounter:
    return RedisCounter(
        url=redis.url,
        prefix="loss",
        timeout=0.5,
        rate_limit=1000,
        breaker_seconds=0.0,
        fallback=DatabaseCounter(flush_thread=False),
    )


@pytest.mark.parametrize(("persistent", "lost"), [(False, 7), (True, 0)])
def test_a_hard_crash_loses_at_most_the_views_since_the_last_fold(
    tmp_path, article, persistent, lost
):
    redis = OwnRedis(tmp_path, persistent=persistent)
    redis.start()
    counter = counter_on(redis)
    try:
        record(counter, article.id, 10)
        rankings_fold(backend=counter)
        assert durable() == 10
        record(counter, article.id, 7)  # counted in Redis, not folded yet
        redis.kill()
        redis.start()
        rankings_fold(backend=counter)
        assert durable() == 17 - lost
        record(counter, article.id, 3)
        rankings_fold(backend=counter)
        assert durable() == 20 - lost
        assert counter.fallback.buffered() == 0
    finally:
        counter.client.close()
        redis.kill()
