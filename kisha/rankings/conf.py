"""The app's settings, each with a default, read from django.conf.settings when asked.

Any of these may be set in the settings module (or from the environment by the lead); none has to
be. Tests override them with pytest-django's `settings` fixture.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Dotted path of the counter back end; empty picks Redis when REDIS_URL is set, else the
    # database back end (the embedded default).
    "KISHA_RANKINGS_BACKEND": "",
    "KISHA_RANKINGS_REDIS_URL": "",  # empty: settings.REDIS_URL
    "KISHA_RANKINGS_REDIS_PREFIX": "kisha:rankings",
    # Redis must answer a beacon within this many seconds or the beacon falls back.
    "KISHA_RANKINGS_REDIS_TIMEOUT": 0.1,
    # After a Redis failure, beacons skip Redis for this long before one of them tries again.
    "KISHA_RANKINGS_BREAKER_SECONDS": 5.0,
    # A process's in-memory buffer is written to the database this often: the most views a
    # hard crash of one process can lose.
    "KISHA_RANKINGS_FLUSH_SECONDS": 5.0,
    # Flush from a background thread in each process (off in tests, which flush explicitly).
    "KISHA_RANKINGS_FLUSH_THREAD": True,
    # A reader counts once per article in this many seconds (reloads are not views).
    "KISHA_RANKINGS_DEDUPE_SECONDS": 1800,
    # One address adds at most this many views to one article per rate window.
    "KISHA_RANKINGS_RATE_LIMIT": 30,
    "KISHA_RANKINGS_RATE_WINDOW": 3600,
    # Trusted reverse proxies in front of the app: the client address is taken this many hops
    # from the right of X-Forwarded-For (0: REMOTE_ADDR, the embedded default).
    "KISHA_RANKINGS_PROXY_COUNT": 0,
    # Unflushed Redis hour buckets expire after this long if the fold stops running.
    "KISHA_RANKINGS_BUCKET_TTL": 8 * 24 * 3600,
    # Ranks 6–10 in the sidebar are cut to this display width (columns; a kanji is two).
    "KISHA_RANKINGS_CUT_WIDTH": 28,
    # What each entry reads: "full", the article's headline (the reference page), or "short", its
    # short headline, falling back to the headline when two entries share one.
    "KISHA_RANKINGS_HEADLINE": "full",
    # Lifetime of the cached sidebar fragment and JSON, in seconds.
    "KISHA_RANKINGS_FRAGMENT_SECONDS": 30,
    # Hourly rows older than this many days are pruned (daily rows are kept for DAILY_DAYS).
    "KISHA_RANKINGS_HOURLY_DAYS": 45,
    "KISHA_RANKINGS_DAILY_DAYS": 400,
}


def conf(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
