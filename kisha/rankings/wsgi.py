"""A lean WSGI answer for the view beacon, in front of Django's full stack.

The beacon is the site's hottest request and needs nothing from Django's middleware (no
session, user, CSRF, redirects or page caching headers). kisha/wsgi.py may wrap the site's
application with `with_beacon(application)`; the beacon then runs the very same rules
(`beacon.beacon_handle`: validation, bot and prefetch filters, live-article check, rate limit,
counting) without the middleware. bench/rankings.py measures both paths side by side.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django.utils import timezone

from kisha.core.clients import content_length

from .beacon import MAX_BODY, beacon_handle

BEACON_PATH = "/api/views/"
REASONS = {
    204: "204 No Content",
    400: "400 Bad Request",
    403: "403 Forbidden",
    405: "405 Method Not Allowed",
    413: "413 Content Too Large",
}


def beacon_app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    body = b""
    if environ.get("REQUEST_METHOD") == "POST":
        length = content_length(environ) or 0
        if length > MAX_BODY:
            body = b"x" * (MAX_BODY + 1)  # refuse without reading an oversized body
        elif length:
            body = environ["wsgi.input"].read(length)
    result = beacon_handle(environ=environ, body=body, now=timezone.now())
    headers = [("Cache-Control", "no-store")]
    if result.status == 204:
        start_response(REASONS[204], headers)
        return [b""]
    payload = json.dumps({"error": result.error}).encode()
    headers += [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    if result.status == 405:
        headers.append(("Allow", "POST"))
    start_response(REASONS.get(result.status, f"{result.status} Error"), headers)
    return [payload]


def with_beacon(application: Callable) -> Callable:
    """Answer BEACON_PATH with `beacon_app`; pass every other request to `application`."""

    def dispatch(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == BEACON_PATH:
            return beacon_app(environ, start_response)
        return application(environ, start_response)

    return dispatch
