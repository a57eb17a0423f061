"""The 人気ランキング sidebar block, rendered once and cached for a short time (DESIGN §4 rule 1:
a block that changes on its own clock comes from a short-lived cached fragment)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kisha.core.memo import generation_key
from kisha.core.slots import esi_include, esi_requested
from kisha.core.text import truncate_width

from .conf import conf
from .selectors import rankings_get
from .services import FRAGMENT_CACHE_KEYS
from .windows import WINDOWS

logger = logging.getLogger("kisha.rankings")
# Ranks up to this one show the whole short headline; later ranks are cut to a fixed width.
FULL_RANKS = 5


def rankings_block_context() -> dict:
    """What the block shows: per window, the ranked headlines ready to print."""
    width = int(conf("KISHA_RANKINGS_CUT_WIDTH"))
    ranked = rankings_get()
    windows = []
    for key, spec in WINDOWS.items():
        entries = []
        for item in ranked[key]:
            full = item.article.card_title
            shown = full if item.rank <= FULL_RANKS else truncate_width(full, width)
            entries.append(
                {
                    "rank": item.rank,
                    "headline": shown,
                    "full": full,
                    "cut": shown != full,
                    "url": item.article.url or "",
                }
            )
        windows.append({"key": key, "label": spec.label, "entries": entries})
    if not any(window["entries"] for window in windows):
        windows = []  # nothing read yet: the slot renders nothing rather than three empty tabs
    return {"windows": windows, "rendered_at": int(timezone.now().timestamp())}


def rankings_block_html() -> str:
    """The block's HTML, cached for KISHA_RANKINGS_FRAGMENT_SECONDS; empty when nothing ranks."""
    key = generation_key(FRAGMENT_CACHE_KEYS[0])
    try:
        html = cache.get(key)
    except Exception:
        html = None
    if html is None:
        html = render_to_string("rankings/block.html", rankings_block_context())
        try:
            cache.set(key, html, int(conf("KISHA_RANKINGS_FRAGMENT_SECONDS")))
        except Exception:
            logger.warning("rankings: could not cache the fragment")
    return html


def rankings_slot(request, context: dict) -> str:
    """The sidebar slot: the block plus its stylesheet and the small tab script. Through
    Varnish the block is an ESI include of /fragments/rankings/ (kisha.core.slots)."""
    if esi_requested(request):
        block = esi_include(request, reverse("rankings:fragment"))
        return render_to_string("rankings/slot.html", {"block": block})
    block = rankings_block_html()
    return render_to_string("rankings/slot.html", {"block": block}) if block.strip() else ""


def ranking_paths(page) -> list[str]:
    """What a front-end cache keeps that lists `page` when it is an article: the sidebar
    fragment and the JSON of each window (kisha.core.frontend_cache.register_purge_paths)."""
    from kisha.news.models import ArticlePage

    if not isinstance(page, ArticlePage):
        return []
    return ["/fragments/rankings/", *(f"/api/rankings/?window={key}" for key in WINDOWS)]
