"""Redis killed, frozen or absent under two real gunicorn workers: readers keep getting pages
and beacons keep counting (uncached, slower), and both recover by themselves when it returns.

Was: with REDIS_URL set, killing Redis answered 1,719 of 1,730 page requests with a 500, and
after a reload with Redis still down every beacon was refused as "unknown page".
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from kisha.rankings.models import PendingViews
from tests.processes import wagtail_initial_data_restore

from .test_workers import beacon

pytestmark = pytest.mark.usefixtures("wagtail_initial_data")


@pytest.fixture
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def reader_paths(article, world) -> list[str]:
    return [
        article.url,
        "/",
        world.url,
        "/search/?q=非核化",
        "/api/rankings/",
        "/fragments/rankings/",
        "/fragments/ticker/",
    ]


def redis_keys(url: str) -> int:
    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        return client.dbsize()
    finally:
        client.close()


def beacons(server, page_id: int, count: int) -> list[int]:
    with ThreadPoolExecutor(8) as pool:
        return list(
            pool.map(
                lambda n: beacon(server, page_id, reader=uuid.uuid4().hex),
                range(count),
            )
        )


def test_a_killed_redis_costs_speed_not_pages_or_views(app_server, own_redis, article, world):
    server = app_server(REDIS_URL=own_redis.url)
    paths = reader_paths(article, world)
    assert {r.status_code for r in server.get_many(paths * 4)} == {200}
    assert redis_keys(own_redis.url) > 0  # pages and fragments were cached in Redis
    assert set(beacons(server, article.id, 10)) == {204}

    own_redis.kill()
    statuses = [r.status_code for r in server.get_many(paths * 20)]
    assert statuses.count(200) == len(statuses), sorted(set(statuses))
    assert set(beacons(server, article.id, 20)) == {204}

    own_redis.start()  # same port, same append-only file
    time.sleep(2.5)  # the cache's circuit breaker lets a request try Redis again
    assert {r.status_code for r in server.get_many(paths * 4)} == {200}
    assert redis_keys(own_redis.url) > 0
    assert set(beacons(server, article.id, 5)) == {204}

    server.stop()  # a graceful stop writes each worker's fallback buffer
    # Before and after the outage the counts sit in Redis hour buckets; during it, in the
    # workers' buffers, now in the database. Nothing is lost or counted twice.
    client = redis.Redis.from_url(own_redis.url)
    in_redis = sum(
        int(v) for key in client.scan_iter("kisha:rankings:h:*") for v in client.hvals(key)
    )
    client.close()
    in_database = sum(PendingViews.objects.values_list("views", flat=True))
    assert in_redis + in_database == 35
    assert in_database >= 20  # the outage's views (and any before the counter's breaker closed)
    assert in_redis >= 10


def test_workers_started_while_redis_is_down_serve_and_count(app_server, own_redis, article, world):
    url = own_redis.url
    own_redis.kill()
    server = app_server(REDIS_URL=url)
    assert {r.status_code for r in server.get_many(reader_paths(article, world) * 4)} == {200}
    assert set(beacons(server, article.id, 12)) == {204}
    server.stop()
    assert sum(PendingViews.objects.values_list("views", flat=True)) == 12


def test_a_frozen_redis_costs_one_timeout_per_worker_not_one_per_call(
    app_server, own_redis, article, world
):
    server = app_server(REDIS_URL=own_redis.url, KISHA_CACHE_BREAKER_SECONDS="30")
    paths = reader_paths(article, world)
    server.get_many(paths * 2)
    own_redis.freeze()
    try:
        started = time.monotonic()
        statuses = [r.status_code for r in server.get_many(paths * 6)]
        elapsed = time.monotonic() - started
    finally:
        own_redis.thaw()
    assert statuses.count(200) == len(statuses)
    # 42 requests of several cache calls each; without the breaker each call would wait for
    # the 0.25 s socket timeout (over 10 s in all). Generous bound for a busy machine.
    assert elapsed < 8, elapsed
