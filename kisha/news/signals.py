"""Side effects of publishing that the editor should not have to know about.

The per-process lookups (sections, topics, restricted paths) follow every change through the
shared content generation (kisha.core.signals); what is left here is the front-end cache: every
change that alters what a reader sees purges the URLs that showed the page, after the commit
(kisha.news.services.purge_pages_showing).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.models import Page, PageViewRestriction
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    pre_page_move,
)

from .models import Author
from .services import purge_author_pages, purge_page_moved_from, purge_pages_showing, purge_site


# Deleting a live page unpublishes it first (Wagtail's pre_delete handler), so this covers
# deletion too, while the page and its authors still exist.
@receiver(page_published, dispatch_uid="kisha.news.purge.published")
@receiver(page_unpublished, dispatch_uid="kisha.news.purge.unpublished")
def on_publish_change(sender, instance, **kwargs):
    # Taking a page down is hard: no reader may get the old copy, even while it re-renders.
    purge_pages_showing(page=instance, hard=kwargs.get("signal") is page_unpublished)


# What a draft revision, a lock or a workflow step writes on the live page: nothing readers see.
BOOKKEEPING = {
    "comments",
    "wagtail_admin_comments",
    "latest_revision",
    "latest_revision_created_at",
    "draft_title",
    "has_unpublished_changes",
    "locked",
    "locked_at",
    "locked_by",
}


@receiver(post_save, dispatch_uid="kisha.news.purge.saved")
def on_live_page_saved(sender, instance, update_fields=None, **kwargs):
    """A live page saved without a publication (an import, a script, a tree operation) changes
    what readers see as much as a publish does. (A publish saves and then signals: the two
    purges go out as one, kisha.core.frontend_cache.purge_after_commit.)"""
    if not isinstance(instance, Page) or not instance.live:
        return
    if update_fields and set(update_fields) <= BOOKKEEPING:
        return
    purge_pages_showing(page=instance)


# A move changes the URL: purge what showed the page where it was, then where it is.
@receiver(pre_page_move, dispatch_uid="kisha.news.purge.move-from")
@receiver(post_page_move, dispatch_uid="kisha.news.purge.move-to")
def on_move(sender, instance, url_path_before, url_path_after, **kwargs):
    if instance.live and url_path_before != url_path_after:
        purge_site(page=instance, hard=True)


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
    page = Page.objects.filter(id=instance.page_id).first()  # gone when the page is deleted
    if page is None:
        return
    purge_site(page=page, hard=True)


@receiver(post_save, sender=Author, dispatch_uid="kisha.news.purge.author")
@receiver(post_delete, sender=Author, dispatch_uid="kisha.news.purge.author-del")
def on_author_change(sender, instance, **kwargs):
    """A byline's own pages: its profile, the 執筆者 index, and (by tag) the articles that
    carry it. (Fronts purged by URL keep the articles until KISHA_SHARED_CACHE_SECONDS.)"""
    purge_author_pages(author=instance, hard=kwargs.get("signal") is post_delete)
