"""Kisha's own anonymous page cache, for the embedded default (no Varnish or CDN in front).

Every worker of every server sees the same copies: they live in the shared cache (diskcache on
one machine, Redis on several). A hit is answered by `with_page_cache`, a WSGI wrapper in front
of Django, without a database query; a miss goes through Django, whose PublicCacheMiddleware
hands the finished response to `store` when it is one every reader may share.

Purging is by cache tag (kisha.core.cachetags), the same tags Varnish's xkey purges by. A purge
writes the time of the purge under each tag, in a store that never evicts (CACHES["tags"]); a
copy is fresh while it was rendered after the last purge of each of its tags (less
KISHA_PAGE_CACHE_CLOCK_SKEW, for servers whose clocks differ) and within its lifetime. The
render's time is taken when the request arrives, before any database read, so a purge that
lands during a render leaves that render stale rather than cached for hours.

Two kinds of purge:
  soft (an edit, a publish): while one request renders the new copy, the others get the
    previous one (stampede protection: one render per page, not one per reader);
  hard (unpublish, delete, a view restriction, a move): the previous copy is never served
    again, to anyone.

A request with a session or CSRF cookie, an Authorization header, a query string other than
`?page=N`, or a path under a private prefix never touches the cache. A failing shared cache is
a miss: pages render as if there were no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from prometheus_client import Counter

from django.conf import settings
from django.core.cache import caches
from django.http.cookie import parse_cookie

logger = logging.getLogger(__name__)

# The environ key the wrapper sets: when the request arrived, for `store`.
START = "kisha.pagecache.start"
PRIVATE_PREFIXES = ("/admin/", "/django-admin/", "/api/", "/-/", "/search/")
QUERY_ALLOWED = re.compile(r"(?:page=[1-9][0-9]{0,3})?")
# Headers a stored copy does not keep: the server adds its own, and the cache its own.
DROPPED = {"date", "server", "connection", "content-length", "x-kisha-cache", "age"}
LOCK_SECONDS = 30

# Hits never reach Django, so django-prometheus never sees them: the wrapper counts every
# request it looks at (summed over workers in multiprocess mode, docs/operations.md).
#   hit / stale: answered from the cache; render: looked up, went to Django (stored if it
#   could be); bypass: never looked up (a session, a private path, another query string).
REQUESTS = Counter(
    "kisha_page_cache_requests",
    "Requests seen by Kisha's page cache, by what it did with them",
    ["result"],
)
for _result in ("hit", "stale", "render", "bypass"):
    REQUESTS.labels(_result)  # every series exists from the start (rate() needs a zero)


def enabled() -> bool:
    return bool(getattr(settings, "KISHA_PAGE_CACHE", False))


def _entries():
    return caches["default"]


def _tags():
    return caches["tags"]


def request_key(environ: dict) -> str | None:
    """The cache key of a request that may be answered from the cache, or None."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    path = environ.get("PATH_INFO", "")
    if path.startswith(PRIVATE_PREFIXES) or environ.get("HTTP_AUTHORIZATION"):
        return None
    if environ.get("HTTP_SURROGATE_CAPABILITY"):
        return None  # a front that assembles ESI asks: it caches, and wants the ESI form
    query = environ.get("QUERY_STRING", "")
    if not QUERY_ALLOWED.fullmatch(query):
        return None
    cookie = environ.get("HTTP_COOKIE")
    if cookie:
        names = parse_cookie(cookie)
        if settings.SESSION_COOKIE_NAME in names or settings.CSRF_COOKIE_NAME in names:
            return None
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    scheme = environ.get("wsgi.url_scheme", "http")
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header and environ.get(proxy_header[0]) == proxy_header[1]:
        scheme = "https"
    url = f"{scheme}://{host.lower()}{path}?{query}"
    return "kisha:page:" + hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()


def _tag_keys(tags: Iterable[str], *, hard: bool) -> list[str]:
    prefix = "kisha:tag-hard:" if hard else "kisha:tag:"
    return [prefix + tag for tag in tags]


def _purge_times(tags: list[str]) -> tuple[float, float] | None:
    """The latest soft and hard purge times among `tags` (0 for never), or None when the tag
    store cannot answer."""
    keys = _tag_keys(tags, hard=False) + _tag_keys(tags, hard=True)
    try:
        found = _tags().get_many(keys)
    except Exception:
        return None
    soft = max((float(found.get(key, 0)) for key in keys[: len(tags)]), default=0.0)
    hard = max((float(found.get(key, 0)) for key in keys[len(tags) :]), default=0.0)
    return max(soft, hard), hard


def tags_purge(tags: Iterable[str], *, hard: bool = False) -> bool:
    """Mark every copy showing `tags` stale (soft) or unservable (hard). True when the tag
    store took it; False when it could not (the caller retries)."""
    tags = sorted(set(tags))
    if not tags:
        return True
    now = time.time()
    values = dict.fromkeys(_tag_keys(tags, hard=False), now)
    if hard:
        values.update(dict.fromkeys(_tag_keys(tags, hard=True), now))
    try:
        store = _tags()
        store.set_many(values, timeout=None)
        written = store.get_many(list(values))
    except Exception as exc:
        logger.warning("page cache: purge of %d tags failed (%r)", len(tags), exc)
        return False
    if any(written.get(key) != value for key, value in values.items()):
        logger.warning("page cache: purge of %d tags not stored", len(tags))
        return False
    return True


def _state(entry: dict) -> str | None:
    """ "HIT" (fresh), "STALE" (may be served while one request renders) or None (never)."""
    times = _purge_times(entry["tags"])
    if times is None:
        return None
    soft, hard = times
    skew = settings.KISHA_PAGE_CACHE_CLOCK_SKEW
    rendered = entry["rendered"]
    if rendered - skew < hard:
        return None  # purged for good: never served again
    now = time.time()
    if rendered - skew >= soft and now < entry["expires"]:
        return "HIT"
    if now >= entry["expires"] + settings.KISHA_PAGE_CACHE_GRACE:
        return None
    return "STALE"


def _get(key: str) -> dict | None:
    try:
        return _entries().get(key)
    except Exception:
        return None


def _lookup(key: str) -> tuple[str, dict] | None:
    """("HIT" | "STALE", entry) when the cache may answer, else None (render)."""
    entry = _get(key)
    state = _state(entry) if entry else None
    if state != "STALE":
        return (state, entry) if state else None
    # Stale: the first request to get here renders the new copy; the others get this one.
    try:
        renders = _entries().add(key + ":lock", 1, LOCK_SECONDS)
    except Exception:
        renders = None
    if renders is False:
        return "STALE", entry
    if renders:
        # The lock is ours, but the render it guarded may have stored its copy (and let the
        # lock go) since this request read the entry: answer that instead of rendering again.
        newer = _get(key)
        if newer and newer["rendered"] != entry["rendered"] and _state(newer) == "HIT":
            with contextlib.suppress(Exception):  # the lock expires by itself anyway
                _entries().delete(key + ":lock")
            return "HIT", newer
    return None  # render (with the lock, or without when the cache could not say)


def _answer(state: str, entry: dict, environ: dict, start_response: Callable) -> Iterable[bytes]:
    headers = list(entry["headers"])
    headers.append(("Age", str(max(0, int(time.time() - entry["rendered"])))))
    headers.append(("X-Kisha-Cache", state))
    etag = entry.get("etag")
    inm = environ.get("HTTP_IF_NONE_MATCH")
    if etag and inm and etag in [tag.strip() for tag in inm.split(",")] + ["*"]:
        kept = {"cache-control", "etag", "expires", "vary", "content-location"}
        headers = [(k, v) for k, v in headers if k.lower() in kept or k in ("Age", "X-Kisha-Cache")]
        start_response("304 Not Modified", headers)
        return [b""]
    body = entry["body"]
    headers.append(("Content-Length", str(len(body))))
    status = entry["status"]
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def with_page_cache(application: Callable) -> Callable:
    """Answer cached anonymous pages before Django; everything else goes to `application`."""

    def dispatch(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not enabled():
            return application(environ, start_response)
        key = request_key(environ)
        if key is None:
            REQUESTS.labels("bypass").inc()
            return application(environ, start_response)
        found = _lookup(key)
        if found is not None:
            REQUESTS.labels(found[0].lower()).inc()
            return _answer(*found, environ, start_response)
        REQUESTS.labels("render").inc()
        environ[START] = time.time()
        return application(environ, start_response)

    return dispatch


def store(request, response, *, seconds: int, tags: Iterable[str]) -> bool:
    """Keep `response` (a complete 200, 301 or 404 every reader may share, before any 304) for
    `seconds`, as showing `tags`. Only requests that came through `with_page_cache` and could
    be answered from it are stored. True when stored."""
    started = request.META.get(START)
    tags = sorted(set(tags))
    if started is None or not tags or seconds <= 0 or response.streaming:
        return False
    if response.has_header("Vary") or response.has_header("Surrogate-Control"):
        return False  # one URL, several bodies (or an ESI template for Varnish): not ours
    key = request_key(request.META)
    if key is None:
        return False
    entry: dict[str, Any] = {
        "rendered": started,
        "expires": started + seconds,
        "tags": tags,
        "status": response.status_code,
        "etag": response.get("ETag"),
        "headers": [(k, v) for k, v in response.items() if k.lower() not in DROPPED],
        "body": response.content,
    }
    timeout = seconds + settings.KISHA_PAGE_CACHE_GRACE
    try:
        entries = _entries()
        entries.set(key, entry, timeout)
        entries.delete(key + ":lock")
    except Exception as exc:
        logger.warning("page cache: could not store %s (%r)", request.path, exc)
        return False
    response["X-Kisha-Cache"] = "MISS"
    return True
