"""Every change that a per-process memo depends on rewrites the shared content generation in
the same transaction (kisha.core.memo), so every worker drops its memos on its next request.

What the memos hold: the Site answering a host, the live sections and topics, the author index,
the restricted tree paths and the set of live articles. Any page save, publication, move or
deletion, any view restriction and any Site change can alter one of them; rebuilding them all
costs a handful of queries per process, far less than reasoning about which one changed.

Also here: a save that sets a go-live or an expiry wakes the schedulers (kisha.core.scheduling).
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from wagtail.models import Page, PageViewRestriction, Revision, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .memo import generation_bump
from .scheduling import schedule_changed


@receiver(page_published, dispatch_uid="kisha.core.generation.published")
@receiver(page_unpublished, dispatch_uid="kisha.core.generation.unpublished")
@receiver(post_page_move, dispatch_uid="kisha.core.generation.moved")
@receiver(page_slug_changed, dispatch_uid="kisha.core.generation.slug")
@receiver(post_save, sender=PageViewRestriction, dispatch_uid="kisha.core.generation.pvr")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="kisha.core.generation.pvr-del")
@receiver(post_save, sender=Site, dispatch_uid="kisha.core.generation.site")
@receiver(post_delete, sender=Site, dispatch_uid="kisha.core.generation.site-del")
def on_change(sender, **kwargs) -> None:
    generation_bump()


@receiver(m2m_changed, sender=PageViewRestriction.groups.through, dispatch_uid="kisha.core.pvr-g")
def on_restriction_groups(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        generation_bump()


@receiver(post_save, dispatch_uid="kisha.core.generation.page-saved")
@receiver(post_delete, dispatch_uid="kisha.core.generation.page-deleted")
def on_page_saved(sender, instance, **kwargs) -> None:
    # Pages saved or deleted without a publish signal (imports, factories, tree operations)
    # change live listings too. Draft revisions of pages that are not live change nothing shown.
    if isinstance(instance, Page) and (instance.live or kwargs.get("signal") is post_delete):
        generation_bump()


@receiver(post_save, dispatch_uid="kisha.core.scheduling.wake")
def on_schedule_set(sender, instance, **kwargs) -> None:
    # A revision approved for a later go-live, or a live object with an expiry: wake the
    # schedulers (on commit) so they sleep until the new time instead of the old one.
    if isinstance(instance, Revision):
        scheduled = instance.approved_go_live_at is not None
    else:
        scheduled = getattr(instance, "live", False) and getattr(instance, "expire_at", None)
    if scheduled:
        schedule_changed()
