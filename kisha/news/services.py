"""Writes and side effects for news pages."""

from __future__ import annotations

import logging

from django.conf import settings

from wagtail.models import Page

logger = logging.getLogger(__name__)


def _listing_pages(url: str, listing, article) -> list[str]:
    """`url` and its `?page=2…?page=K`, K being the listing page the article sits on plus one
    (what shifts when it comes or goes), at most KISHA_PURGE_LISTING_PAGES."""
    from django.db.models import Q

    from .models import SectionPage

    size = SectionPage.page_size()
    published = article.first_published_at
    if published is None:
        position = 0
    else:
        position = (
            listing.filter(
                Q(first_published_at__gt=published)
                | Q(first_published_at=published, id__gt=article.id)
            )
            .order_by()
            .count()
        )
    last = min(position // size + 2, settings.KISHA_PURGE_LISTING_PAGES)
    return [url, *(f"{url}?page={number}" for number in range(2, last + 1))]


def article_page_count(*, article) -> int:
    """How many pages an article's body is served as, at its last publication before this one
    too: a body that shrank from three pages to two leaves a cached `/3/` to purge."""
    from wagtail.models import PageLogEntry

    count = len(article.split_body())
    earlier = (
        PageLogEntry.objects.filter(page_id=article.id, action="wagtail.publish")
        .exclude(revision_id=None)
        .exclude(revision_id=article.live_revision_id)
        .order_by("-timestamp", "-id")
        .select_related("revision")
        .first()
    )
    if earlier is not None:
        count = max(count, len(earlier.revision.as_object().split_body()))
    return count


def urls_showing(*, page: Page) -> list[str]:
    """Every full URL whose anonymous rendering shows `page`, for an exact purge.

    The page itself (an article with its continuation pages `<url>2/ … <url>N/`), the home
    page; for an article also its section and topic listings with the `?page=N` pages it can
    have moved, each author's profile (and its pages) and the 執筆者 index, and what other apps
    register (the rankings fragment and API). Works for an unpublished page too: its URL is
    where it was.
    """
    from kisha.core.frontend_cache import purge_paths_for

    from .models import ArticlePage, HomePage
    from .selectors import article_cards, author_index

    specific = page.specific
    own = specific.get_full_url()
    if not own:  # not routable: no site shows it
        return []
    urls = {own}
    urls.update(url for url in (home.get_full_url() for home in HomePage.objects.live()) if url)
    if isinstance(specific, ArticlePage):
        urls.update(
            f"{own}{number}/" for number in range(2, article_page_count(article=specific) + 1)
        )
        listings = article_cards()
        parent = specific.get_parent()
        if parent is not None:
            parent_url = parent.get_full_url()
            if parent_url:
                urls.update(_listing_pages(parent_url, listings.descendant_of(parent), specific))
        if specific.primary_topic_id:
            topic_url = specific.primary_topic.get_full_url()
            if topic_url:
                urls.update(
                    _listing_pages(
                        topic_url,
                        listings.filter(primary_topic_id=specific.primary_topic_id),
                        specific,
                    )
                )
        index_page = author_index()
        index_url = index_page.get_full_url() if index_page else None
        if index_url:
            urls.add(index_url)
            for author in specific.authors.all():
                urls.update(
                    _listing_pages(
                        f"{index_url}{author.slug}/", listings.filter(authors=author), specific
                    )
                )
    site = specific.get_site()
    if site is not None:
        urls.update(f"{site.root_url}{path}" for path in purge_paths_for(specific))
    return sorted(urls)


def purge_pages_showing(*, page: Page) -> None:
    """Purge exactly the cached URLs that show `page` from the front-end cache, once the
    transaction commits, in the task worker (kisha.core.frontend_cache). Nothing to do when no
    front-end cache is configured; a purge never fails or slows the editor's publish."""
    from kisha.core.frontend_cache import frontend_cache_configured, purge_after_commit

    if frontend_cache_configured():
        purge_after_commit(urls=urls_showing(page=page))


def purge_author_pages(*, author) -> None:
    """Purge an author's profile (its first listing page) and the 執筆者 index."""
    from kisha.core.frontend_cache import frontend_cache_configured, purge_after_commit

    from .selectors import author_index

    if not frontend_cache_configured():
        return
    index_page = author_index()
    index_url = index_page.get_full_url() if index_page else None
    if index_url:
        purge_after_commit(urls=[index_url, f"{index_url}{author.slug}/"])


def purge_page_moved_from(*, page: Page, url_path_before: str) -> None:
    """Purge a page's old URL and its continuation pages after its slug changed."""
    from kisha.core.frontend_cache import frontend_cache_configured, purge_after_commit

    from .models import ArticlePage

    if not frontend_cache_configured():
        return
    specific = page.specific
    old = Page(id=specific.id, path=specific.path, depth=specific.depth, url_path=url_path_before)
    own = old.get_full_url()
    if not own:
        return
    urls = [own]
    if isinstance(specific, ArticlePage):
        count = article_page_count(article=specific)
        urls.extend(f"{own}{number}/" for number in range(2, count + 1))
    purge_after_commit(urls=urls)


def site_ensure_home(*, title: str, hostname: str = "localhost", port: int = 80):
    """Make a HomePage the root of the default Site, replacing Wagtail's welcome page.

    Idempotent: a second call returns the existing home page. Returns the HomePage.
    """
    from django.db import transaction

    from wagtail.models import Page, Site

    from .models import HomePage

    with transaction.atomic():
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            # Wagtail's migrations leave a plain "Welcome to your new Wagtail site!" page at the
            # top; it has no content and would take the home page's slug.
            for placeholder in root.get_children().filter(content_type__model="page"):
                Site.objects.filter(root_page=placeholder).update(root_page=root)
                placeholder.delete()
            home = HomePage(title=title, slug="home", seo_title=title)
            root.add_child(instance=home)
            home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=title
            )
        elif site.root_page_id != home.id:
            site.root_page = home
            site.site_name = title
            site.save()
        Site.clear_site_root_paths_cache()
    return home
