"""Writes and side effects for news pages."""

from __future__ import annotations

import logging

from django.conf import settings

from wagtail.models import Page

logger = logging.getLogger(__name__)


def pages_showing(*, page: Page) -> list[Page]:
    """The pages whose anonymous rendering shows `page`: itself, the home page, its section,
    its primary topic and its authors' pages (their listings show its card)."""
    from .models import ArticlePage, HomePage
    from .selectors import author_index

    specific = page.specific
    result: list[Page] = [specific]
    result.extend(HomePage.objects.live())
    if isinstance(specific, ArticlePage):
        parent = specific.get_parent()
        if parent:
            result.append(parent.specific)
        if specific.primary_topic_id:
            result.append(specific.primary_topic)
        index_page = author_index()
        if index_page:
            result.append(index_page)
    return result


def purge_pages_showing(*, page: Page) -> None:
    """Purge exactly the cached pages that show `page` from the front-end cache, when one is
    configured (WAGTAILFRONTENDCACHE). Failures are logged: a publish must not fail on a purge."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    for shown in pages_showing(page=page):
        batch.add_page(shown)
    try:
        batch.purge()
    except Exception:
        logger.exception("front-end cache purge failed for page %s", page.pk)


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
