from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kisha.core"
    label = "core"
    verbose_name = "基本"
