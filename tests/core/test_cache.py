"""The Redis cache as Django's cache: a failure is a miss, never an exception, and the breaker
spares every later call the wait. Runs against a redis-server of the test's own."""

from __future__ import annotations

import time

import pytest

from kisha.core.cache import ResilientRedisCache, _breakers


@pytest.fixture
def redis_cache(own_redis):
    _breakers.pop(own_redis.url, None)
    cache = ResilientRedisCache(
        own_redis.url,
        {
            "KEY_PREFIX": "test-cache",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "BREAKER_SECONDS": 0.5,
            },
        },
    )
    yield cache
    _breakers.pop(own_redis.url, None)


def test_it_caches_while_redis_answers(redis_cache):
    assert redis_cache.add("k", 1, 30) is True
    assert redis_cache.add("k", 2, 30) is False
    assert redis_cache.incr("k") == 2
    assert redis_cache.get("k") == 2
    assert redis_cache.get_many(["k", "missing"]) == {"k": 2}
    redis_cache.delete("k")
    assert redis_cache.get("k", "gone") == "gone"


def test_a_dead_redis_is_a_miss_and_a_write_is_dropped(redis_cache, own_redis):
    redis_cache.set("k", "v", 30)
    own_redis.kill()
    assert redis_cache.get("k") is None
    assert redis_cache.get("k", "default") == "default"
    assert redis_cache.set("k", "w", 30) is None
    assert (
        redis_cache.add("k", "w", 30) is None
    )  # not False: callers can tell "failed" from "exists"
    assert redis_cache.incr("n") is None
    assert redis_cache.get_many(["k"]) == {}
    assert redis_cache.delete("k") is None
    assert not redis_cache.healthy


def test_the_breaker_skips_a_hung_redis_then_comes_back(redis_cache, own_redis):
    redis_cache.set("k", "v", 30)
    own_redis.freeze()
    try:
        started = time.perf_counter()
        assert redis_cache.get("k") is None  # waits for the socket timeout once
        first = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(50):
            assert redis_cache.get("k") is None
        rest = time.perf_counter() - started
    finally:
        own_redis.thaw()
    assert first >= 0.15
    assert rest < first  # fifty skipped calls cost less than one timeout
    time.sleep(0.6)
    assert redis_cache.get("k") == "v"
    assert redis_cache.healthy


def test_pure_client_methods_do_not_close_the_breaker(redis_cache, own_redis):
    own_redis.kill()
    redis_cache.get("k")
    assert not redis_cache.healthy
    redis_cache.make_key("k")  # no network: says nothing about Redis
    assert not redis_cache.healthy


def test_every_thread_shares_one_breaker(own_redis):
    _breakers.pop(own_redis.url, None)
    params = {"OPTIONS": {"BREAKER_SECONDS": 7}}
    first = ResilientRedisCache(own_redis.url, params)
    second = ResilientRedisCache(own_redis.url, params)
    assert first.breaker is second.breaker
    assert first.breaker.cooldown == 7
    assert params == {"OPTIONS": {"BREAKER_SECONDS": 7}}  # the settings are left as they were
    _breakers.pop(own_redis.url, None)
