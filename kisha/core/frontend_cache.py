"""Purging cached pages after a change: Kisha's own page cache at once, after the commit; the
front-end caches (Varnish, nginx, a CDN) from the task worker, off the editor's request, with a
timeout per request and bounded retries.

What to purge is the caller's business (kisha.news.services: `urls_showing` and `tags_showing`);
this module sends cache tags to what purges by tag (Kisha's page cache, Varnish with xkey) and
full URLs to the other back ends of settings.WAGTAILFRONTENDCACHE. Wagtail's `PurgeBatch` would
send them from its own task, with no timeout and no retry, so Kisha calls the back ends itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wagtail import __version__ as wagtail_version
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.backends.http import PurgeRequest
from wagtail.contrib.frontend_cache.utils import get_backends

from kisha.core.tasks import purge_urls_task

from . import pagecache

logger = logging.getLogger(__name__)


class PurgeFailed(Exception):
    """Some URLs could not be purged; `urls` are the ones to try again."""

    def __init__(self, urls: list[str], reason: str):
        super().__init__(reason)
        self.urls = urls
        self.reason = reason


class TimeoutHTTPBackend(HTTPBackend):
    """Wagtail's HTTP PURGE back end with a timeout (Wagtail's calls urlopen() without one, so
    a hung cache would hang the purge for ever) and failures raised, not logged per URL, so the
    task can retry the batch and log it once. Options: LOCATION, TIMEOUT (seconds, default 5)."""

    def __init__(self, params):
        params = dict(params)
        self.timeout = float(params.pop("TIMEOUT", 5.0))
        super().__init__(params)

    def _send(self, url: str) -> None:
        parsed = urlsplit(url)
        host = parsed.hostname or ""
        if parsed.port:
            host += f":{parsed.port}"
        request = PurgeRequest(
            url=urlunsplit(
                [self.cache_scheme, self.cache_netloc, parsed.path, parsed.query, parsed.fragment]
            ),
            headers={"Host": host, "User-Agent": "Wagtail-frontendcache/" + wagtail_version},
        )
        # The scheme comes from the configured LOCATION, never from a reader.
        with urlopen(request, timeout=self.timeout):  # noqa: S310
            pass

    def purge(self, url: str) -> None:
        self.purge_batch([url])

    def purge_batch(self, urls) -> None:
        failed, reason = [], ""
        for url in urls:
            try:
                self._send(url)
            except HTTPError as exc:
                if exc.code == 404:  # Varnish's answer for "nothing cached there": purged.
                    continue
                failed.append(url)
                reason = f"HTTP {exc.code} {exc.reason}"
            except (URLError, OSError) as exc:  # refused, unreachable, timed out
                failed.append(url)
                reason = str(getattr(exc, "reason", exc))
        if failed:
            raise PurgeFailed(failed, reason)


class XkeyHTTPBackend(TimeoutHTTPBackend):
    """Varnish with varnish-modules' xkey (deploy/varnish/kisha.vcl): purges every object
    tagged with any of the tags in one request, `xkey-purge` (hard: never served again) or
    `xkey-softpurge` (soft: served stale once while refetched); URLs as TimeoutHTTPBackend."""

    def purge_tags(self, tags: list[str], *, hard: bool) -> None:
        header = "xkey-purge" if hard else "xkey-softpurge"
        request = PurgeRequest(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, "/", "", ""]),
            headers={header: " ".join(tags), "User-Agent": "Kisha-purge/" + wagtail_version},
        )
        try:
            with urlopen(request, timeout=self.timeout):  # noqa: S310 (the configured LOCATION)
                pass
        except HTTPError as exc:
            raise PurgeFailed(tags, f"HTTP {exc.code} {exc.reason}") from exc
        except (URLError, OSError) as exc:
            raise PurgeFailed(tags, str(getattr(exc, "reason", exc))) from exc


# The name, in retries and logs, of Kisha's own page cache (kisha.core.pagecache).
PAGE_CACHE = "page-cache"


# Apps whose own URLs show pages (the rankings fragment) say which, from their AppConfig.ready():
# a function of the changed page returning site-relative paths such as "/fragments/rankings/".
_purge_paths: list[Callable[[Any], Iterable[str]]] = []


def register_purge_paths(paths: Callable[[Any], Iterable[str]]) -> None:
    if paths not in _purge_paths:
        _purge_paths.append(paths)


def purge_paths_for(page) -> list[str]:
    """The registered paths that show `page`."""
    return [path for paths in _purge_paths for path in paths(page)]


def frontend_cache_configured() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def purge_wanted() -> tuple[bool, bool]:
    """(URLs, tags): whether anything configured purges by URL, and by tag."""

    urls, tags = False, pagecache.enabled()
    for instance in get_backends().values():
        if hasattr(instance, "purge_tags"):
            tags = True
        else:
            urls = True
    return urls, tags


def purge_send(
    *, urls: Iterable[str], tags: Iterable[str] = (), hard: bool = False, backend: str | None = None
) -> dict[str, tuple[list[str], list[str]]]:
    """Send a purge to every configured front-end back end that serves the URLs' hosts (or to
    `backend` alone; PAGE_CACHE names Kisha's own): tags to those that purge by tag, URLs to the
    others. Returns what failed, by back-end name, as (urls, tags); never raises for a back
    end's failure."""

    urls, tags = sorted(set(urls)), sorted(set(tags))
    failed: dict[str, tuple[list[str], list[str]]] = {}
    if backend == PAGE_CACHE:
        if tags and not pagecache.tags_purge(tags, hard=hard):
            failed[PAGE_CACHE] = ([], tags)
        return failed
    names = [backend] if backend else None
    for name, instance in get_backends(backends=names).items():
        by_tag = bool(tags) and hasattr(instance, "purge_tags")
        mine = [u for u in urls if instance.invalidates_hostname(urlsplit(u).hostname or "")]
        if not by_tag and not mine:
            continue
        try:
            if by_tag:
                instance.purge_tags(tags, hard=hard)
            else:
                instance.purge_batch(mine)
        except PurgeFailed as exc:
            failed[name] = ([], exc.urls) if by_tag else (exc.urls, [])
            logger.warning(
                "front-end cache %s: %d %s not purged (%s)",
                name,
                len(exc.urls),
                "tags" if by_tag else "URLs",
                exc.reason,
            )
        except Exception as exc:
            failed[name] = ([], tags) if by_tag else (mine, [])
            logger.warning("front-end cache %s: purge failed (%r)", name, exc)
    return failed


def urls_purge(*, urls: Iterable[str], backend: str | None = None) -> dict[str, list[str]]:
    """Send `urls` to every configured back end (or to `backend` alone) that serves their host.
    Returns the URLs that failed, by back-end name; never raises for a back end's failure."""
    return {name: failed for name, (failed, _) in purge_send(urls=urls, backend=backend).items()}


def retry_delay(*, attempt: int) -> timedelta:
    """The wait before try number `attempt + 1`: KISHA_PURGE_RETRY_SECONDS, doubling each time."""
    return timedelta(seconds=settings.KISHA_PURGE_RETRY_SECONDS * 2 ** (attempt - 1))


# Purges running in threads of this process (the immediate task back end), so a test or a
# shutdown can wait for them (purges_join).
_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


def _enqueue(
    urls: list[str],
    backend: str | None = None,
    attempt: int = 1,
    tags: list[str] | None = None,
    hard: bool = False,
) -> None:
    task = purge_urls_task
    args = (urls, backend, attempt, tags or [], hard)
    if task.get_backend().supports_defer:
        if attempt > 1:
            task = task.using(run_after=timezone.now() + retry_delay(attempt=attempt - 1))
        task.enqueue(*args)
        return

    # The immediate back end runs a task where it is enqueued: in the editor's request. A
    # thread of this process keeps the purge (and its waits between tries) out of it.
    def run() -> None:
        if attempt > 1:
            threading.Event().wait(retry_delay(attempt=attempt - 1).total_seconds())
        task.enqueue(*args)

    thread = threading.Thread(target=run, name="kisha-purge", daemon=True)
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()


class _Batch:
    """The purges asked for in one transaction, sent once when it commits: a publish saves the
    page and then signals the publication, and both ask to purge the same tags."""

    def __init__(self) -> None:
        self.urls: set[str] = set()
        self.soft: set[str] = set()
        self.hard: set[str] = set()

    def add(self, urls: Iterable[str], tags: Iterable[str], hard: bool) -> None:
        self.urls.update(urls)
        (self.hard if hard else self.soft).update(tags)

    def __call__(self) -> None:
        connection = transaction.get_connection()
        if getattr(connection, "_kisha_purge_batch", None) is self:
            del connection._kisha_purge_batch
        soft = sorted(self.soft - self.hard)
        for tags, hard in ((sorted(self.hard), True), (soft, False)):
            if tags and pagecache.enabled() and not pagecache.tags_purge(tags, hard=hard):
                _enqueue([], PAGE_CACHE, 2, tags, hard)
        if frontend_cache_configured():
            urls = sorted(self.urls)
            if self.hard:  # the URLs go with the hard tags: a URL purge is always hard
                _enqueue(urls, None, 1, sorted(self.hard), True)
                urls = []
            if soft or urls:
                _enqueue(urls, None, 1, soft, False)


def purge_after_commit(
    *, urls: Iterable[str] = (), tags: Iterable[str] = (), hard: bool = False
) -> None:
    """Once the current transaction commits (at once outside one): purge `tags` from Kisha's
    own page cache there and then (a few cache writes; retried in the task worker if the cache
    cannot take them), and send `urls` and `tags` to the front-end caches from the task worker.
    What one transaction asks for is sent once. Nothing to do for what is not configured."""

    urls, tags = set(urls), set(tags)
    if not ((pagecache.enabled() and tags) or (frontend_cache_configured() and (urls or tags))):
        return
    connection = transaction.get_connection()
    batch = getattr(connection, "_kisha_purge_batch", None)
    # Still waiting for this transaction's commit? (A rollback drops the callback.)
    if (
        connection.in_atomic_block
        and batch is not None
        and any(callback is batch for _, callback, _ in connection.run_on_commit)
    ):
        batch.add(urls, tags, hard)
        return
    batch = _Batch()
    batch.add(urls, tags, hard)
    if connection.in_atomic_block:
        connection._kisha_purge_batch = batch
    transaction.on_commit(batch, robust=True)


def purge_retry(
    *, failed: dict[str, tuple[list[str], list[str]]], attempt: int, hard: bool
) -> None:
    """Try what failed again, per back end, until KISHA_PURGE_RETRIES tries have been made."""
    for backend, (urls, tags) in failed.items():
        if attempt > settings.KISHA_PURGE_RETRIES:
            logger.warning(
                "front-end cache %s: giving up on %d URLs and %d tags after %d retries",
                backend,
                len(urls),
                len(tags),
                settings.KISHA_PURGE_RETRIES,
            )
            continue
        _enqueue(urls, backend, attempt + 1, tags, hard)


def purges_join(timeout: float = 30.0) -> None:
    """Wait for this process's purge threads, retries included."""
    while True:
        with _threads_lock:
            alive = [t for t in _threads if t.is_alive()]
        if not alive:
            return
        for thread in alive:
            thread.join(timeout)
            if thread.is_alive():
                return
