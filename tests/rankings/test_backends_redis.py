"""Redis stopped, killed or hung while readers read: pages render, the beacon answers fast and
falls back visibly, and after Redis returns nothing is counted twice.

Runs against a redis-server this test starts on a free port and kills (never the shared one:
the `own_redis` fixture of tests/processes.py), with an append-only file so a restart keeps what
Redis had acknowledged.
"""

from __future__ import annotations

import time

import pytest

from django.test import Client

from kisha.rankings import backends
from kisha.rankings.backends.database import DatabaseCounter
from kisha.rankings.backends.redis import RedisCounter
from kisha.rankings.metrics import metrics_snapshot, metrics_totals
from kisha.rankings.models import HourlyViews
from kisha.rankings.services import batch_apply, rankings_fold
from tests.logs import warnings_of

from .conftest import send

pytestmark = pytest.mark.django_db

# A beacon waits at most this long for Redis before it counts in the process buffer (long
# enough that a loaded CI machine never misses a Redis that is up; production uses 0.1 s).
TIMEOUT = 0.5
# Limits on wall-clock time are ten times what the behaviour needs, so a busy 2-core machine
# cannot fail them; what the breaker does is asserted by counting Redis attempts instead.
SLOWEST_BEACON = 10 * TIMEOUT


def _counter(own_redis, *, breaker_seconds: float):
    counter = RedisCounter(
        url=own_redis.url,
        prefix="faults",
        timeout=TIMEOUT,
        breaker_seconds=breaker_seconds,
        fallback=DatabaseCounter(flush_thread=False),
    )
    backends._backend = counter
    return counter


@pytest.fixture
def counter(own_redis):
    counter = _counter(own_redis, breaker_seconds=0.3)
    yield counter
    counter.client.close()


@pytest.fixture
def counter_slow_to_retry(own_redis):
    """A breaker that stays open for the whole test: after one failure, no beacon tries Redis."""
    counter = _counter(own_redis, breaker_seconds=600)
    yield counter
    counter.client.close()


@pytest.fixture
def warnings_log():
    with warnings_of("kisha.rankings") as messages:
        yield messages


def total() -> int:
    return sum(HourlyViews.objects.values_list("views", flat=True))


def test_redis_killed_mid_run(own_redis, counter, article, warnings_log):
    client = Client()
    for _ in range(3):
        assert send(client, article.id).status_code == 204
    assert counter.fallback.buffered() == 0  # counted in Redis

    own_redis.kill()
    timings = []
    began = time.perf_counter()
    for n in range(50):  # readers at many addresses, so the rate limit stays out of the way
        started = time.perf_counter()
        assert send(client, article.id, REMOTE_ADDR=f"198.51.100.{n}").status_code == 204
        timings.append(time.perf_counter() - started)
    elapsed = time.perf_counter() - began
    assert max(timings) < SLOWEST_BEACON, max(timings)
    assert counter.fallback.buffered() == 50
    assert metrics_snapshot()["redis_fallback"] == 50
    # Only the first beacon, then one per breaker cooldown, tries Redis; the rest skip it.
    tries = metrics_snapshot()["redis_errors"]
    assert 1 <= tries <= 1 + elapsed / counter.breaker.cooldown, (tries, elapsed)
    assert any("Redis unavailable" in message for message in warnings_log)

    # the site still renders, and the fold folds what it can without raising
    assert client.get(article.url).status_code == 200
    assert client.get("/api/rankings/?window=24h").status_code == 200
    rankings_fold(backend=counter)
    assert total() == 50

    own_redis.start()  # the append-only file brings back the 3 views Redis acknowledged
    time.sleep(0.35)  # the breaker lets a beacon try again
    for _ in range(4):
        assert send(client, article.id).status_code == 204
    assert any("Redis is back" in message for message in warnings_log)
    assert counter.fallback.buffered() == 0
    assert metrics_totals()["redis_fallback"] == 50  # written to the database by the fold

    rankings_fold(backend=counter)
    assert total() == 3 + 50 + 4
    rankings_fold(backend=counter)
    assert total() == 57


def test_redis_killed_between_writing_and_clearing_a_batch(own_redis, counter, article):
    client = Client()
    for _ in range(5):
        send(client, article.id)
    for batch in counter.batches():  # claimed in Redis (and written to its append-only file)
        batch_apply(batch=batch)
    own_redis.kill()  # ... before the fold could clear the batch
    result = rankings_fold(backend=counter)  # Redis is down: nothing to do, no error
    assert result.batches == 0
    own_redis.start()
    result = rankings_fold(backend=counter)
    assert result.skipped == 1
    assert total() == 5
    assert counter.client.scard("faults:batches") == 0


def test_a_hung_redis_costs_one_timeout_not_one_per_beacon(
    own_redis, counter_slow_to_retry, article
):
    counter = counter_slow_to_retry
    client = Client()
    assert send(client, article.id).status_code == 204
    assert metrics_snapshot()["counted"] == 1 and "redis_errors" not in metrics_snapshot()
    own_redis.freeze()
    try:
        timings = []
        for n in range(30):
            started = time.perf_counter()
            assert send(client, article.id, REMOTE_ADDR=f"198.51.100.{n}").status_code == 204
            timings.append(time.perf_counter() - started)
    finally:
        own_redis.thaw()
    # One beacon waited for the timeout and opened the breaker; the other 29 never asked Redis.
    assert metrics_snapshot()["redis_errors"] == 1
    assert metrics_snapshot()["redis_fallback"] == 30
    assert counter.fallback.buffered() == 30
    # Only the first beacon waited: redis_errors == 1 above says no other one asked Redis, so
    # none paid the timeout (a sum of timings would measure the machine's load, not this).
    assert max(timings) < SLOWEST_BEACON, max(timings)
