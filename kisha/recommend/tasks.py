"""Background work: thin wrappers over services (DESIGN: one task system, django-tasks)."""

from django_tasks import task

from . import services


@task()
def update_related(article_id: int) -> int:
    """On publish or edit: one article's list, and its place in the lists of its neighbours."""
    return len(services.related_update(article_id=article_id))


@task()
def remove_related(article_id: int) -> None:
    services.related_remove(article_id=article_id)


@task()
def refresh_related() -> int:
    """Periodic (RecommendConfig.periodic_tasks): every list, from fresh document frequencies."""
    return services.related_refresh().related
