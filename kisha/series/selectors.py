"""Reads for series: each costs a fixed number of queries however many articles a series holds
or how many series an article is in (tests/series/test_selectors.py counts them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from kisha.core.models import KishaImage
from kisha.news.models import ArticlePage
from kisha.news.selectors import article_cards, restricted_paths

from .conf import conf
from .models import SeriesItem, SeriesPage

COVER_RENDITIONS = ("fill-640x360-c50|format-webp", "fill-320x180-c50|format-webp")
SERIES_FIELDS = (
    "id",
    "content_type_id",
    "path",
    "depth",
    "url_path",
    "slug",
    "live",
    "locale_id",
    "title",
    "listing_title",
    "listing_summary",
    "kicker",
    "description",
    "cover_image_id",
    "show_in_sidebar",
    "first_published_at",
    "last_published_at",
)


def _public(queryset: QuerySet) -> QuerySet:
    """Live and outside every view restriction, from the memo of restricted paths (as
    news.selectors.article_cards) rather than Wagtail's `.public()` query per listing."""
    queryset = queryset.live()
    restricted = restricted_paths()
    if restricted:
        private = Q()
        for path in restricted:
            private |= Q(path__startswith=path)
        queryset = queryset.exclude(private)
    return queryset


def series_cards(*, covers: bool = True) -> QuerySet[SeriesPage]:
    """Live, public series in tree order (editors order them in the page explorer), with the
    number of live articles each holds and, with `covers`, their cover renditions."""
    queryset = (
        _public(SeriesPage.objects.all())
        .only(*SERIES_FIELDS)
        .annotate(
            article_count=Count(
                "items",
                filter=Q(
                    items__page__live=True,
                    items__page__content_type__model="articlepage",
                    items__page__content_type__app_label="news",
                ),
            )
        )
        .order_by("path")
    )
    if covers:
        queryset = queryset.prefetch_related(
            Prefetch(
                "cover_image", queryset=KishaImage.objects.prefetch_renditions(*COVER_RENDITIONS)
            )
        )
    return queryset


@dataclass
class SeasonGroup:
    """One heading of the series page: a season (or none) and its entries in order."""

    number: int | None
    title: str = ""
    description: str = ""
    entries: list = field(default_factory=list)  # ArticlePage or SeriesPage, in order

    @property
    def label(self) -> str:
        return f"シーズン{self.number}" if self.number is not None else ""


def series_detail(*, series: SeriesPage) -> dict:
    """The series page: its entries grouped by season in order, readers' entries only (live,
    public). Four to six queries whatever the length: seasons, entries, articles with their
    photos, and nested series when there are any."""
    seasons = list(series.seasons.order_by("number"))
    rows = list(
        SeriesItem.objects.filter(series_id=series.id)
        .order_by("sort_order", "id")
        .values_list("page_id", "season", "page__content_type__model")
    )
    article_ids = [page_id for page_id, _, model in rows if model == "articlepage"]
    nested_ids = [page_id for page_id, _, model in rows if model == "seriespage"]
    pages: dict[int, object] = {}
    if article_ids:
        pages.update((a.id, a) for a in article_cards().filter(id__in=article_ids))
    if nested_ids:
        for nested in series_cards(covers=False).filter(id__in=nested_ids):
            nested.is_series = True  # the template links it as a series, not an article
            pages[nested.id] = nested
    groups = {s.number: SeasonGroup(s.number, s.title, s.description) for s in seasons}
    loose = SeasonGroup(None)
    for page_id, season, _ in rows:
        page = pages.get(page_id)
        if page is not None:
            groups.get(season, loose).entries.append(page)
    ordered = [loose, *groups.values()] if loose.entries else list(groups.values())
    if not ordered:
        ordered = [loose]
    shown = [p for g in ordered for p in g.entries]
    return {
        "season_groups": [g for g in ordered if g.entries or g.number is not None],
        "has_seasons": bool(seasons),
        "article_total": sum(1 for p in shown if isinstance(p, ArticlePage)),
        "shown_ids": [p.id for p in shown],
    }


@dataclass
class SeriesNav:
    """この連載の他の記事, for one series an article belongs to."""

    series: SeriesPage
    position: int  # 1-based, among the series' live articles
    total: int
    season: int | None
    previous: ArticlePage | None
    next: ArticlePage | None
    nearby: list  # a short run of the series' articles around this one (itself included)

    @property
    def season_label(self) -> str:
        return f"シーズン{self.season}" if self.season is not None else ""


def series_navs(*, article: ArticlePage) -> list[SeriesNav]:
    """Every live series that holds `article`, with its neighbours: three queries however
    many series and articles (the series' entries, the series, the articles' headlines)."""
    holding = SeriesItem.objects.filter(page_id=article.id).values("series_id")
    rows = list(
        SeriesItem.objects.filter(series_id__in=holding, series__live=True)
        .filter(page__content_type__model="articlepage")
        .values_list("series_id", "page_id", "season", "sort_order", "id")
    )
    if not rows:
        return []
    series_ids = {row[0] for row in rows}
    series_list = list(
        _public(SeriesPage.objects.filter(id__in=series_ids)).only(*SERIES_FIELDS).order_by("path")
    )
    if not series_list:
        return []
    articles = {
        a.id: a
        for a in article_cards().filter(id__in={row[1] for row in rows}).prefetch_related(None)
    }
    count = int(conf("KISHA_SERIES_NAV_COUNT"))
    navs = []
    for series in series_list:
        own = sorted(
            (r for r in rows if r[0] == series.id),
            # Seasons in number order (articles without one first), then the editor's order.
            key=lambda r: (r[2] is not None, r[2] or 0, r[3], r[4]),
        )
        visible = [(articles[r[1]], r[2]) for r in own if r[1] in articles]
        index = next((i for i, (a, _) in enumerate(visible) if a.id == article.id), None)
        if index is None:
            continue
        start = max(0, min(index - count // 2, len(visible) - count))
        navs.append(
            SeriesNav(
                series=series,
                position=index + 1,
                total=len(visible),
                season=visible[index][1],
                previous=visible[index - 1][0] if index > 0 else None,
                next=visible[index + 1][0] if index + 1 < len(visible) else None,
                nearby=[a for a, _ in visible[start : start + count]],
            )
        )
    return navs


def series_sidebar() -> list[SeriesPage]:
    """The series the sidebar links to (show_in_sidebar), in tree order, with covers."""
    count = int(conf("KISHA_SERIES_SIDEBAR_COUNT"))
    return list(series_cards().filter(show_in_sidebar=True)[:count])


def series_holding(*, page_id: int) -> QuerySet[SeriesPage]:
    """Series (live or not) with `page_id` among their entries: what a change to it purges."""
    return SeriesPage.objects.filter(
        id__in=SeriesItem.objects.filter(page_id=page_id).values("series_id")
    )


def series_feed_articles(*, series: SeriesPage) -> QuerySet[ArticlePage]:
    """A series' live articles, newest first, for its feed (kisha.series.feeds)."""
    return article_cards().filter(
        id__in=SeriesItem.objects.filter(series_id=series.id).values("page_id")
    )
