from django.apps import AppConfig


class WireConfig(AppConfig):
    name = "kisha.wire"
    label = "wire"
    verbose_name = "ニュース速報"
    # The task enqueues a poll for each source whose own interval has passed.
    periodic_tasks = {
        "kisha.wire.tasks.wire_poll_due_sources": 30,
        "kisha.wire.tasks.wire_retry_pictures": 60,
        "kisha.wire.tasks.wire_prune_old_runs": 86_400,
        "kisha.wire.tasks.wire_prune_old_items": 86_400,
    }

    def ready(self) -> None:
        # Django's idiom: these import models and the app registry, which is only ready here.
        from kisha.core.backup import register_backup_hooks
        from kisha.core.metrics import metrics_register
        from kisha.core.slots import register_slot

        from .chrome import render_banner_slot, render_ticker_slot
        from .selectors import ingest_metrics, wire_has_items

        register_slot("ticker", render_ticker_slot)
        register_slot("banner", render_banner_slot)
        metrics_register("wire", ingest_metrics)
        register_backup_hooks(has_content=wire_has_items)
