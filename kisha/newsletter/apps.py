"""メールマガジン: lists, double opt-in subscriptions, digests built from the site, sends that
survive crashes (docs/newsletter.md)."""

from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "kisha.newsletter"
    label = "newsletter"
    verbose_name = "メールマガジン"
    # Starts scheduled mailings whose time has come and carries on any send a crash or restart
    # left unfinished (each run stops within KISHA_NEWSLETTER_RUN_SECONDS, below this interval).
    periodic_tasks = {"kisha.newsletter.tasks.mailings_tick": 60}

    def ready(self) -> None:
        # Imported here, not at the top: Django loads apps.py before the models these import.
        from kisha.core.slots import register_slot

        from . import signals  # noqa: F401  (a list's change reaches the sidebar on every page)
        from .views import newsletter_slot

        register_slot("newsletter", newsletter_slot)
