"""The sidebar's series block (slot "series"), a cached fragment; and the paths a URL-purged
front must drop when a series or one of its articles changes.

The block's cache key follows the content generation (kisha.core.memo.generation_key), which
every publish, unpublish, move or delete rewrites in its own transaction: the next request after
a publish renders a new block on every worker, and an old one is never read again. The pages
that carry the block are purged by the series' publish itself: a series is not an article, so
news.services.tags_showing purges its whole site (every page shows the sidebar).
"""

from __future__ import annotations

from django.template.loader import render_to_string

from kisha.core.memo import generation_cached

from .conf import conf

FRAGMENT_KEY = "kisha:series:sidebar"


def series_block_html() -> str:
    """The block's HTML, empty when no series is live; cached until the next publish."""

    def build() -> str:
        from .selectors import series_sidebar

        entries = series_sidebar()
        return render_to_string("series/sidebar.html", {"series_list": entries}) if entries else ""

    return generation_cached(
        FRAGMENT_KEY, build, timeout=int(conf("KISHA_SERIES_FRAGMENT_SECONDS"))
    )


def series_slot(request, context: dict) -> str:
    return series_block_html()


def _relative(page) -> str | None:
    parts = page.get_url_parts()
    return parts[2] if parts else None


def series_purge_paths(page) -> list[str]:
    """For fronts purged by URL (kisha.core.frontend_cache.register_purge_paths): an article's
    change reaches the series pages (and feeds) that list it and the articles whose
    "この連載の他の記事" names it; a series' change reaches its articles and its feeds. Fronts
    purged by tag need none of this: those pages carry the tags of what they show."""
    from django.urls import reverse

    from kisha.news.models import ArticlePage

    from .models import SeriesItem, SeriesPage
    from .selectors import series_holding

    specific = page.specific
    if isinstance(specific, SeriesPage):
        holding = [specific]
    elif isinstance(specific, ArticlePage):
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
            ArticlePage.objects.live()
            .filter(id__in=member_ids)
            .only("id", "url_path", "path", "depth", "locale_id")
        ):
            path = _relative(member)
            if path:
                paths.add(path)
    return sorted(paths)
