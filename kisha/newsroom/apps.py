"""編集部: the newsroom's roles and desks, the desk-review workflow, the admin dashboard and
the admin's Japanese (docs/newsroom.md)."""

from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "kisha.newsroom"
    label = "newsroom"
    verbose_name = "編集部"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (a new section gets the roles' permissions)
