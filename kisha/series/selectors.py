"""Reads for series: each costs a fixed number of queries however many articles a series holds
or how many series an article is in (tests/series/test_selectors.py counts them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.encoding import iri_to_uri

from wagtail.images.models import Filter
from wagtail.models import Page

from kisha.core.memo import generation_cached
from kisha.core.models import KishaImage
from kisha.core.text import jst_datetime, jst_iso
from kisha.news.selectors import article_cards, article_pages, restricted_paths
from kisha.seo.selectors import site_root

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
    "reading",
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


THUMB_RENDITION = "fill-320x180-c100|format-webp"  # one of news.selectors.CARD_RENDITIONS


@dataclass(frozen=True)
class Entry:
    """One line of the series page, worked out in Python once: the template only prints it
    (a per-entry include, `{% pageurl %}` and `{% image %}` cost some 3 ms an entry)."""

    id: int
    title: str
    url: str
    date_label: str = ""
    date_iso: str = ""
    thumb_url: str = ""
    thumb_width: int = 0
    thumb_height: int = 0
    is_series: bool = False
    kicker: str = ""
    article_count: int = 0


def _url(page, root) -> str:
    """The page's URL from its url_path (as kisha.seo.sitemaps), not Wagtail's per-page lookup
    of the site; pages outside the default site fall back to Wagtail."""
    return _path_url(page.url_path, root) or page.url or ""


def _path_url(url_path: str, root) -> str:
    """A URL from a url_path under the default site's root; empty for one outside it."""
    if root is not None and url_path.startswith(root.url_path):
        return iri_to_uri(url_path[len(root.url_path) - 1 :])
    return ""


def _article_entries(ids: set[int], root) -> dict[int, Entry]:
    """The entries of articles already checked visible, from their columns and their photos'
    prefetched renditions: no ArticlePage instances (each costs modelcluster's and Wagtail's
    set-up, a third of the series page's time at 30 entries)."""
    rows = (
        article_pages()
        .filter(id__in=ids)
        .order_by()
        .values_list("id", "title", "url_path", "first_published_at", "hero_image_id")
    )
    rows = list(rows)
    images = {
        image.id: image
        for image in KishaImage.objects.filter(
            id__in={row[4] for row in rows if row[4] is not None}
        ).prefetch_renditions(THUMB_RENDITION)
    }
    elsewhere = [row[0] for row in rows if not _path_url(row[2], root)]  # another site's pages
    urls = {page.id: page.url or "" for page in Page.objects.filter(id__in=elsewhere)}
    thumb = Filter(spec=THUMB_RENDITION)
    entries = {}
    for page_id, title, url_path, published, image_id in rows:
        image = images.get(image_id)
        rendition = image.get_rendition(thumb) if image is not None else None
        entries[page_id] = Entry(
            id=page_id,
            title=title,
            url=urls.get(page_id) or _path_url(url_path, root),
            date_label=jst_datetime(published),
            date_iso=jst_iso(published),
            thumb_url=rendition.url if rendition else "",
            thumb_width=rendition.width if rendition else 0,
            thumb_height=rendition.height if rendition else 0,
        )
    return entries


def _series_entry(series: SeriesPage, root) -> Entry:
    return Entry(
        id=series.id,
        title=series.title,
        url=_url(series, root),
        is_series=True,
        kicker=series.label,
        article_count=series.article_count,
    )


@dataclass
class SeasonGroup:
    """One heading of the series page: a season (or none) and its entries in order."""

    number: int | None
    title: str = ""
    description: str = ""
    entries: list[tuple[int, Entry]] = field(default_factory=list)  # (number in the series, …)

    @property
    def label(self) -> str:
        return f"シーズン{self.number}" if self.number is not None else ""


def series_detail(*, series: SeriesPage, number: str | int = 1) -> dict:
    """Page `number` of the series page: its readers' entries (live, public) in order, seasons
    in number order, KISHA_SERIES_PAGE_SIZE to a page, grouped under their season headings.

    Six to eight queries at any length: seasons, entries, which of them readers may see, the
    page's articles with their photos (two), and nested series when there are any. Only the
    page's entries are built, so a series of 500 costs about what one of 30 does. A malformed
    or out-of-range `number` is Http404 (kisha.core.pagination.paginate)."""
    seasons = list(series.seasons.order_by("number"))
    rows = list(
        SeriesItem.objects.filter(series_id=series.id)
        .order_by("sort_order", "id")
        .values_list("page_id", "season", "page__content_type__model")
    )
    article_ids = {page_id for page_id, _, model in rows if model == "articlepage"}
    nested = {page_id for page_id, _, model in rows if model == "seriespage"}
    visible: set[int] = set()
    if article_ids:
        visible.update(
            article_cards()
            .prefetch_related(None)
            .filter(id__in=article_ids)
            .order_by()
            .values_list("id", flat=True)
        )
    if nested:
        visible.update(
            _public(SeriesPage.objects.filter(id__in=nested)).values_list("id", flat=True)
        )
    # Seasons in number order (entries without one first), the editor's order within each.
    order = {s.number: i for i, s in enumerate(seasons)}
    shown = sorted(
        ((page_id, season) for page_id, season, _ in rows if page_id in visible),
        key=lambda row: order.get(row[1], -1),
    )
    size = int(conf("KISHA_SERIES_PAGE_SIZE"))
    try:
        page = Paginator(shown, size, allow_empty_first_page=True).page(number)
    except (PageNotAnInteger, EmptyPage) as exc:
        raise Http404("ページが見つかりません") from exc
    on_page = list(page.object_list)
    root = site_root()
    entries: dict[int, Entry] = {}
    page_ids = {page_id for page_id, _ in on_page}
    if page_ids & article_ids:
        entries.update(_article_entries(page_ids & article_ids, root))
    if page_ids & nested:
        for sub in series_cards(covers=False).filter(id__in=page_ids & nested):
            entries[sub.id] = _series_entry(sub, root)
    by_number = {s.number: s for s in seasons}
    groups: list[SeasonGroup] = []
    for position, (page_id, season) in enumerate(on_page, start=page.start_index()):
        entry = entries.get(page_id)
        if entry is None:  # withdrawn between the two reads
            continue
        key = season if season in by_number else None
        if not groups or groups[-1].number != key:
            info = by_number.get(key)
            groups.append(
                SeasonGroup(key, info.title if info else "", info.description if info else "")
            )
        groups[-1].entries.append((position, entry))
    # Where each season starts, for the contents line of a series in seasons.
    starts: dict[int, int] = {}
    for index, (_, season) in enumerate(shown):
        if season in by_number and season not in starts:
            starts[season] = index // size + 1
    contents = [
        {
            "number": s.number,
            "label": f"シーズン{s.number}",
            "title": s.title,
            "page": starts[s.number],
        }
        for s in seasons
        if s.number in starts
    ]
    return {
        "season_groups": groups,
        "season_contents": contents,
        "has_seasons": bool(seasons),
        "article_total": sum(1 for page_id, _ in shown if page_id not in nested),
        "entries_page": page,
        "shown_ids": [page_id for page_id, _ in on_page],
    }


def series_detail_shared(*, series: SeriesPage, number: str | int = 1) -> dict:
    """`series_detail`, shared by every worker and server until the next publish (the content
    generation): the page then renders from one cache read instead of six to eight queries and
    building its entries. Only a page that exists is kept; a malformed or out-of-range `number`
    is Http404 as before, so junk numbers never fill the cache."""
    try:
        key = int(number)
    except (TypeError, ValueError):
        key = None
    if key is None or key < 1:
        return series_detail(series=series, number=number)
    return generation_cached(
        f"kisha:series:detail:{series.id}:{key}",
        lambda: series_detail(series=series, number=key),
        timeout=int(conf("KISHA_SERIES_FRAGMENT_SECONDS")),
    )


@dataclass(frozen=True)
class NavLink:
    """An article as the series navigation links to it: its list headline and URL."""

    id: int
    card_title: str
    url: str


@dataclass
class SeriesNav:
    """この連載の他の記事, for one series an article belongs to."""

    series: SeriesPage
    url: str  # the series page's
    position: int  # 1-based, among the series' live articles
    total: int
    season: int | None
    previous: NavLink | None
    next: NavLink | None
    nearby: list[NavLink]  # a short run of the series' articles around this one (itself included)

    @property
    def season_label(self) -> str:
        return f"シーズン{self.season}" if self.season is not None else ""


def _at(visible: list, position: int, articles: dict):
    return articles.get(visible[position][0]) if 0 <= position < len(visible) else None


def series_navs(*, article) -> list[SeriesNav]:
    """Every live series that holds `article`, with its neighbours: four queries however
    many series and articles (the series' entries, the series, which entries readers may see,
    the headlines shown); one when it is in no series."""
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
    # Which entries readers may see, by id only: building a model instance for each of a long
    # series' articles cost 28 ms for three series of 605 in all; only the few shown are loaded.
    readable = set(
        article_cards()
        .prefetch_related(None)
        .filter(id__in={row[1] for row in rows})
        .order_by()
        .values_list("id", flat=True)
    )
    count = int(conf("KISHA_SERIES_NAV_COUNT"))
    plans = []
    for series in series_list:
        own = sorted(
            (r for r in rows if r[0] == series.id),
            # Seasons in number order (articles without one first), then the editor's order.
            key=lambda r: (r[2] is not None, r[2] or 0, r[3], r[4]),
        )
        visible = [(r[1], r[2]) for r in own if r[1] in readable]
        index = next((i for i, (page_id, _) in enumerate(visible) if page_id == article.id), None)
        if index is None:
            continue
        start = max(0, min(index - count // 2, len(visible) - count))
        plans.append((series, visible, index, start))
    wanted = {
        page_id
        for _, visible, index, start in plans
        for page_id, _ in visible[max(0, min(start, index - 1)) : max(start + count, index + 2)]
    }
    root = site_root()
    articles = _nav_links(wanted, root) if wanted else {}
    navs = []
    for series, visible, index, start in plans:
        navs.append(
            SeriesNav(
                series=series,
                url=_url(series, root),
                position=index + 1,
                total=len(visible),
                season=visible[index][1],
                previous=_at(visible, index - 1, articles),
                next=_at(visible, index + 1, articles),
                nearby=[
                    articles[page_id]
                    for page_id, _ in visible[start : start + count]
                    if page_id in articles
                ],
            )
        )
    return navs


def _nav_links(ids: set[int], root) -> dict[int, NavLink]:
    """Links for articles already checked readable, from their columns: no page instances
    and no per-link site lookup ({% pageurl %}), which cost a few ms for three series."""
    rows = list(
        article_pages()
        .filter(id__in=ids)
        .values_list("id", "short_headline", "listing_title", "title", "url_path")
    )
    links = {}
    elsewhere = {row[0] for row in rows if not _path_url(row[4], root)}  # another site's pages
    urls = {page.id: page.url or "" for page in Page.objects.filter(id__in=elsewhere)}
    for page_id, short, listing, title, url_path in rows:
        links[page_id] = NavLink(
            id=page_id,
            card_title=short or listing or title,
            url=urls.get(page_id) or _path_url(url_path, root),
        )
    return links


def series_sidebar() -> list[SeriesPage]:
    """The series the sidebar links to (show_in_sidebar), in tree order, with covers."""
    count = int(conf("KISHA_SERIES_SIDEBAR_COUNT"))
    return list(series_cards().filter(show_in_sidebar=True)[:count])


def series_holding(*, page_id: int) -> QuerySet[SeriesPage]:
    """Series (live or not) with `page_id` among their entries: what a change to it purges."""
    return SeriesPage.objects.filter(
        id__in=SeriesItem.objects.filter(page_id=page_id).values("series_id")
    )


def series_memberships(*, page_ids: Iterable[int] | None = None) -> dict[int, frozenset[int]]:
    """{page id: the live series listing it} for `page_ids` (every listed page when None), in
    one query: what recommendations use to show at most two articles of one series."""
    items = SeriesItem.objects.filter(series__live=True)
    if page_ids is not None:
        items = items.filter(page_id__in=list(page_ids))
    found: dict[int, set[int]] = {}
    for page_id, series_id in items.values_list("page_id", "series_id"):
        found.setdefault(page_id, set()).add(series_id)
    return {page_id: frozenset(ids) for page_id, ids in found.items()}


def series_feed_articles(*, series: SeriesPage) -> QuerySet:
    """A series' live articles, newest first, for its feed (kisha.series.feeds)."""
    return article_cards().filter(
        id__in=SeriesItem.objects.filter(series_id=series.id).values("page_id")
    )
