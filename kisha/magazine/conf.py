"""The magazine app's settings, each with a default, read from django.conf.settings when asked
(the same shape as kisha/rankings/conf.py). Tests override them with the `settings` fixture."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Section names the TOC editor offers (an editor may type any other).
    "KISHA_MAGAZINE_TOC_SECTIONS": (
        "【編集長から】",
        "Special Report",
        "Periscope",
        "Commentary",
        "World Affairs",
        "Features",
        "Life/Style",
    ),
    # Lifetime of the cached MAGAZINE and products sidebar fragments, in seconds. Any publish
    # changes their key (the content generation), so this only bounds a date rolling over.
    "KISHA_MAGAZINE_FRAGMENT_SECONDS": 3600,
    # The sidebar's lead is cut to this display width (columns; a kanji is two).
    "KISHA_MAGAZINE_LEAD_WIDTH": 120,
}


def conf(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
