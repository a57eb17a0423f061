"""Side effects of publishing: the beacon's set of countable articles and the cached ranking
fragment follow the page tree; a deleted article's counts are removed."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from kisha.news.models import ArticlePage

from .live import live_ids_changed
from .services import rankings_clear_cache, views_forget_page


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def on_tree_change(sender, **kwargs):
    live_ids_changed()
    rankings_clear_cache()


@receiver(post_delete, sender=ArticlePage)
def on_article_delete(sender, instance, **kwargs):
    views_forget_page(page_id=instance.pk)
    live_ids_changed()
    rankings_clear_cache()
