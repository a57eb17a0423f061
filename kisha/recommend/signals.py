"""Publishing, editing or taking down an article updates the related lists in the background,
once the editor's transaction has committed. Readers never wait for it, and never see a
taken-down article meanwhile: every list is read through the listing rules (selectors.py),
and the page that showed it is purged by tag (p<id>) with everything else that showed it."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished

from kisha.core.frontend_cache import purge_after_commit
from kisha.core.memo import generation_bump
from kisha.news.selectors import is_article

from .rules import section_tag
from .tasks import remove_related, update_related


def _enqueue(task, article_id: int) -> None:
    def run() -> None:
        try:
            task.enqueue(article_id)
        except Exception:  # a lost update is caught up by the periodic refresh
            logging.getLogger("kisha.recommend").exception("recommend: could not enqueue")

    transaction.on_commit(run, robust=True)


@receiver(page_published, dispatch_uid="kisha.recommend.published")
def on_published(sender, instance, **kwargs):
    if is_article(instance.specific_deferred):
        _enqueue(update_related, instance.id)


@receiver(page_unpublished, dispatch_uid="kisha.recommend.unpublished")
def on_unpublished(sender, instance, **kwargs):
    if is_article(instance.specific_deferred):
        _enqueue(remove_related, instance.id)


@receiver(post_save, sender="recommend.RecommendRule", dispatch_uid="kisha.recommend.rule")
@receiver(post_delete, sender="recommend.RecommendRule", dispatch_uid="kisha.recommend.rule-del")
def on_rule_change(sender, instance, **kwargs):
    """A pin or block changes the block on every article of its section: every worker drops its
    rules memo, and the cached pages of the section's articles go (by their section tag)."""

    generation_bump()
    purge_after_commit(tags=[section_tag(instance.section_id)])
