"""Core background work, as django-tasks tasks that call a service."""

from django_tasks import task


@task()
def purge_urls_task(
    urls: list[str],
    backend: str | None = None,
    attempt: int = 1,
    tags: list[str] | None = None,
    hard: bool = False,
) -> None:
    """Purge full URLs and cache tags from the front-end caches (or from `backend` alone);
    failures are tried again later, a bounded number of times
    (kisha.core.frontend_cache.purge_retry)."""
    from .frontend_cache import purge_retry, purge_send

    failed = purge_send(urls=urls, tags=tags or [], hard=hard, backend=backend)
    if failed:
        purge_retry(failed=failed, attempt=attempt, hard=hard)
