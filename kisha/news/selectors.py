"""Reads: named, pre-fetched querysets for every listing, so a listing costs a fixed number of
queries whatever its length (tests/news/test_selectors.py counts them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet

from wagtail.models import PageViewRestriction

from kisha.core.memo import Memo
from kisha.core.models import KishaImage

from .models import (
    ArticleAuthor,
    ArticleCorrection,
    ArticleKill,
    ArticlePage,
    ArticleTag,
    Author,
    AuthorIndexPage,
    HomePage,
    SectionPage,
    TopicPage,
)

# The renditions the card and article templates ask for; prefetching exactly these means a
# listing never queries once per card for its thumbnail.
CARD_RENDITIONS = ("fill-320x180-c100|format-webp", "fill-640x360-c100|format-webp")
# Structured data's article images: Google asks for 16:9, 4:3 and 1:1 (kisha.seo.structured).
ARTICLE_IMAGE_RENDITIONS = (
    "fill-1200x675-c50|format-jpeg",
    "fill-1200x900-c50|format-jpeg",
    "fill-1200x1200-c50|format-jpeg",
)
HERO_RENDITIONS = (
    "width-800|format-webp",
    "width-1200|format-webp",
    "width-1200|format-jpeg",  # the social card (kisha.seo.meta)
    *ARTICLE_IMAGE_RENDITIONS,
)


@dataclass(frozen=True)
class SectionInfo:
    id: int
    slug: str
    title: str
    label: str
    url: str
    path: str


# Small lookups every card and page needs, kept per process behind the shared content
# generation (kisha.core.memo): rebuilt on the first request after any change, on every worker.
_sections = Memo(
    "sections",
    lambda: [
        SectionInfo(
            id=s.id, slug=s.slug, title=s.title, label=s.label, url=s.url or "", path=s.path
        )
        for s in SectionPage.objects.live().public().order_by("path")
    ],
)


def sections() -> list[SectionInfo]:
    """Live sections in tree order: the header nav and every card's section label."""
    return _sections.get()


@dataclass(frozen=True)
class TopicInfo:
    id: int
    title: str
    url: str


_topics = Memo(
    "topics",
    lambda: {
        t.id: TopicInfo(id=t.id, title=t.title, url=t.url or "")
        for t in TopicPage.objects.live().public().order_by("path")
    },
)


def topics() -> dict[int, TopicInfo]:
    """Live topics by id: every card's topic label without a join or a query."""
    return _topics.get()


def topic_for(page) -> TopicInfo | None:
    topic_id = getattr(page, "primary_topic_id", None)
    return topics().get(topic_id) if topic_id else None


_restricted = Memo(
    "restricted-paths",
    lambda: tuple(
        PageViewRestriction.objects.values_list("page__path", flat=True).order_by("page__path")
    ),
)


def restricted_paths() -> tuple[str, ...]:
    """Tree paths under a view restriction. Wagtail's `.public()` asks the database on every
    listing; one memo serves every listing, and a new restriction holds on every worker from
    the commit that made it (the generation changes in the same transaction)."""
    return _restricted.get()


def section_for(page) -> SectionInfo | None:
    """The section an article sits in, found by tree path rather than a query per article."""
    for section in sections():
        if page.path.startswith(section.path) and page.path != section.path:
            return section
    return None


# What a card shows and what its URL, section and topic are worked out from. Loading only these
# halves the time spent building model instances for a listing (Page has some forty columns).
CARD_FIELDS = (
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
    "short_headline",
    "lead",
    "first_published_at",
    "last_published_at",
    "substantive_update_at",
    "hero_image_id",
    "primary_topic_id",
)


def article_cards() -> QuerySet[ArticlePage]:
    """Live, public articles with everything a card shows, newest first."""
    queryset = ArticlePage.objects.live().only(*CARD_FIELDS)
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
    # Newest first by walking the first_published_at index and keeping the section's rows:
    # a page of 20 is found after a few dozen rows, however large the archive.
    return article_cards().descendant_of(section)


def section_article_count(*, section: SectionPage) -> int:
    """How many articles a section lists, counted over a path range rather than Wagtail's
    `LIKE 'path%' ESCAPE`, which SQLite cannot answer from the path index (27 ms at 10,000
    articles against 1 ms). Tree paths are digits and capitals (collation C on PostgreSQL), so
    every descendant sorts between the section's path and that path followed by "~"."""
    return (
        article_cards()
        .filter(path__gt=section.path, path__lt=f"{section.path}~")
        .order_by()
        .count()
    )


def topics_listing(*, index) -> QuerySet[TopicPage]:
    """The topics under the トピック index, live and public, in 五十音 order: by reading (filled
    from SudachiPy in the admin), then by title."""
    return TopicPage.objects.child_of(index).live().public().order_by("reading", "title")


def topic_articles(*, topic: TopicPage) -> QuerySet[ArticlePage]:
    return article_cards().filter(primary_topic=topic)


def author_articles(*, author: Author) -> QuerySet[ArticlePage]:
    return article_cards().filter(authors=author)


def byline_prefetch() -> Prefetch:
    """Listings' bylines in one query: each article's ArticleAuthor rows with their authors,
    in the editor's order (read them with `byline`)."""
    return Prefetch(
        "author_links",
        queryset=ArticleAuthor.objects.select_related("author").only(
            "id", "page_id", "sort_order", "author__id", "author__name", "author__slug"
        ),
    )


def byline(article: ArticlePage) -> list[Author]:
    """An article's authors in the editor's order: from `byline_prefetch` when the listing
    prefetched them, from the revision's own rows in a preview, else in one query."""
    if "author_links" in getattr(article, "_prefetched_objects_cache", {}):
        links = article.author_links.all()
    else:
        links = article.author_links.select_related("author")
    return [link.author for link in links]


def author_index() -> AuthorIndexPage | None:
    return AuthorIndexPage.objects.live().first()


def _author_index_url() -> str:
    index_page = author_index()
    return (index_page.url or "") if index_page else ""


_author_index = Memo("author-index-url", _author_index_url)


def author_index_url() -> str:
    """The 執筆者 index's URL: every byline link needs it."""
    return _author_index.get()


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
        "article_authors": byline(article),
        "topic": topic_for(article),
        "article_tags": list(article.tags.all()),
        "corrections": article_corrections(article=article),
    }


def article_corrections(*, article: ArticlePage) -> list:
    """An article's corrections, oldest first (as they happened). From the revision's own
    rows in a preview, from the database otherwise."""
    return sorted(article.corrections.all(), key=lambda c: (c.noted_at, c.pk or 0))


def corrections_listing() -> QuerySet:
    """Every correction of a live, public article, newest first, with what the list shows of
    the article (its URL is worked out from url_path, without a query per row)."""
    queryset = ArticleCorrection.objects.filter(article__live=True)
    restricted = restricted_paths()
    if restricted:
        private = Q()
        for path in restricted:
            private |= Q(article__path__startswith=path)
        queryset = queryset.exclude(private)
    return (
        queryset.select_related("article")
        .only(
            "id",
            "noted_at",
            "kind",
            "text",
            "article_id",
            "article__id",
            "article__title",
            "article__url_path",
            "article__path",
            "article__depth",
            "article__locale_id",
            "article__live",
        )
        .order_by("-noted_at", "-id")
    )


# Other apps read news' data through the functions below rather than its models
# (docs/architecture.md, "Allowed arrows"): they say what is read, and news can change how.


def live_article_ids(ids=None) -> frozenset[int]:
    """The ids of live, public articles (the rule of article_cards()), or of those among `ids`:
    what the rankings may count and rank."""
    queryset = article_cards().prefetch_related(None).order_by()
    if ids is not None:
        queryset = queryset.filter(id__in=list(ids))
    return frozenset(queryset.values_list("id", flat=True))


def article_pages() -> QuerySet[ArticlePage]:
    """Every article in any state (drafts, unpublished, restricted): for the admin, the sitemaps'
    own filters and look-ups by id. Public listings use article_cards()."""
    return ArticlePage.objects.all()


def article_tags() -> QuerySet[ArticleTag]:
    """The (article, tag) rows of every article."""
    return ArticleTag.objects.all()


def authors() -> QuerySet[Author]:
    return Author.objects.all()


def home_pages() -> QuerySet[HomePage]:
    return HomePage.objects.all()


def section_pages() -> QuerySet[SectionPage]:
    return SectionPage.objects.all()


def topic_pages() -> QuerySet[TopicPage]:
    return TopicPage.objects.all()


def corrections() -> QuerySet[ArticleCorrection]:
    return ArticleCorrection.objects.all()


def kills() -> QuerySet[ArticleKill]:
    """Every 記事取り消し on record (the partner feed's reasons, the newsroom's kill list)."""
    return ArticleKill.objects.all()


def article_content_type_id() -> int:
    """The ContentType id of ArticlePage (Django caches it per process)."""
    return ContentType.objects.get_for_model(ArticlePage).id


_KINDS = (
    (ArticlePage, "article"),
    (HomePage, "home"),
    (SectionPage, "section"),
    (TopicPage, "topic"),
)


def page_kind(page) -> str | None:
    """ "article", "home", "section" or "topic" for news' page types (a page, specific or not by
    its class), None for any other page."""
    page_class = page if isinstance(page, type) else type(page)
    for model, kind in _KINDS:
        if issubclass(page_class, model):
            return kind
    return None


def is_article(page) -> bool:
    """Whether a page (an instance or a class) is an article."""
    return page_kind(page) == "article"
