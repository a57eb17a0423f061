"""Reads: named, pre-fetched querysets for every listing, so a listing costs a fixed number of
queries whatever its length (tests/news/test_selectors.py counts them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet

from wagtail.models import PageViewRestriction

from kisha.core.models import KishaImage

from .models import ArticlePage, Author, AuthorIndexPage, HomePage, SectionPage, TopicPage

# The renditions the card and article templates ask for; prefetching exactly these means a
# listing never queries once per card for its thumbnail.
CARD_RENDITIONS = ("fill-320x180-c100|format-webp", "fill-640x360-c100|format-webp")
HERO_RENDITIONS = ("width-800|format-webp", "width-1200|format-webp", "width-1200|format-jpeg")
NAV_CACHE_KEY = "kisha:news:sections:v1"
TOPICS_CACHE_KEY = "kisha:news:topics:v1"
RESTRICTED_CACHE_KEY = "kisha:news:restricted-paths:v1"
AUTHOR_INDEX_CACHE_KEY = "kisha:news:author-index-url:v1"
NAV_CACHE_SECONDS = 300


@dataclass(frozen=True)
class SectionInfo:
    id: int
    slug: str
    title: str
    label: str
    url: str
    path: str


def sections() -> list[SectionInfo]:
    """Live sections in tree order, cached: the header nav and every card's section label."""
    cached = cache.get(NAV_CACHE_KEY)
    if cached is not None:
        return cached
    result = [
        SectionInfo(
            id=s.id, slug=s.slug, title=s.title, label=s.label, url=s.url or "", path=s.path
        )
        for s in SectionPage.objects.live().public().order_by("path")
    ]
    cache.set(NAV_CACHE_KEY, result, NAV_CACHE_SECONDS)
    return result


@dataclass(frozen=True)
class TopicInfo:
    id: int
    title: str
    url: str


def topics() -> dict[int, TopicInfo]:
    """Live topics by id, cached: every card's topic label without a join or a query."""
    cached = cache.get(TOPICS_CACHE_KEY)
    if cached is not None:
        return cached
    result = {
        t.id: TopicInfo(id=t.id, title=t.title, url=t.url or "")
        for t in TopicPage.objects.live().public().order_by("path")
    }
    cache.set(TOPICS_CACHE_KEY, result, NAV_CACHE_SECONDS)
    return result


def topic_for(page) -> TopicInfo | None:
    topic_id = getattr(page, "primary_topic_id", None)
    return topics().get(topic_id) if topic_id else None


def restricted_paths() -> tuple[str, ...]:
    """Tree paths under a view restriction, cached. Wagtail's `.public()` asks the database on
    every listing; restrictions change rarely, so one cached tuple serves every listing."""
    cached = cache.get(RESTRICTED_CACHE_KEY)
    if cached is None:
        cached = tuple(
            PageViewRestriction.objects.values_list("page__path", flat=True).order_by("page__path")
        )
        cache.set(RESTRICTED_CACHE_KEY, cached, NAV_CACHE_SECONDS)
    return cached


def news_clear_cache() -> None:
    """Forget the cached sections, topics, restrictions and author index (tree or rules changed)."""
    cache.delete_many(
        [NAV_CACHE_KEY, TOPICS_CACHE_KEY, RESTRICTED_CACHE_KEY, AUTHOR_INDEX_CACHE_KEY]
    )


def section_for(page) -> SectionInfo | None:
    """The section an article sits in, found by tree path rather than a query per article."""
    for section in sections():
        if page.path.startswith(section.path) and page.path != section.path:
            return section
    return None


def article_cards() -> QuerySet[ArticlePage]:
    """Live, public articles with everything a card shows, newest first."""
    queryset = ArticlePage.objects.live().defer_streamfields()
    restricted = restricted_paths()
    if restricted:
        private = Q()
        for path in restricted:
            private |= Q(path__startswith=path)
        queryset = queryset.exclude(private)
    return queryset.prefetch_related(
        Prefetch("hero_image", queryset=KishaImage.objects.prefetch_renditions(*CARD_RENDITIONS)),
    ).order_by("-first_published_at", "-id")


def section_articles(*, section: SectionPage) -> QuerySet[ArticlePage]:
    return article_cards().descendant_of(section)


def topic_articles(*, topic: TopicPage) -> QuerySet[ArticlePage]:
    return article_cards().filter(primary_topic=topic)


def author_articles(*, author: Author) -> QuerySet[ArticlePage]:
    return article_cards().filter(authors=author)


def author_index() -> AuthorIndexPage | None:
    return AuthorIndexPage.objects.live().first()


def author_index_url() -> str:
    """The 執筆者 index's URL, cached: every byline link needs it."""
    url = cache.get(AUTHOR_INDEX_CACHE_KEY)
    if url is None:
        index_page = author_index()
        url = (index_page.url or "") if index_page else ""
        cache.set(AUTHOR_INDEX_CACHE_KEY, url, NAV_CACHE_SECONDS)
    return url


def home_listing(*, home: HomePage) -> dict:
    """Top stories picked by editors, filled with the latest; then 最新記事 without repeats."""
    picked_ids = list(home.top_stories.order_by("sort_order").values_list("article_id", flat=True))
    picked = {a.id: a for a in article_cards().filter(id__in=picked_ids)} if picked_ids else {}
    top = [picked[i] for i in picked_ids if i in picked]
    latest = list(article_cards()[: HomePage.LATEST + HomePage.TOP_STORIES])
    seen = {a.id for a in top}
    for article in latest:
        if len(top) >= HomePage.TOP_STORIES:
            break
        if article.id not in seen:
            top.append(article)
            seen.add(article.id)
    rest = [a for a in latest if a.id not in seen][: HomePage.LATEST]
    return {"top_stories": top, "latest_articles": rest}


def article_detail_context(*, article: ArticlePage) -> dict:
    """What an article page shows besides its own fields, in a fixed number of queries."""
    hero = None
    if article.hero_image_id:
        hero = (
            KishaImage.objects.prefetch_renditions(*HERO_RENDITIONS)
            .filter(id=article.hero_image_id)
            .first()
        )
    return {
        "section": section_for(article),
        "hero": hero,
        "article_authors": list(article.authors.all()),
        "topic": topic_for(article),
        "article_tags": list(article.tags.all()),
    }
