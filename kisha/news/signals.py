"""Side effects of publishing that the editor should not have to know about."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished

from .models import SectionPage
from .selectors import sections_clear_cache
from .services import purge_pages_showing


@receiver(page_published)
@receiver(page_unpublished)
def on_publish_change(sender, instance, **kwargs):
    if isinstance(instance, SectionPage):
        sections_clear_cache()
    purge_pages_showing(page=instance)


@receiver(post_save, sender=SectionPage)
@receiver(post_delete, sender=SectionPage)
def on_section_saved(sender, instance, **kwargs):
    sections_clear_cache()
