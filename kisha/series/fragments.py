"""The sidebar's series block (slot "series"), a cached fragment; and the paths a URL-purged
front must drop when a series or one of its articles changes.

The block's cache key follows the content generation (kisha.core.memo.generation_key), which
every publish, unpublish, move or delete rewrites in its own transaction: the next request after
a publish renders a new block on every worker, and an old one is never read again. The pages
that carry the block are purged by the series' publish itself: a series is not an article, so
news.services.tags_showing purges its whole site (every page shows the sidebar).
"""

from __future__ import annotations

from django.urls import reverse

from kisha.core.fragments import register_fragment
from kisha.news.selectors import article_pages, is_article

from .conf import conf
from .models import SeriesItem, SeriesPage
from .selectors import series_holding, series_sidebar


def series_block_context() -> dict | None:
    entries = series_sidebar()
    return {"series_list": entries} if entries else None


series_block = register_fragment(
    "series",
    template="series/sidebar.html",
    context=series_block_context,
    seconds=lambda: int(conf("KISHA_SERIES_FRAGMENT_SECONDS")),
)
series_slot = series_block.slot


def series_block_html() -> str:
    """The block's HTML, empty when no series is live; cached until the next publish."""
    return series_block.html()


def _relative(page) -> str | None:
    parts = page.get_url_parts()
    return parts[2] if parts else None


def series_purge_paths(page) -> list[str]:
    """For fronts purged by URL (kisha.core.frontend_cache.register_purge_paths): an article's
    change reaches the series pages (and feeds) that list it and the articles whose
    "この連載の他の記事" names it; a series' change reaches its articles and its feeds. Fronts
    purged by tag need none of this: those pages carry the tags of what they show."""
    specific = page.specific
    if isinstance(specific, SeriesPage):
        holding = [specific]
    elif is_article(specific):
        holding = list(series_holding(page_id=specific.id).live())
    else:
        return []
    paths: set[str] = set()
    for series in holding:
        own = _relative(series)
        if own:
            paths.add(own)
        for kind in ("rss", "atom"):
            paths.add(reverse(f"series:feed-{kind}", args=[series.slug]))
        member_ids = SeriesItem.objects.filter(series_id=series.id).values("page_id")
        for member in (
            article_pages()
            .live()
            .filter(id__in=member_ids)
            .only("id", "url_path", "path", "depth", "locale_id")
        ):
            path = _relative(member)
            if path:
                paths.add(path)
    return sorted(paths)
