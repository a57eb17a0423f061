"""The print magazine: issues, 特集, back issues and print products (MOOK, 別冊)."""

from django.apps import AppConfig


class MagazineConfig(AppConfig):
    name = "kisha.magazine"
    label = "magazine"
    verbose_name = "マガジン"

    def ready(self) -> None:
        # Imported here, not at the top: Django loads apps.py before the models these import.
        from kisha.core.slots import register_slot

        from .fragments import magazine_slot, products_footer_slot, products_slot

        register_slot("magazine", magazine_slot)
        register_slot("products", products_slot)
        register_slot("footer", products_footer_slot)
