"""Purging the front-end cache (Varnish, nginx, a CDN): after the commit, off the editor's request,
with a timeout per request and bounded retries.

What to purge is the caller's business (`kisha.news.services.urls_showing`); this module only
sends full URLs to the back ends of settings.WAGTAILFRONTENDCACHE. Wagtail's `PurgeBatch` would
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


def urls_purge(*, urls: Iterable[str], backend: str | None = None) -> dict[str, list[str]]:
    """Send `urls` to every configured back end (or to `backend` alone) that serves their host.

    Returns the URLs that failed, by back-end name; never raises for a back end's failure.
    """
    urls = sorted(set(urls))
    failed: dict[str, list[str]] = {}
    names = [backend] if backend else None
    for name, instance in get_backends(backends=names).items():
        mine = [u for u in urls if instance.invalidates_hostname(urlsplit(u).hostname or "")]
        if not mine:
            continue
        try:
            instance.purge_batch(mine)
        except PurgeFailed as exc:
            failed[name] = exc.urls
            logger.warning(
                "front-end cache %s: %d of %d URLs not purged (%s)",
                name,
                len(exc.urls),
                len(mine),
                exc.reason,
            )
        except Exception as exc:
            failed[name] = mine
            logger.warning("front-end cache %s: %d URLs not purged (%r)", name, len(mine), exc)
    return failed


def retry_delay(*, attempt: int) -> timedelta:
    """The wait before try number `attempt + 1`: KISHA_PURGE_RETRY_SECONDS, doubling each time."""
    return timedelta(seconds=settings.KISHA_PURGE_RETRY_SECONDS * 2 ** (attempt - 1))


# Purges running in threads of this process (the immediate task back end), so a test or a
# shutdown can wait for them (purges_join).
_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


def _enqueue(urls: list[str], backend: str | None = None, attempt: int = 1) -> None:
    from kisha.core.tasks import purge_urls_task

    task = purge_urls_task
    if task.get_backend().supports_defer:
        if attempt > 1:
            task = task.using(run_after=timezone.now() + retry_delay(attempt=attempt - 1))
        task.enqueue(urls, backend, attempt)
        return

    # The immediate back end runs a task where it is enqueued: in the editor's request. A
    # thread of this process keeps the purge (and its waits between tries) out of it.
    def run() -> None:
        if attempt > 1:
            threading.Event().wait(retry_delay(attempt=attempt - 1).total_seconds())
        task.enqueue(urls, backend, attempt)

    thread = threading.Thread(target=run, name="kisha-purge", daemon=True)
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()


def purge_after_commit(*, urls: Iterable[str]) -> None:
    """Purge `urls` once the current transaction commits (at once outside one), in the task
    worker; does nothing when no front-end cache is configured."""
    if not frontend_cache_configured():
        return
    urls = sorted(set(urls))
    if urls:
        transaction.on_commit(lambda: _enqueue(urls), robust=True)


def purge_retry(*, failed: dict[str, list[str]], attempt: int) -> None:
    """Try the failed URLs again, per back end, until KISHA_PURGE_RETRIES tries have been made."""
    for backend, urls in failed.items():
        if attempt > settings.KISHA_PURGE_RETRIES:
            logger.warning(
                "front-end cache %s: giving up on %d URLs after %d retries",
                backend,
                len(urls),
                settings.KISHA_PURGE_RETRIES,
            )
            continue
        _enqueue(urls, backend, attempt + 1)


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
