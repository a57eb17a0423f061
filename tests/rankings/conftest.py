"""Fixtures: articles to read, and counters (database; real Redis under a private prefix)."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest

from kisha.news.factories import ArticlePageFactory, publish_at
from kisha.rankings import backends, live, metrics
from kisha.rankings.backends.database import DatabaseCounter

BROWSER_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def _fresh_state(settings):
    """Each test starts with no last-known live set, no process counters and no counter; any
    counter built from settings flushes only when a test (or the fold) says so."""
    settings.KISHA_RANKINGS_FLUSH_THREAD = False
    live._last["ids"] = frozenset()
    metrics._counts.clear()
    backends._backend = None
    yield
    backends._backend = None
    metrics._counts.clear()


@pytest.fixture
def db_counter():
    counter = DatabaseCounter(flush_thread=False)
    backends._backend = counter
    return counter


@pytest.fixture
def redis_url():
    url = os.environ.get("KISHA_TEST_REDIS_URL")
    if not url:
        pytest.skip("KISHA_TEST_REDIS_URL is not set: run under scripts/test-services.sh")
    return url


@pytest.fixture
def redis_counter(redis_url):
    from kisha.rankings.backends.redis import RedisCounter

    prefix = f"test:rankings:{uuid.uuid4().hex[:8]}"
    counter = RedisCounter(
        url=redis_url,
        prefix=prefix,
        timeout=0.5,  # a loaded machine must not send a beacon to the fallback by accident
        breaker_seconds=0.2,
        fallback=DatabaseCounter(flush_thread=False),
    )
    backends._backend = counter
    yield counter
    keys = list(counter.client.scan_iter(f"{prefix}:*"))
    if keys:
        counter.client.delete(*keys)
    counter.client.close()


@pytest.fixture
def articles(world):
    """Twelve live articles with distinct short headlines, oldest first."""
    pages = []
    for n in range(12):
        page = ArticlePageFactory(
            parent=world,
            title=f"第{n}回 日銀が金融政策決定会合で現状維持を決めた理由と市場の反応",
            short_headline=f"日銀、現状維持の理由と市場の反応を詳しく読み解く その{n}",
            slug=f"boj-{n}",
        )
        publish_at(page, dt.datetime(2026, 11, 1, n, 0, tzinfo=dt.UTC))
        pages.append(page)
    return pages


def beacon_body(page_id, reader=None) -> str:
    import json

    return json.dumps({"page": page_id, "reader": reader or uuid.uuid4().hex})


def send(client, page_id, *, reader=None, ua=BROWSER_UA, **extra):
    return client.post(
        "/api/views/",
        data=beacon_body(page_id, reader),
        content_type="text/plain",
        HTTP_USER_AGENT=ua,
        **extra,
    )
