from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "kisha.search"
    label = "search"
    verbose_name = "検索"

    def ready(self) -> None:
        from kisha.core.characters import register_reading

        from .tokenizer import reading

        # The admin fills 五十音 reading fields (topics, authors, series) from SudachiPy.
        register_reading(reading)
