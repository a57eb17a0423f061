"""The series app's settings, each with a default, read from django.conf.settings when asked
(as kisha/rankings/conf.py). Tests override them with pytest-django's `settings` fixture."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Most entries (articles and sub-series) one series may hold: the admin refuses more.
    "KISHA_SERIES_MAX_ITEMS": 500,
    # Most seasons one series may have.
    "KISHA_SERIES_MAX_SEASONS": 50,
    # Entries per page of a series page (?page=2 …): a long series costs what a short one does.
    "KISHA_SERIES_PAGE_SIZE": 30,
    # How many series the sidebar block lists.
    "KISHA_SERIES_SIDEBAR_COUNT": 5,
    # How many other articles "この連載の他の記事" lists around the current one.
    "KISHA_SERIES_NAV_COUNT": 5,
    # Lifetime of the cached sidebar block. Its key follows the content generation, so any
    # publish makes a new one at once; this only bounds how long an unused copy stays.
    "KISHA_SERIES_FRAGMENT_SECONDS": 3600,
}


def conf(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
