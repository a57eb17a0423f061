"""Wire polling as django-tasks tasks: thin wrappers over services."""

from __future__ import annotations

from django_tasks import task

from kisha.wire.models import WireSource
from kisha.wire.pictures import download_pending
from kisha.wire.selectors import picture_sources_due, wire_sources_due
from kisha.wire.services import wire_prune_items, wire_prune_log, wire_source_poll


@task()
def wire_poll_source(source_id: int) -> str:
    """Poll one source; returns the summary line for the task result."""
    source = WireSource.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return "source gone or disabled"
    return str(wire_source_poll(source=source))


@task()
def wire_poll_due_sources() -> int:
    """Enqueue a poll for every source that is due, so workers poll sources in parallel."""
    due = wire_sources_due()
    for source_id in due:
        wire_poll_source.enqueue(source_id)
    return len(due)


@task()
def wire_download_pictures(source_id: int) -> str:
    """Download a batch of a source's pending pictures; enqueue the next batch if any remain,
    so one poll with hundreds of pictures never holds a worker for long."""

    stored, refused, more = download_pending(source_id=source_id)
    if more:
        wire_download_pictures.enqueue(source_id)
    return f"stored {stored} / refused {refused}" + (" / more queued" if more else "")


@task()
def wire_prune_old_items() -> int:
    """Delete items older than KISHA_WIRE_ITEM_DAYS (0, the default, keeps them for ever)."""
    return wire_prune_items()


@task()
def wire_prune_old_runs() -> int:
    """Keep the ingest log to KISHA_WIRE_LOG_DAYS days."""
    return wire_prune_log()


@task()
def wire_retry_pictures() -> int:
    """Periodic: a download batch for each source with pictures due again (a retry after a
    timeout or a 5xx), or left pending by a worker that stopped; returns how many sources."""

    due = picture_sources_due()
    for source_id in due:
        wire_download_pictures.enqueue(source_id)
    return len(due)
