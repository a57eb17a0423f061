"""RSS and Atom for one series: kisha.seo.feeds' ArticleFeed (items, media, bylines, JST, XML
cleaning) narrowed to the series' live articles, newest first."""

from __future__ import annotations

from django.urls import reverse

from kisha.core.cachetags import page_tag
from kisha.seo.feeds import ArticleFeed, KishaAtom, absolute_url, atom_feed, feed_tags_add

from .models import SeriesItem
from .selectors import series_cards, series_feed_articles


class SeriesFeed(ArticleFeed):
    kind = "series"

    def get_object(self, request, slug):
        series = series_cards(covers=False).get(slug=slug)  # DoesNotExist: Django's 404
        # The series' tag (its publish) and its entries' (an article's publish or withdrawal).
        members = SeriesItem.objects.filter(series_id=series.id).values_list("page_id", flat=True)
        feed_tags_add(request, page_tag(series.id), *(page_tag(page_id) for page_id in members))
        return series

    def articles(self, obj):
        return series_feed_articles(series=obj)

    def name(self, obj) -> str:
        return obj.title

    def description(self, obj) -> str:
        return obj.description or super().description(obj)

    def link(self, obj) -> str:
        return obj.get_full_url()

    def feed_url(self, obj) -> str:
        return series_feed_links(obj.slug)["atom" if self.feed_type is KishaAtom else "rss"]


def series_feed_links(slug: str) -> dict[str, str]:
    """The RSS and Atom URLs of a series' feed, absolute, for <link rel="alternate">."""
    return {
        "rss": absolute_url(reverse("series:feed-rss", args=[slug])),
        "atom": absolute_url(reverse("series:feed-atom", args=[slug])),
    }


series_rss, series_atom = SeriesFeed(), atom_feed(SeriesFeed)()
