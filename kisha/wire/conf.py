"""The wire app's settings, each with a default, read from django.conf.settings when asked.

settings.py sets them from the environment (docs/wire.md lists them); tests override them with
pytest-django's `settings` fixture, which is why they are read at each use and not at import.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Largest feed or drop file read, in bytes; a bigger one is refused, not truncated.
    "KISHA_WIRE_MAX_BYTES": 10_000_000,
    # Seconds to wait for an agency's server before the poll counts as failed.
    "KISHA_WIRE_FETCH_TIMEOUT": 15.0,
    # Fetch from private and loopback addresses (a test feed on 127.0.0.1); off in production so
    # an editor's feed URL cannot reach the machine's own services.
    "KISHA_WIRE_ALLOW_PRIVATE_FETCH": False,
    # Items (with their versions), pictures and packages older than this many days are deleted
    # by a daily task; 0 keeps them for ever. Items promoted to an article are always kept.
    "KISHA_WIRE_ITEM_DAYS": 0,
    # The wire desk's search looks at this many of the newest items of the current filter (a
    # narrower date range moves the window back in time); a million-row table is never scanned.
    "KISHA_WIRE_DESK_SEARCH_WINDOW": 50_000,
    # Ingest log rows older than this many days are pruned.
    "KISHA_WIRE_LOG_DAYS": 30,
    # A 速報 item stays in the banner this many hours.
    "KISHA_WIRE_BANNER_HOURS": 3.0,
    # Life of the cached ticker/banner fragment and the ticker script's refresh interval.
    "KISHA_WIRE_TICKER_SECONDS": 30,
    # Download pictures that travel with items (a task after each ingest); off in tests that do
    # not serve the pictures.
    "KISHA_WIRE_DOWNLOAD_PICTURES": True,
    # Largest picture downloaded, in bytes; a bigger one is refused, not truncated.
    "KISHA_WIRE_PICTURE_MAX_BYTES": 20_000_000,
    # Pictures one download task fetches before it enqueues the next (a poll can bring hundreds).
    "KISHA_WIRE_PICTURE_BATCH": 50,
    # A picture whose download failed in a way that may pass (timeout, 5xx) is tried again
    # after BACKOFF, 2×BACKOFF, 4×… seconds, ATTEMPTS tries in all.
    "KISHA_WIRE_PICTURE_ATTEMPTS": 5,
    "KISHA_WIRE_PICTURE_BACKOFF_SECONDS": 60,
    # Extra providers by format name: {"name": "dotted.path.Provider"}.
    "KISHA_WIRE_PROVIDERS": {},
}


def conf(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
