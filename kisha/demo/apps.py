from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kisha.demo"
    label = "demo"
    verbose_name = "デモ"

    def ready(self) -> None:
        # Imported here, not at the top: Django loads apps.py before the models these import.
        from kisha.core.phrases import register_phrase_words

        from .content import demo_proper_nouns

        # The demo's fictional companies, places and agencies are its house dictionary: a line
        # never breaks inside みなと通信 or サン・ロレンソ.
        register_phrase_words(demo_proper_nouns)
