"""Side effects of publishing that the editor should not have to know about.

The per-process lookups (sections, topics, restricted paths) follow every change through the
shared content generation (kisha.core.signals); what is left here is the front-end cache: every
change that alters what a reader sees purges the URLs that showed the page, after the commit
(kisha.news.services.purge_pages_showing).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.models import PageViewRestriction
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    pre_page_move,
)

from .models import Author
from .services import purge_author_pages, purge_page_moved_from, purge_pages_showing


# Deleting a live page unpublishes it first (Wagtail's pre_delete handler), so this covers
# deletion too, while the page and its authors still exist.
@receiver(page_published, dispatch_uid="kisha.news.purge.published")
@receiver(page_unpublished, dispatch_uid="kisha.news.purge.unpublished")
def on_publish_change(sender, instance, **kwargs):
    purge_pages_showing(page=instance)


# A move changes the URL: purge what showed the page where it was, then where it is.
@receiver(pre_page_move, dispatch_uid="kisha.news.purge.move-from")
@receiver(post_page_move, dispatch_uid="kisha.news.purge.move-to")
def on_move(sender, instance, url_path_before, url_path_after, **kwargs):
    if instance.live and url_path_before != url_path_after:
        purge_pages_showing(page=instance)


@receiver(page_slug_changed, dispatch_uid="kisha.news.purge.slug")
def on_slug_changed(sender, instance, instance_before, **kwargs):
    """The publish that renamed the page purges its new URL and its listings; the old URL (and
    its continuation pages) go here."""
    purge_page_moved_from(page=instance, url_path_before=instance_before.url_path)


@receiver(post_save, sender=PageViewRestriction, dispatch_uid="kisha.news.purge.restrict")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="kisha.news.purge.unrestrict")
def on_restriction_change(sender, instance, **kwargs):
    """A restricted page must leave every shared cache (and come back when it is lifted), with
    every live page under it."""
    from wagtail.models import Page

    page = Page.objects.filter(id=instance.page_id).first()  # gone when the page is deleted
    if page is None:
        return
    purge_pages_showing(page=page)
    for descendant in page.get_descendants().live().specific().iterator():
        purge_pages_showing(page=descendant)


@receiver(post_save, sender=Author, dispatch_uid="kisha.news.purge.author")
@receiver(post_delete, sender=Author, dispatch_uid="kisha.news.purge.author-del")
def on_author_change(sender, instance, **kwargs):
    """A byline's own pages: its profile and the 執筆者 index. The articles that carry the
    byline keep the old name until their next purge or KISHA_SHARED_CACHE_SECONDS."""
    purge_author_pages(author=instance)
