from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "kisha.news"
    label = "news"
    verbose_name = "ニュース"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (purges cached pages that show a published article)
