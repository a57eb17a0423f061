"""Side effects of publishing that the editor should not have to know about.

The per-process lookups (sections, topics, restricted paths) follow every change through the
shared content generation (kisha.core.signals); what is left here is the front-end cache.
"""

from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished

from .services import purge_pages_showing


@receiver(page_published)
@receiver(page_unpublished)
def on_publish_change(sender, instance, **kwargs):
    purge_pages_showing(page=instance)
