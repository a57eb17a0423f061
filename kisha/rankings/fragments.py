"""The 人気ランキング sidebar block, rendered once and cached for a short time (DESIGN §4 rule 1:
a block that changes on its own clock comes from a short-lived cached fragment)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kisha.core.memo import generation_key
from kisha.core.phrases import truncate_phrases
from kisha.core.slots import esi_include, esi_requested

from .conf import conf
from .selectors import rankings_get
from .services import FRAGMENT_CACHE_KEYS
from .windows import WINDOWS

logger = logging.getLogger("kisha.rankings")
# Ranks up to this one show the whole headline; later ranks are cut to a fixed width.
FULL_RANKS = 5


def ranking_headlines(
    articles: list, *, width: int, headline: str = "full"
) -> list[tuple[str, str]]:
    """(shown, full) for each ranked article: ranks 1–5 whole, 6–10 cut to `width` columns.

    ``headline="full"`` ranks by the article's headline, as the reference page does; ``"short"``
    uses each short headline, but any that two entries share falls back to the headline. An entry
    whose cut would read the same as another's is shown whole, so no two entries read alike.
    """
    titles = [a.title for a in articles]
    if headline == "short":
        shorts = [a.card_title for a in articles]
        titles = [
            short if shorts.count(short) == 1 else title
            for short, title in zip(shorts, titles, strict=True)
        ]
    shown = [
        title if rank <= FULL_RANKS else truncate_phrases(title, width)
        for rank, title in enumerate(titles, start=1)
    ]
    alike = {text for text in shown if shown.count(text) > 1}
    shown = [title if text in alike else text for text, title in zip(shown, titles, strict=True)]
    return list(zip(shown, titles, strict=True))


def rankings_block_context() -> dict:
    """What the block shows: per window, the ranked headlines ready to print."""
    width = int(conf("KISHA_RANKINGS_CUT_WIDTH"))
    style = str(conf("KISHA_RANKINGS_HEADLINE"))
    ranked = rankings_get()
    windows = []
    for key, spec in WINDOWS.items():
        items = ranked[key]
        headlines = ranking_headlines([i.article for i in items], width=width, headline=style)
        entries = [
            {
                "rank": item.rank,
                "headline": shown,
                "full": full,
                "cut": shown != full,
                "url": item.article.url or "",
            }
            for item, (shown, full) in zip(items, headlines, strict=True)
        ]
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
