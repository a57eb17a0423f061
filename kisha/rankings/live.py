"""Which page ids a beacon may count: live, public articles, held in each process's memory.

A beacon is checked against this set without a query. The set is rebuilt when its generation
(bumped in the shared cache by publish/unpublish/delete signals) changes, at most every
CHECK_SECONDS, and at the latest after MAX_AGE_SECONDS. An id not in the set rebuilds it at most
every MISS_RELOAD_SECONDS, so an article published on another server is counted within seconds,
while a flood of made-up ids costs at most one query per process per few seconds.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import cache

logger = logging.getLogger("kisha.rankings")

GENERATION_KEY = "kisha:rankings:live-generation"
CHECK_SECONDS = 2.0
MAX_AGE_SECONDS = 60.0
MISS_RELOAD_SECONDS = 5.0

_lock = threading.Lock()
_state: dict = {
    "ids": frozenset(),
    "loaded": 0.0,
    "checked": 0.0,
    "generation": None,
    "cache_down_until": 0.0,
}
# After the shared cache fails, stop asking it for this long (its timeout would land on a beacon).
CACHE_BACKOFF_SECONDS = 30.0


def live_article_ids_query() -> frozenset[int]:
    """Live, public articles, by the same rules as the news listings."""
    from kisha.news.selectors import article_cards

    return frozenset(article_cards().prefetch_related(None).order_by().values_list("id", flat=True))


def _generation():
    now = time.monotonic()
    if now < _state["cache_down_until"]:
        return _state["generation"]
    try:
        return cache.get(GENERATION_KEY)
    except Exception:  # a dead cache server must not stop the beacon
        _state["cache_down_until"] = now + CACHE_BACKOFF_SECONDS
        return _state["generation"]


def _reload(now: float, generation) -> frozenset[int]:
    try:
        ids = live_article_ids_query()
    except Exception:
        # The database is unreachable: keep the last known set and try again shortly.
        from django.db import close_old_connections

        logger.warning("rankings: could not load live articles; keeping the last set")
        close_old_connections()
        _state.update(loaded=now - MAX_AGE_SECONDS + MISS_RELOAD_SECONDS, checked=now)
        return _state["ids"]
    _state.update(ids=ids, loaded=now, checked=now, generation=generation)
    return ids


def live_article_ids(*, page_id: int | None = None) -> frozenset[int]:
    now = time.monotonic()
    state = _state
    if now - state["checked"] < CHECK_SECONDS and now - state["loaded"] < MAX_AGE_SECONDS:
        ids = state["ids"]
        if page_id is None or page_id in ids or now - state["loaded"] < MISS_RELOAD_SECONDS:
            return ids
    with _lock:
        now = time.monotonic()
        generation = _generation()
        stale = (
            generation != state["generation"]
            or now - state["loaded"] >= MAX_AGE_SECONDS
            or (
                page_id is not None
                and page_id not in state["ids"]
                and now - state["loaded"] >= MISS_RELOAD_SECONDS
            )
        )
        if stale:
            return _reload(now, generation)
        state["checked"] = now
        return state["ids"]


def is_live_article(page_id: int) -> bool:
    return page_id in live_article_ids(page_id=page_id)


def live_ids_changed() -> None:
    """Articles were published, unpublished, moved, restricted or deleted: every process
    rebuilds its set on its next check."""
    with _lock:
        _state.update(loaded=0.0, checked=0.0)
    try:
        cache.set(GENERATION_KEY, time.time_ns(), None)
    except Exception:
        # Other processes then notice within MAX_AGE_SECONDS instead of CHECK_SECONDS.
        logger.warning("rankings: could not announce a change of live articles")
