"""A deleted article's counts go with it. (The cached ranking fragment and the beacon's set of
countable articles follow the page tree through the shared content generation,
kisha.core.memo: their keys change with it.)"""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .services import views_forget_page


@receiver(post_delete, sender="news.ArticlePage")
def on_article_delete(sender, instance, **kwargs):
    views_forget_page(page_id=instance.pk)
