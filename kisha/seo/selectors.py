"""Reads other apps may use: the default site's root as the sitemaps and feeds see it, and a
page's breadcrumb trail."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.encoding import iri_to_uri

from wagtail.models import Page, Site

from kisha.core.memo import Memo, generation_cached
from kisha.core.sites import site_url
from kisha.news.selectors import author_index


@dataclass(frozen=True)
class SiteRoot:
    site_id: int
    page_id: int
    path: str
    url_path: str
    author_index_id: int | None
    author_index_path: str
    author_index_url_path: str
    only_site: bool  # every page is the default site's: no tree filter needed


def _site_root() -> SiteRoot | None:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    index = author_index()
    return SiteRoot(
        site_id=site.id,
        page_id=site.root_page_id,
        path=site.root_page.path,
        url_path=site.root_page.url_path,
        author_index_id=index.id if index else None,
        author_index_path=index.path if index else "",
        author_index_url_path=index.url_path if index else "",
        only_site=Site.objects.count() == 1,
    )


_root: Memo[SiteRoot | None] = Memo("sitemap-site-root", _site_root)


def site_root() -> SiteRoot | None:
    """The default site's root page, kept per process behind the content generation."""
    return _root.get()


def absolute(root: SiteRoot, url_path: str) -> str:
    """The page's public URL from its url_path: the site root's url_path is the site's /."""
    return site_url() + iri_to_uri(url_path[len(root.url_path) - 1 :])


def ancestor_trail(page: Page) -> list[tuple[str, str]]:
    """The breadcrumb trail above `page`: (name, absolute URL) for each ancestor from the site
    root (named as the site) down, shared by every worker under the content generation (a
    rename or move of an ancestor changes it), so a listing's head costs no query for it. A
    page not saved yet (a preview of a new page) reads it fresh."""

    def build() -> list[tuple[str, str]]:
        return [
            (a.title if a.depth > 2 else settings.KISHA_SITE_NAME, a.get_full_url() or "")
            for a in page.get_ancestors().filter(depth__gte=2)
        ]

    if page.pk is None:
        return build()
    return generation_cached(f"kisha:seo:trail:v1:{page.pk}", build, timeout=3600)
