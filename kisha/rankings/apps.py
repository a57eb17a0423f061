"""Most-read counting and the 人気ランキング windows."""

from django.apps import AppConfig


class RankingsConfig(AppConfig):
    name = "kisha.rankings"
    label = "rankings"
    verbose_name = "人気ランキング"
    # Folding often keeps the durable tables (and the newsroom's chart) within seconds of the
    # counters; the refresh folds first, so a view reaches the sidebar within about a minute.
    periodic_tasks = {
        "kisha.rankings.tasks.fold_views": 15,
        "kisha.rankings.tasks.refresh_rankings": 30,
        "kisha.rankings.tasks.prune_views": 3600,
    }

    def ready(self) -> None:
        # Imported here, not at the top: Django loads apps.py before the models these import.
        from kisha.core.backup import register_backup_hooks
        from kisha.core.frontend_cache import register_purge_paths
        from kisha.core.metrics import metrics_register
        from kisha.core.slots import register_slot

        from . import signals  # noqa: F401  (keeps the live-article set and fragment current)
        from .fragments import beacon_slot, ranking_paths, rankings_slot
        from .metrics import metrics_prometheus
        from .services import rankings_backup_flush

        register_slot("rankings", rankings_slot)
        register_slot("beacon", beacon_slot)
        register_purge_paths(ranking_paths)
        metrics_register("rankings", metrics_prometheus)
        register_backup_hooks(flush=rankings_backup_flush)
