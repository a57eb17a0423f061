"""A section created after the migration (by the demo, an import or an editor) gets the
writers' and desk's grants the moment it is saved."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .roles import section_grant


@receiver(post_save, sender="news.SectionPage")
@receiver(post_save, sender="news.TopicIndexPage")
def section_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        section_grant(page=instance)
