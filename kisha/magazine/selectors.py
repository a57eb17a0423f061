"""Reads for the magazine: each page and block in a fixed number of queries, however many issues,
entries and products there are (tests/magazine/test_selectors.py counts them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from kisha.core.memo import generation_cached
from kisha.core.models import KishaImage

from .conf import conf
from .models import (
    IssuePage,
    IssueTocEntry,
    MagazineIndexPage,
    PrintProductPage,
    ProductIndexPage,
    ProductRetailerLink,
    ProductStatus,
    today_jst,
)

# The renditions the templates ask for; prefetching exactly these keeps covers query-free.
COVER_LARGE = "width-480|format-webp"
COVER_THUMB = "fill-240x320-c50|format-webp"
COVER_RENDITIONS = (COVER_LARGE, COVER_THUMB)
# Only what a TOC line shows of an article: not its body.
_ARTICLE_FIELDS = (
    "article__title",
    "article__url_path",
    "article__live",
    "article__depth",
    "article__first_published_at",
)


@dataclass(frozen=True)
class Cover:
    url: str
    width: int
    height: int


def _rendition(image: KishaImage, spec: str) -> Cover:
    """The rendition `spec` of `image` from its prefetched renditions, without Wagtail's image
    tag (which parses the filter and inspects signatures on every call: 1–2 ms a cover, most of
    an archive page's time); built through Wagtail when it is missing."""
    cached = getattr(image, "prefetched_renditions", None)  # prefetch_renditions()' to_attr
    found = None
    if cached is not None:
        found = next((r for r in cached if r.filter_spec == spec), None)
    if found is None:
        found = image.get_rendition(spec)
    return Cover(url=found.url, width=found.width, height=found.height)


def covers_attach(items, *, large: bool = False) -> list:
    """Give each issue or product `.cover` (the thumbnail, or the large cover) or None."""
    spec = COVER_LARGE if large else COVER_THUMB
    for item in items:
        image = item.cover_image if item.cover_image_id else None
        item.cover = _rendition(image, spec) if image is not None else None
    return list(items)


def _covers() -> Prefetch:
    return Prefetch(
        "cover_image", queryset=KishaImage.objects.prefetch_renditions(*COVER_RENDITIONS)
    )


def issues_live() -> QuerySet[IssuePage]:
    """Published, public issues with their covers' renditions, newest cover date first."""
    return (
        IssuePage.objects.live()
        .public()
        .defer_streamfields()
        .prefetch_related(_covers())
        .order_by("-cover_date")
    )


def issue_current(*, index: MagazineIndexPage | None = None) -> IssuePage | None:
    """This week's issue: the live issue with the latest cover date already on sale (JST). An
    issue published ahead of its on-sale date waits in the wings until that day."""
    issues = issues_live().filter(on_sale_date__lte=today_jst())
    if index is not None:
        issues = issues.child_of(index)
    return issues.first()


def product_detail_context(*, product: PrintProductPage, preview: bool = False) -> dict:
    """What a product page shows besides its own fields: the large cover and the retailer
    links, shared by every worker until the next publish (the page then renders from one
    cache read instead of three queries); a preview reads the product being edited."""

    def build() -> dict:
        covers_attach([product], large=True)
        return {"cover": product.cover, "retailer_links": list(product.retailer_links.all())}

    parts = (
        build()
        if preview or product.pk is None
        else _shared(f"kisha:magazine:product:{product.pk}", build)
    )
    product.cover = parts["cover"]
    return {"retailer_links": parts["retailer_links"]}


def issue_current_shared(*, index: MagazineIndexPage) -> IssuePage | None:
    """`issue_current` below `index`, shared by every worker until the next publish or the
    next day in JST (an issue waiting for its on-sale date appears at midnight): the current
    issue page then routes and renders from cache reads alone."""
    return _shared(
        f"kisha:magazine:current:{index.id}:{today_jst().isoformat()}",
        lambda: issue_current(index=index),
    )


def issue_years(*, index: MagazineIndexPage) -> list[int]:
    """Years that have a live issue, newest first: the archive's year navigation. Shared by
    every worker until the next publish (a scan of every issue, 1–2 ms at 520)."""

    def build() -> list[int]:
        dates = IssuePage.objects.live().public().child_of(index).dates("cover_date", "year")
        return sorted((d.year for d in dates), reverse=True)

    return generation_cached(
        f"kisha:magazine:years:{index.id}",
        build,
        timeout=int(conf("KISHA_MAGAZINE_FRAGMENT_SECONDS")),
    )


def _shared(key: str, build):
    """`build()`'s value shared by every worker and server until the next publish (the content
    generation): issue, archive and product pages render from one cache read."""
    return generation_cached(key, build, timeout=int(conf("KISHA_MAGAZINE_FRAGMENT_SECONDS")))


def issues_of_year(*, index: MagazineIndexPage, year: int) -> list[IssuePage]:
    # Issues are the index's children: their URL is the index's and the slug, without
    # Wagtail's per-page URL lookup in the template (a year is 52 covers).
    def build() -> list[IssuePage]:
        base = index.url or ""
        issues = covers_attach(issues_live().child_of(index).filter(cover_date__year=year))
        for issue in issues:
            issue.href = f"{base}{issue.slug}/"
        return issues

    return _shared(f"kisha:magazine:year:{index.id}:{year}", build)


@dataclass
class TocSection:
    name: str
    entries: list[IssueTocEntry] = field(default_factory=list)


def issue_toc(*, issue: IssuePage, preview: bool = False) -> list[TocSection]:
    """The table of contents in sections, in the editor's order; consecutive entries with one
    section name form one section. An article that is no longer live shows as a title only.
    A preview shows the entries being edited, held in memory by modelcluster."""
    if preview:
        entries = list(issue.toc_entries.all())
    else:
        entries = list(
            IssueTocEntry.objects.filter(issue=issue)
            .select_related("article")
            .only(
                "id",
                "sort_order",
                "section",
                "title",
                "byline",
                "print_page",
                "article_id",
                "issue_id",
                *_ARTICLE_FIELDS,
            )
            .order_by("sort_order", "id")
        )
    sections = []
    for name, group in groupby(entries, key=lambda entry: entry.section):
        items = []
        for item in group:
            if item.article_id and not item.article.live:
                if item.article.first_published_at is not None or preview:
                    # A taken-down article leaves its printed title only.
                    item.title = item.title or item.article.title
                # One never published (a draft, or under embargo until its go-live) shows
                # only what the issue prints: its headline is not public yet.
                item.article = None
                if not item.title:
                    continue
            items.append(item)
        if items:
            sections.append(TocSection(name=name, entries=items))
    return sections


def toc_article_ids(*, issue: IssuePage) -> list[int]:
    """The articles an issue's TOC names, shown or not: the issue page carries their cache
    tags, so an article's publication (an embargo's end) or take-down purges the TOC."""
    return list(
        IssueTocEntry.objects.filter(issue=issue, article__isnull=False).values_list(
            "article_id", flat=True
        )
    )


def issue_detail_context(*, issue: IssuePage, preview: bool = False) -> dict:
    """What the issue page shows: the issue with its cover, its TOC, its neighbours, and the
    ids of the articles its TOC names (the page's cache tags). A preview builds them from the
    issue being edited; the published page reads them shared (`_shared`)."""
    if issue.pk is None:  # a preview of a new issue
        covers_attach([issue], large=True)
        return {"issue": issue, "toc": issue_toc(issue=issue, preview=True)}
    if preview:
        return {"issue": issue, **_issue_parts(issue, preview=True)}
    parts = _shared(f"kisha:magazine:issue:{issue.id}", lambda: _issue_parts(issue))
    issue.cover = parts.pop("cover")
    return {"issue": issue, **parts}


def _issue_parts(issue: IssuePage, *, preview: bool = False) -> dict:
    siblings = IssuePage.objects.live().public().sibling_of(issue, inclusive=False)
    if issue.cover_image_id and not hasattr(issue, "_prefetched_objects_cache"):
        prefetch_related_objects([issue], _covers())
    covers_attach([issue], large=True)
    return {
        "cover": issue.cover,
        "toc": issue_toc(issue=issue, preview=preview),
        "toc_article_ids": [] if preview else toc_article_ids(issue=issue),
        "previous_issue": siblings.filter(cover_date__lt=issue.cover_date)
        .order_by("-cover_date")
        .only("id", "title", "url_path", "cover_date", "cover_date_end", "depth", "path")
        .first(),
        "next_issue": siblings.filter(cover_date__gt=issue.cover_date)
        .order_by("cover_date")
        .only("id", "title", "url_path", "cover_date", "cover_date_end", "depth", "path")
        .first(),
    }


def issue_appearances(*, article_id: int) -> list[IssuePage]:
    """The live issues whose TOC lists the article, oldest first: one query."""
    entries = (
        IssueTocEntry.objects.filter(article_id=article_id, issue__live=True)
        .select_related("issue")
        .only(
            "id",
            "issue__id",
            "issue__title",
            "issue__url_path",
            "issue__cover_date",
            "issue__cover_date_end",
            "issue__depth",
            "issue__path",
        )
        .order_by("issue__cover_date")
    )
    seen, issues = set(), []
    for entry in entries:
        if entry.issue.id not in seen:
            seen.add(entry.issue.id)
            issues.append(entry.issue)
    return issues


def products_live() -> QuerySet[PrintProductPage]:
    return (
        PrintProductPage.objects.live()
        .public()
        .prefetch_related(
            _covers(),
            Prefetch("retailer_links", queryset=ProductRetailerLink.objects.order_by("sort_order")),
        )
        .order_by("-on_sale_date", "-id")
    )


def products_listing(*, index: ProductIndexPage | None = None) -> list[PrintProductPage]:
    """Every live product, newest on-sale date first (its status is worked out from the date
    when shown, so the shared list never shows yesterday's 近日発売)."""

    def build() -> list[PrintProductPage]:
        products = products_live()
        if index is not None:
            products = products.child_of(index)
        return covers_attach(products)

    return _shared(f"kisha:magazine:products:{index.id if index else 'all'}", build)


def products_on_offer(*, limit: int = 3) -> list[PrintProductPage]:
    """The sidebar's and footer's products: on sale first, then coming soon; never ended ones."""
    day = today_jst()
    ranked = [p for p in products_live()[:50] if p.status_on(day) != ProductStatus.ENDED]
    ranked.sort(key=lambda p: p.status_on(day) != ProductStatus.ON_SALE)
    return covers_attach(ranked[:limit])


def product_index() -> ProductIndexPage | None:
    return ProductIndexPage.objects.live().public().only("id", "url_path", "path", "depth").first()


def magazine_index() -> MagazineIndexPage | None:
    return MagazineIndexPage.objects.live().public().only("id", "url_path", "path", "depth").first()
