from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "kisha.search"
    label = "search"
    verbose_name = "検索"
