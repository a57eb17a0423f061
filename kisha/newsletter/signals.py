"""Whether the sidebar block shows depends on the lists (an open list offered in the sidebar),
so a change to a list drops the memo on every worker (the content generation, in the same
transaction) and purges every page of every site, which all carry the sidebar."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.models import Site

from kisha.core.cachetags import site_tag
from kisha.core.frontend_cache import purge_after_commit
from kisha.core.memo import generation_bump

from .models import NewsletterList


@receiver(post_save, sender=NewsletterList)
@receiver(post_delete, sender=NewsletterList)
def newsletter_list_changed(sender, instance, **kwargs) -> None:
    generation_bump()
    purge_after_commit(tags=[site_tag(i) for i in Site.objects.values_list("id", flat=True)])
