from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "kisha.search"
    label = "search"
    verbose_name = "検索"

    def ready(self) -> None:
        # Imported here, not at the top: Django loads apps.py before the models these import.
        from kisha.core.backup import register_backup_hooks
        from kisha.core.characters import register_reading
        from kisha.core.phrases import register_word_spans

        from .services import search_after_restore
        from .tokenizer import reading, word_spans

        # The admin fills 五十音 reading fields (topics, authors, series) from SudachiPy, and
        # phrase-setting never breaks a line inside one of its words.
        register_reading(reading)
        register_word_spans(word_spans)
        register_backup_hooks(after_restore=search_after_restore)
