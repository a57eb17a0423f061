from PIL import Image

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "kisha.core"
    label = "core"
    verbose_name = "基本"

    def ready(self) -> None:
        # Imported here, not at the top: Django loads apps.py before the models these import.
        from . import (
            choosers,
            image_choosers,
            ops,  # noqa: F401  (its system check validates KISHA_OPS_ALLOWED_IPS)
            signals,  # noqa: F401  (the shared content generation follows every change)
            sites,
        )

        choosers.choosers_harden()  # a malformed chooser id is a form error, not a 500
        image_choosers.image_choosers_show_rights()  # an image's 利用条件 where it is chosen
        # The default Site follows KISHA_SITE_URL after every migrate (kisha.core.sites).
        post_migrate.connect(
            sites.site_sync_default, sender=self, dispatch_uid="kisha.core.sites.sync"
        )

        # Pillow warns above MAX_IMAGE_PIXELS and refuses only above twice that, so half the
        # limit makes every decode (renditions, the demo, wire images) refuse what the upload
        # form refuses (KISHA_IMAGES_MAX_PIXELS).
        Image.MAX_IMAGE_PIXELS = settings.KISHA_IMAGES_MAX_PIXELS // 2
