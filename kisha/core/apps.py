from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kisha.core"
    label = "core"
    verbose_name = "基本"

    def ready(self) -> None:
        from . import (
            ops,  # noqa: F401  (its system check validates KISHA_OPS_ALLOWED_IPS)
            signals,  # noqa: F401  (the shared content generation follows every change)
        )
