from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "kisha.news"
    label = "news"
    verbose_name = "ニュース"

    def ready(self) -> None:
        # Imported here, not at the top: Django loads apps.py before the models these import.
        from kisha.core.slots import register_card_labels, register_slot

        from . import signals  # noqa: F401  (purges cached pages that show a published article)
        from .chrome import card_labels, footer_nav_slot, nav_slot

        register_slot("nav", nav_slot)
        register_slot("footer_nav", footer_nav_slot)
        register_card_labels(card_labels)
