from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kisha.demo"
    label = "demo"
    verbose_name = "デモ"
