"""Side effects of publishing that the editor should not have to know about."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .models import SectionPage, TopicPage
from .selectors import news_clear_cache
from .services import purge_pages_showing


@receiver(page_published)
@receiver(page_unpublished)
def on_publish_change(sender, instance, **kwargs):
    if isinstance(instance, SectionPage | TopicPage):
        news_clear_cache()
    purge_pages_showing(page=instance)


@receiver(post_save, sender=SectionPage)
@receiver(post_delete, sender=SectionPage)
@receiver(post_save, sender=TopicPage)
@receiver(post_delete, sender=TopicPage)
@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_page_move)
@receiver(page_slug_changed)
def on_structure_change(sender, **kwargs):
    news_clear_cache()
