from django.apps import AppConfig


class SeoConfig(AppConfig):
    """配信: what search engines, aggregators, social networks and feed readers read — head
    metadata, structured data, feeds, robots.txt and the favicon (docs/distribution.md)."""

    name = "kisha.seo"
    label = "seo"
    verbose_name = "配信"

    def ready(self) -> None:
        # Imported here, not at the top: Django loads apps.py before the models these import.
        from kisha.core.slots import register_slot

        from .share import share_script_slot

        register_slot("share", share_script_slot)
