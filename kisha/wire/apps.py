from django.apps import AppConfig


class WireConfig(AppConfig):
    name = "kisha.wire"
    label = "wire"
    verbose_name = "ニュース速報"
