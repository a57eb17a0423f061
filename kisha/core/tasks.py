"""Core background work, as django-tasks tasks that call a service."""

from django_tasks import task

# The purge task calls the purge that enqueues it, a loop by nature: imported as a module, so
# its functions are looked up when the task runs, whichever module is imported first.
from . import frontend_cache


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

    failed = frontend_cache.purge_send(urls=urls, tags=tags or [], hard=hard, backend=backend)
    if failed:
        frontend_cache.purge_retry(failed=failed, attempt=attempt, hard=hard)
