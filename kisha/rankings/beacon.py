"""The view beacon's rules, shared by the Django view and the lean WSGI handler (wsgi.py), so
both paths validate, filter, rate-limit and count identically.

Works on the WSGI environ (Django's request.META is the same dict) and the raw body.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass

from kisha.core.addresses import network_of, trusted_peer
from kisha.core.clients import is_bot

from .backends import get_backend
from .backends.base import Outcome
from .live import is_live_article
from .metrics import metrics_incr

logger = logging.getLogger("kisha.rankings")

MAX_BODY = 1024
MAX_PAGE_ID = 2**31 - 1
# What the beacon script stores: a UUID or any URL-safe random token.
READER_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")


@dataclass(frozen=True)
class BeaconResult:
    status: int
    outcome: str
    error: str = ""


def is_prefetch(environ: dict) -> bool:
    """Speculative loads announce themselves; a prerendered page's beacon waits for activation
    in the script, so a request marked like this is never a reader's view."""
    purpose = " ".join(
        environ.get(name, "")
        for name in ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")
    ).lower()
    return any(word in purpose for word in ("prefetch", "prerender", "preview"))


def client_address(environ: dict) -> str:
    """The reader's address for the rate limit: the trusted peer (kisha.core.addresses, the
    rule login lockouts use too), an IPv6 /64 as `<network>/64`, "unknown" without one."""
    address = trusted_peer(environ)
    if address is None:
        return "unknown"
    if address.version == 6:
        return f"{network_of(address).network_address}/64"
    return str(address)


def parse_body(body: bytes) -> tuple[int, str] | None:
    """`{"page": 123, "reader": "…"}` → (page id, reader id), or None when malformed."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    page, reader = data.get("page"), data.get("reader")
    if type(page) is not int or not 0 < page <= MAX_PAGE_ID:
        return None
    if not isinstance(reader, str) or not READER_RE.fullmatch(reader):
        return None
    return page, reader


def beacon_handle(*, environ: dict, body: bytes, now: dt.datetime) -> BeaconResult:
    """Decide and count one beacon. Never raises for bad input; the caller answers `status`."""
    if environ.get("REQUEST_METHOD") != "POST":
        return BeaconResult(405, "rejected", "POST only")
    if environ.get("HTTP_SEC_FETCH_SITE", "") == "cross-site":
        metrics_incr("rejected")
        return BeaconResult(403, "rejected", "cross-site")
    if len(body) > MAX_BODY:
        metrics_incr("rejected")
        return BeaconResult(413, "rejected", "body over 1 KB")
    parsed = parse_body(body)
    if parsed is None:
        metrics_incr("rejected")
        return BeaconResult(400, "rejected", "malformed body")
    page_id, reader = parsed
    if is_bot(environ.get("HTTP_USER_AGENT", "")):
        metrics_incr("bot")
        return BeaconResult(204, "bot")
    if is_prefetch(environ):
        metrics_incr("prefetch")
        return BeaconResult(204, "prefetch")
    if not is_live_article(page_id):
        metrics_incr("rejected")
        return BeaconResult(400, "rejected", "unknown page")
    try:
        outcome = get_backend().record(
            page_id=page_id, reader=reader, address=client_address(environ), now=now
        )
    except Exception:
        # Counting must never turn a reader's page view into an error.
        logger.exception("rankings: a view could not be counted")
        outcome = Outcome.DROPPED
    name = outcome.name.lower()
    metrics_incr(name)
    return BeaconResult(204, name)
