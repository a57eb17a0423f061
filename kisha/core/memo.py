"""Per-process memos that every process drops on the next request after a change (DESIGN §4,
rule 6).

A worker may keep small lookups in memory (the site, the sections, the restricted paths, the
set of live articles) only behind one shared *content generation*: a row in the database that
any change those lookups depend on rewrites, in the same transaction as the change
(`generation_bump()`, called from signals in kisha.core.signals). Every request reads the
generation once (one indexed single-row read) and a memo built under another generation is
rebuilt. So a restriction, a new section or an unpublished article holds on every worker and
server from the commit on, and a failing cache can never keep a stale memo alive: the database
is the one thing every process already shares, and without it nothing is served anyway.

Generations are random, not counted up: a value written by a transaction that then rolled back
can never come back and make a memo built inside that transaction look current.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from django_tasks.signals import task_finished, task_started

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection

T = TypeVar("T")
logger = logging.getLogger("kisha.memo")

CONTENT = "content"
_TABLE = "core_generation"

_scope = threading.local()
_memos: list[Memo] = []


def _read() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {_TABLE} WHERE name = %s", [CONTENT])  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def generation() -> int:
    """The current content generation: read once per request (or per `memo_scope()`), and
    on every call outside one, so code outside a request is never stale either."""
    value = getattr(_scope, "value", None)
    if value is not None:
        return value
    value = _read()
    if getattr(_scope, "active", False):
        _scope.value = value
    return value


def generation_bump() -> None:
    """Announce a change every memo depends on. Runs inside the caller's transaction, so the new
    generation becomes visible to other processes exactly when the change does."""
    value = secrets.randbits(62)
    with connection.cursor() as cursor:
        # An upsert, so a database whose row was flushed (tests) gets it back.
        cursor.execute(
            f"INSERT INTO {_TABLE} (name, value) VALUES (%s, %s) "  # noqa: S608
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [CONTENT, value],
        )
    # This thread sees its own change at once, even later in the same request.
    _scope.value = None
    for memo in _memos:
        memo.forget()


def scope_open(**kwargs) -> None:
    _scope.active = True
    _scope.value = None


def scope_close(**kwargs) -> None:
    _scope.active = False
    _scope.value = None


class memo_scope:
    """Read the generation once for a block of work outside a request (a task, a command)."""

    def __enter__(self):
        self._outer = (getattr(_scope, "active", False), getattr(_scope, "value", None))
        scope_open()
        return self

    def __exit__(self, *exc):
        _scope.active, _scope.value = self._outer


request_started.connect(scope_open, dispatch_uid="kisha.core.memo.open")
request_finished.connect(scope_close, dispatch_uid="kisha.core.memo.close")


class Memo(Generic[T]):
    """One value built by `build()` and kept while the content generation stays the same."""

    def __init__(self, name: str, build: Callable[[], T]) -> None:
        self.name = name
        self.build = build
        self._held: tuple[int, T] | None = None
        _memos.append(self)

    def get(self) -> T:
        current = generation()
        held = self._held
        if held is not None and held[0] == current:
            return held[1]
        # Tag with the generation read *before* building: data changed meanwhile is rebuilt on
        # the next request, never kept under the newer generation.
        value = self.build()
        self._held = (current, value)
        return value

    def forget(self) -> None:
        self._held = None


def memos_forget() -> None:
    """Drop every memo of this process (tests; a change made outside the ORM)."""
    for memo in _memos:
        memo.forget()


def generation_key(base: str) -> str:
    """A shared-cache key that changes with the content generation: a cached fragment showing
    pages is never read after a change, even when deleting it failed (the cache was down)."""
    return f"{base}:g{generation()}"


def generation_cached(base: str, build: Callable[[], T], *, timeout: float) -> T:
    """`build()`'s value, shared by every worker and server through the cache under a
    generation key (so no change to what it shows is ever followed by an old copy), built
    again when missing. A cache that fails costs the build, never the value: reads and writes
    that raise (a diskcache error; the Redis cache turns its own errors into misses) are
    logged and skipped. `None` is not a cacheable value: a build that returns it is not kept
    (it runs again next time); build something else for a "nothing" worth keeping."""
    return shared_cached(generation_key(base), build, timeout=timeout)


def shared_cached(key: str, build: Callable[[], T], *, timeout: float) -> T:
    """`build()`'s value under `key` in the shared cache, built again when missing; a cache
    that fails costs the build, never the value (generation_cached's rule, for a key the
    caller makes: kisha.core.fragments)."""
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("cache read failed for %s", key, exc_info=True)
        value = None
    if value is None:
        value = build()
        if value is None:  # "nothing": not kept, so a miss (a junk URL, say) writes nothing
            return value
        try:
            cache.set(key, value, timeout)
        except Exception:
            logger.warning("cache write failed for %s", key, exc_info=True)
    return value


def _task_started(**kwargs) -> None:
    # A task run in-process inside a request (the immediate back end) keeps the request's scope.
    if getattr(_scope, "active", False):
        _scope.nested = getattr(_scope, "nested", 0) + 1
    else:
        scope_open()


def _task_finished(**kwargs) -> None:
    if getattr(_scope, "nested", 0):
        _scope.nested -= 1
    else:
        scope_close()


def _connect_task_scope() -> None:
    """A task run by the task worker is a unit of work like a request: one generation read."""
    task_started.connect(_task_started, dispatch_uid="kisha.core.memo.task-open")
    task_finished.connect(_task_finished, dispatch_uid="kisha.core.memo.task-close")


_connect_task_scope()
