from django.apps import AppConfig


class RankingsConfig(AppConfig):
    name = "kisha.rankings"
    label = "rankings"
    verbose_name = "人気ランキング"
