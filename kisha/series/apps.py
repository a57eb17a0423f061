"""Series (連載・まとめ): curated, ordered collections of articles, optionally in seasons."""

from django.apps import AppConfig


class SeriesConfig(AppConfig):
    name = "kisha.series"
    label = "series"
    verbose_name = "連載・まとめ"

    def ready(self) -> None:
        # Imported here, not at the top: Django loads apps.py before the models these import.
        from kisha.core.frontend_cache import register_purge_paths
        from kisha.core.slots import register_slot

        from .fragments import series_purge_paths, series_slot

        register_slot("series", series_slot)
        register_purge_paths(series_purge_paths)
