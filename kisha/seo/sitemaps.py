"""Sitemaps: an index at /sitemap.xml, one sitemap per kind of page (articles in files of at
most KISHA_SITEMAP_URLS URLs, sections/topics/other pages, authors) and a Google News sitemap
of the last 48 hours (docs/distribution.md, "Sitemaps").

Written as XML by hand rather than through django.contrib.sitemaps: its views build each URL
from the request's host (Kisha's one host is KISHA_SITE_URL), page through `?p=N` (which
Kisha's page cache does not key), and render a template per URL, where the news sitemap must
answer in a few milliseconds at 100,000 articles (bench/distribution.py). Rows are read as
tuples, never as pages, and each sitemap costs a fixed number of queries whatever its length
(tests/seo/test_sitemaps.py).

What is listed: live pages of the default site that are neither scheduled (`go_live_at` still
ahead: an embargo) nor expired, nor under a view restriction on themselves or an ancestor
(`restricted_paths()`, the memo every listing uses). Drafts are never live.

Every sitemap says what it shows with cache tags (kisha.core.cachetags): the home page (every
article's publish, unpublish or edit purges it), the site (a restriction, a move, a section's
change purges it), and for the authors' sitemap and the index the 執筆者 index page (an
author's change purges it), so Kisha's page cache and Varnish keep them exactly as long as
they are right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest, Length, Substr
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.views.decorators.http import require_safe

from wagtail.models import Page

from kisha.core.cachetags import page_tag, site_tag, tags_add
from kisha.core.models import KishaImage
from kisha.core.sites import site_url
from kisha.core.text import to_jst
from kisha.news.selectors import (
    article_content_type_id,
    article_pages,
    authors,
    restricted_paths,
)

from . import conf
from .feeds import MEDIA_RENDITION, xml_text
from .selectors import SiteRoot, absolute, site_root

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
# Google News: articles published in the last two days, at most 1,000 per sitemap.
NEWS_WINDOW = dt.timedelta(hours=48)
NEWS_MAX = 1000
# A sitemap request builds at most this many missing image renditions (the feed and the
# article page build them too); the rest are listed once a later fetch finds them built.
RENDITIONS_BUILT_MAX = 10
CONTENT_TYPE = "application/xml; charset=utf-8"


# Building blocks


def w3c(value: dt.datetime | None) -> str:
    """W3C datetime in Tokyo time: 2019-12-10T15:00:00+09:00."""
    return to_jst(value).isoformat(timespec="seconds") if value else ""


def text(value) -> str:
    return escape(xml_text(value))


def listed(queryset: QuerySet, root: SiteRoot, *, tree: bool = True) -> QuerySet:
    """Live pages of the site a crawler may read: not scheduled, not expired, not restricted.
    `tree=False` leaves out the filter on the site's tree when there is only one site."""
    now = timezone.now()
    if tree or not root.only_site:
        # With one site the filter matches every page; left out, it cannot lead a planner with
        # stale statistics to the path index (after a bulk load PostgreSQL read all 100,000
        # articles that way for the news sitemap's 48 hours: 48 ms against 3 ms).
        queryset = queryset.filter(path__startswith=root.path)
    queryset = queryset.filter(live=True).filter(
        Q(go_live_at__isnull=True) | Q(go_live_at__lte=now),
        Q(expire_at__isnull=True) | Q(expire_at__gt=now),
    )
    private = Q()
    for path in restricted_paths():
        private |= Q(path__startswith=path)
    return queryset.exclude(private) if private else queryset


def _restricted(path: str) -> bool:
    return any(path.startswith(restricted) for restricted in restricted_paths())


def article_modified():
    """An article's lastmod in SQL: its 更新 time (the editor's substantive update or latest
    correction, ArticlePage.modified_at), else its first publication. A republication alone
    (a typo fix) does not move it."""
    return Coalesce(Greatest("substantive_update_at", "first_published_at"), "first_published_at")


def articles(root: SiteRoot) -> QuerySet:
    return listed(article_pages(), root, tree=False).order_by()


def _respond(request: HttpRequest, body: Iterable[str], root: SiteRoot | None) -> HttpResponse:
    if root is not None:
        tags = [page_tag(root.page_id), site_tag(root.site_id)]
        if root.author_index_id:
            tags.append(page_tag(root.author_index_id))
        tags_add(request, *tags)
    response = HttpResponse("".join(body), content_type=CONTENT_TYPE)
    # Search engines read sitemaps; nobody needs them in search results.
    response["X-Robots-Tag"] = "noindex"
    return response


def _url(loc: str, lastmod: str = "", extra: str = "") -> str:
    mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    return f"<url><loc>{escape(loc)}</loc>{mod}{extra}</url>\n"


def _urlset_open(*namespaces: str) -> str:
    extra = "".join(f' xmlns:{prefix}="{ns}"' for prefix, ns in namespaces)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}"{extra}>\n'


def image_urls(image_ids: QuerySet | list[int]) -> dict[int, str]:
    """{image id: absolute URL of its MEDIA_RENDITION} in one query for the renditions already
    built, plus at most RENDITIONS_BUILT_MAX builds of missing ones."""
    rendition_model = KishaImage.get_rendition_model()
    storage = rendition_model._meta.get_field("file").storage
    urls: dict[int, str] = {}
    for image_id, name in rendition_model.objects.filter(
        image_id__in=image_ids, filter_spec=MEDIA_RENDITION
    ).values_list("image_id", "file"):
        urls[image_id] = storage.url(name)
    missing = KishaImage.objects.filter(id__in=image_ids).exclude(
        renditions__filter_spec=MEDIA_RENDITION
    )
    for image in missing.order_by("-id")[:RENDITIONS_BUILT_MAX]:
        urls[image.id] = image.get_rendition(MEDIA_RENDITION).url
    return {key: url if "://" in url else site_url() + url for key, url in urls.items()}


# The sitemaps


def article_files(root: SiteRoot) -> int:
    """How many files the articles' sitemap takes (at least one, even when empty)."""
    size = conf.get("KISHA_SITEMAP_URLS")
    return max(1, -(-articles(root).count() // size))


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    root = site_root()
    base = site_url()
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n']

    def entry(url_name: str, lastmod: dt.datetime | None = None, **kwargs) -> None:
        loc = escape(base + reverse(f"seo:{url_name}", kwargs=kwargs or None))
        mod = f"<lastmod>{w3c(lastmod)}</lastmod>" if lastmod else ""
        parts.append(f"<sitemap><loc>{loc}</loc>{mod}</sitemap>\n")

    if root is not None:
        size = conf.get("KISHA_SITEMAP_URLS")
        ordered = articles(root).order_by("id")
        newest = None
        for number in range(1, article_files(root) + 1):
            chunk = ordered[(number - 1) * size : number * size]
            lastmod = chunk.aggregate(m=Max(article_modified()))["m"]
            newest = max(filter(None, (newest, lastmod)), default=None)
            entry("sitemap-articles", lastmod, number=number)
        entry("sitemap-news", newest)
        entry("sitemap-pages", newest)
        entry("sitemap-authors")
    parts.append("</sitemapindex>\n")
    return _respond(request, parts, root)


@require_safe
def sitemap_articles(request: HttpRequest, number: int) -> HttpResponse:
    """Articles by id, KISHA_SITEMAP_URLS a file, each with its hero photo as image:image."""
    root = site_root()
    if root is None or number < 1 or (number > 1 and number > article_files(root)):
        raise Http404("sitemap")
    size = conf.get("KISHA_SITEMAP_URLS")
    chunk = articles(root).order_by("id")[(number - 1) * size : number * size]
    rows = list(
        chunk.annotate(modified=article_modified()).values_list(
            "url_path", "modified", "hero_image_id"
        )
    )
    images = image_urls(chunk.values("hero_image_id"))
    parts = [_urlset_open(("image", IMAGE_NS))]
    for url_path, modified, image_id in rows:
        extra = ""
        if image_id in images:
            extra = f"<image:image><image:loc>{escape(images[image_id])}</image:loc></image:image>"
        parts.append(_url(absolute(root, url_path), w3c(modified), extra))
    parts.append("</urlset>\n")
    return _respond(request, parts, root)


@require_safe
def sitemap_news(request: HttpRequest) -> HttpResponse:
    """Google News: the articles first published in the last 48 hours, newest first."""
    root = site_root()
    parts = [_urlset_open(("news", NEWS_NS))]
    if root is not None:
        since = timezone.now() - NEWS_WINDOW
        rows = (
            articles(root)
            .filter(first_published_at__gte=since)
            .order_by("-first_published_at", "-id")
            .values_list("url_path", "first_published_at", "title")[:NEWS_MAX]
        )
        publication = (
            f"<news:publication><news:name>{text(settings.KISHA_SITE_NAME)}</news:name>"
            "<news:language>ja</news:language></news:publication>"
        )
        for url_path, first, title in rows:
            news = (
                f"<news:news>{publication}"
                f"<news:publication_date>{w3c(first)}</news:publication_date>"
                f"<news:title>{text(title)}</news:title></news:news>"
            )
            parts.append(_url(absolute(root, url_path), extra=news))
    parts.append("</urlset>\n")
    return _respond(request, parts, root)


@require_safe
def sitemap_pages(request: HttpRequest) -> HttpResponse:
    """Every listed page that is not an article: home, sections, topics, the indexes. A listing's
    lastmod is its newest article's when that is later than its own publication."""
    root = site_root()
    parts = [_urlset_open()]
    if root is not None:
        public = articles(root)
        by_parent = dict(
            public.annotate(parent=Substr("path", 1, Length("path") - Page.steplen))
            .values("parent")
            .annotate(m=Max(article_modified()))
            .values_list("parent", "m")
        )
        by_topic = dict(
            public.filter(primary_topic__isnull=False)
            .values("primary_topic_id")
            .annotate(m=Max(article_modified()))
            .values_list("primary_topic_id", "m")
        )
        newest = max(filter(None, by_parent.values()), default=None)
        pages = (
            listed(Page.objects.all(), root)
            .exclude(content_type_id=article_content_type_id())
            .order_by("path")
            .values_list("id", "path", "url_path", "last_published_at")
        )
        for page_id, path, url_path, last in pages:
            shown = [last, by_parent.get(path), by_topic.get(page_id)]
            if page_id == root.page_id:
                shown.append(newest)
            parts.append(
                _url(absolute(root, url_path), w3c(max(filter(None, shown), default=None)))
            )
    parts.append("</urlset>\n")
    return _respond(request, parts, root)


@require_safe
def sitemap_authors(request: HttpRequest) -> HttpResponse:
    """Each author's profile, lastmod the newest of the author's listed articles."""
    root = site_root()
    parts = [_urlset_open()]
    index_path = root.author_index_path if root else ""
    if index_path.startswith(root.path if root else "-") and not _restricted(index_path):
        newest = dict(
            articles(root)
            .filter(authors__isnull=False)
            .values("authors")
            .annotate(m=Max(article_modified()))
            .values_list("authors", "m")
        )
        base = absolute(root, root.author_index_url_path)
        for author_id, slug in authors().order_by("slug").values_list("id", "slug"):
            parts.append(_url(f"{base}{iri_to_uri(slug)}/", w3c(newest.get(author_id))))
    parts.append("</urlset>\n")
    return _respond(request, parts, root)
