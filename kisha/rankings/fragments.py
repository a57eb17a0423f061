"""The 人気ランキング sidebar block, rendered once and cached for a short time (DESIGN §4 rule 1:
a block that changes on its own clock comes from a short-lived cached fragment)."""

from __future__ import annotations

import logging

from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html

from kisha.core.cachetags import RANKINGS
from kisha.core.fragments import register_fragment
from kisha.core.phrases import truncate_phrases
from kisha.news.selectors import is_article

from .conf import conf
from .selectors import rankings_get
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


def _seconds() -> int:
    return int(conf("KISHA_RANKINGS_FRAGMENT_SECONDS"))


# The sidebar block: the block plus its stylesheet and the small tab script (the wrapper).
# Through Varnish the block is an ESI include of /fragments/rankings/ (kisha.core.slots).
rankings_block = register_fragment(
    "rankings",
    template="rankings/block.html",
    context=rankings_block_context,
    seconds=_seconds,
    tags=(RANKINGS,),
    url_name="rankings:fragment",
    wrapper="rankings/slot.html",
)
rankings_slot = rankings_block.slot


def rankings_block_html() -> str:
    """The block's HTML, cached for KISHA_RANKINGS_FRAGMENT_SECONDS; empty when nothing ranks."""
    return rankings_block.html()


def beacon_slot(request, context: dict) -> str:
    """The article page's view beacon (the `beacon` slot of its scripts)."""
    return format_html('<script src="{}" defer></script>', static("rankings/beacon.js"))


def ranking_paths(page) -> list[str]:
    """What a front-end cache keeps that lists `page` when it is an article: the sidebar
    fragment and the JSON of each window (kisha.core.frontend_cache.register_purge_paths)."""
    if not is_article(page):
        return []
    return ["/fragments/rankings/", *(f"/api/rankings/?window={key}" for key in WINDOWS)]
