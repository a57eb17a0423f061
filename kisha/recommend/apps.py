"""Related and per-reader recommendations: 今、あなたにオススメ."""

from django.apps import AppConfig


class RecommendConfig(AppConfig):
    name = "kisha.recommend"
    label = "recommend"
    verbose_name = "おすすめ記事"
    # The full refresh recomputes document frequencies and every related list; publishing
    # updates one article's list at once (signals.py), so this only has to catch drift.
    periodic_tasks = {"kisha.recommend.tasks.refresh_related": 6 * 3600}

    def ready(self) -> None:
        # Imported here, not at the top: Django loads apps.py before the models these import.
        from kisha.core.frontend_cache import register_purge_paths
        from kisha.core.slots import register_slot

        from . import signals  # noqa: F401  (publish and unpublish keep the lists current)
        from .fragments import recommend_slot, related_paths

        register_slot("recommend", recommend_slot)
        register_purge_paths(related_paths)
