"""Core background work, as django-tasks tasks that call a service."""

from django_tasks import task


@task()
def purge_urls_task(urls: list[str], backend: str | None = None, attempt: int = 1) -> None:
    """Purge full URLs from the front-end cache; failures are tried again later, a bounded
    number of times (kisha.core.frontend_cache.purge_retry)."""
    from .frontend_cache import purge_retry, urls_purge

    failed = urls_purge(urls=urls, backend=backend)
    if failed:
        purge_retry(failed=failed, attempt=attempt)
