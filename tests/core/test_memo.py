"""generation_cached: one value for every worker until the content changes; a failing cache
costs the build, never the value."""

from __future__ import annotations

import pytest

from kisha.core.memo import generation_bump, generation_cached

pytestmark = pytest.mark.django_db


def test_built_once_then_read_until_the_generation_changes():
    builds = []

    def build():
        builds.append(1)
        return {"value": len(builds)}

    assert generation_cached("test:memo", build, timeout=60) == {"value": 1}
    assert generation_cached("test:memo", build, timeout=60) == {"value": 1}
    assert len(builds) == 1
    generation_bump()
    assert generation_cached("test:memo", build, timeout=60) == {"value": 2}


def test_empty_values_are_kept_too():
    builds = []

    def build():
        builds.append(1)
        return []

    generation_cached("test:memo-empty", build, timeout=60)
    generation_cached("test:memo-empty", build, timeout=60)
    assert len(builds) == 1


@pytest.mark.parametrize(
    "backend",
    [
        "django_redis.cache.RedisCache",  # raises on every call
        "kisha.core.cache.ResilientRedisCache",  # production's: errors are misses
    ],
)
def test_a_dead_cache_costs_a_build_each_time_and_nothing_else(settings, backend):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": backend,
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.1, "SOCKET_TIMEOUT": 0.1},
        },
    }
    builds = []

    def build():
        builds.append(1)
        return "区切り"

    assert generation_cached("test:memo-dead", build, timeout=60) == "区切り"
    assert generation_cached("test:memo-dead", build, timeout=60) == "区切り"
    assert len(builds) == 2
