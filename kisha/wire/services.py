"""Writes for the wire: ingest a document, poll a source, promote an item, steer the banner.

Every ingest is logged as a WireIngestRun with its per-entry errors. A document that cannot be
read at all (hostile, broken, unreachable) fails its run and touches nothing but that log and
the source's last-error fields: items, conditional-GET state and the ticker stay as they were.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kisha.core.cachetags import WIRE
from kisha.core.frontend_cache import purge_after_commit
from kisha.news.services import ArticleDraftError, article_draft_from_wire
from kisha.wire.body import first_paragraph_text, html_to_blocks
from kisha.wire.conf import conf
from kisha.wire.fetch import FetchError, fetch
from kisha.wire.ingest import (
    CHUNK_SIZE,
    IngestSummary,
    apply_chunk,
    apply_packages,
    apply_pictures,
    embedded_pictures,
    expand_nested_packages,
    latest_per_guid,
    refresh_outer_packages,
    section_resolver,
)
from kisha.wire.models import (
    BannerState,
    WireIngestError,
    WireIngestRun,
    WireItem,
    WirePackage,
    WirePicture,
    WireSource,
    allow_private_fetch,
    drop_folder_problem,
    drop_folder_resolved,
)
from kisha.wire.providers import WireFormatError, get_provider, guess_provider_name
from kisha.wire.selectors import wire_item_pictures

if TYPE_CHECKING:
    from kisha.news.models import ArticlePage

logger = logging.getLogger(__name__)

TICKER_CACHE_KEY = "kisha:wire:ticker:v1"
BANNER_CACHE_KEY = "kisha:wire:banner:v1"
MANUAL_SOURCE_NAME = "手動取り込み"
# Files a drop folder writer is still writing, or hidden ones, are left alone.
_SKIP_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload")


class WirePromoteError(Exception):
    """An item cannot become an article; the message is for the editor."""


def wire_clear_cache() -> None:
    """Forget the rendered ticker and banner so the next page shows the new state, and purge
    every cached copy of their fragments (tag `wire`)."""
    cache.delete_many([TICKER_CACHE_KEY, BANNER_CACHE_KEY])
    purge_after_commit(tags=[WIRE])


def _max_bytes() -> int:
    return int(conf("KISHA_WIRE_MAX_BYTES"))


def _finish_run(run: WireIngestRun, summary: IngestSummary, status: str, message: str = "") -> None:
    run.finished_at = timezone.now()
    run.status = status
    run.message = message[:10_000]
    for name in ("ingested", "updated", "unchanged", "ignored_older", "errors"):
        setattr(run, name, getattr(summary, name))
    run.save()


def _record_failure(*, source: WireSource, run: WireIngestRun, message: str) -> IngestSummary:
    """A document-level failure: one error row, the run failed, the source's last error set."""
    summary = IngestSummary(errors=1, failed_documents=1, message=message)
    WireIngestError.objects.create(run=run, source=source, position=None, message=message[:10_000])
    _finish_run(run, summary, WireIngestRun.Status.FAILED, message)
    now = timezone.now()
    WireSource.objects.filter(pk=source.pk).update(last_error=message[:10_000], last_error_at=now)
    source.last_error, source.last_error_at = message, now
    return summary


def wire_record_failure(*, source: WireSource, origin: str, message: str) -> IngestSummary:
    """Log a document that never reached the parser (unreachable URL, unreadable file)."""
    run = WireIngestRun.objects.create(source=source, origin=origin[:2000])
    return _record_failure(source=source, run=run, message=message)


def wire_ingest_bytes(
    *,
    source: WireSource,
    data: bytes,
    content_type: str | None = None,
    origin: str = "",
    format: str | None = None,  # noqa: A002 - the word the command and admin use
    base_url: str | None = None,
) -> IngestSummary:
    """Parse one document and ingest its entries idempotently; returns the counts.

    Malformed entries are logged and skipped; the rest are written a chunk per transaction.
    An unexpected exception (a bug, a lost database) fails the run and propagates; rerunning
    the same document afterwards converges on the same state as one clean run.
    """
    run = WireIngestRun.objects.create(source=source, origin=origin[:2000])
    name = format or source.format or guess_provider_name(data, content_type)
    try:
        if not name:
            raise WireFormatError("形式を判別できません / unknown document format")
        result = get_provider(name).parse(data, content_type=content_type, base_url=base_url)
    except (WireFormatError, LookupError) as exc:
        return _record_failure(source=source, run=run, message=str(exc))
    except Exception as exc:  # a parser bug must still be logged against the source
        logger.exception("wire: parser %s crashed on a document from %s", name, source)
        return _record_failure(source=source, run=run, message=f"unexpected error: {exc!r}")

    summary = IngestSummary(errors=len(result.errors))
    if result.errors:
        WireIngestError.objects.bulk_create(
            WireIngestError(
                run=run,
                source=source,
                position=error.position,
                guid=error.guid[:2000],
                message=error.message[:10_000],
            )
            for error in result.errors
        )
    entries = latest_per_guid(result.entries)
    resolve = section_resolver(source)
    pictures = latest_per_guid(result.pictures)
    packages, refused = expand_nested_packages(
        source=source, packages=latest_per_guid(result.packages)
    )
    if refused:
        summary.errors += len(refused)
        WireIngestError.objects.bulk_create(
            WireIngestError(run=run, source=source, guid=guid[:2000], message=message[:10_000])
            for guid, message in refused
        )
    pictures_changed = 0
    try:
        for start in range(0, len(entries), CHUNK_SIZE):
            outcome = apply_chunk(
                source=source, entries=entries[start : start + CHUNK_SIZE], resolve=resolve
            )
            summary.add(outcome.summary)
        # Pictures and packages after the text: a package is joined to its members when read,
        # so the order only matters for what a reader sees mid-run, and text comes first.
        for start in range(0, len(pictures), CHUNK_SIZE):
            counts = apply_pictures(source=source, pictures=pictures[start : start + CHUNK_SIZE])
            pictures_changed += counts.changed
            summary.add(counts)
        for start in range(0, len(packages), CHUNK_SIZE):
            summary.add(
                apply_packages(source=source, packages=packages[start : start + CHUNK_SIZE])
            )
        # Packages stored earlier that name one of these as a member follow its new members.
        stale = refresh_outer_packages(source=source, guids=[package.guid for package in packages])
        if stale:
            summary.errors += len(stale)
            WireIngestError.objects.bulk_create(
                WireIngestError(run=run, source=source, guid=guid[:2000], message=message[:10_000])
                for guid, message in stale
            )
        # Pictures inside text items (NITF media, ninjs renditions) are downloaded like picture
        # items, keyed by their URL; they are not counted as items of the document.
        embedded = latest_per_guid(embedded_pictures(entries))
        for start in range(0, len(embedded), CHUNK_SIZE):
            pictures_changed += apply_pictures(
                source=source, pictures=embedded[start : start + CHUNK_SIZE]
            ).changed
    except Exception as exc:
        _finish_run(run, summary, WireIngestRun.Status.FAILED, f"interrupted: {exc!r}")
        raise
    finally:
        if summary.changed:
            wire_clear_cache()
    status = WireIngestRun.Status.PARTIAL if summary.errors else WireIngestRun.Status.OK
    _finish_run(run, summary, status)
    if pictures_changed:
        _queue_picture_downloads(source)
    return summary


def _queue_picture_downloads(source: WireSource) -> None:
    """Download the new pictures in a task of their own, once the text is committed: a slow
    picture server must never hold up the text of the same poll."""
    if not conf("KISHA_WIRE_DOWNLOAD_PICTURES"):
        return
    # Imported here: kisha.wire.tasks imports this module (its tasks wrap these services).
    from kisha.wire.tasks import wire_download_pictures

    source_id = source.pk
    transaction.on_commit(lambda: wire_download_pictures.enqueue(source_id))


def _allow_private() -> bool:
    return allow_private_fetch()


def _claim(source: WireSource) -> bool:
    """Mark the source as being polled; False if another worker claimed it first."""
    now = timezone.now()
    claimed = WireSource.objects.filter(pk=source.pk, last_polled_at=source.last_polled_at).update(
        last_polled_at=now
    )
    if claimed:
        source.last_polled_at = now
    return bool(claimed)


def _mark_ok(source: WireSource, **fields) -> None:
    now = timezone.now()
    WireSource.objects.filter(pk=source.pk).update(last_ok_at=now, last_error="", **fields)
    source.last_ok_at, source.last_error = now, ""
    for name, value in fields.items():
        setattr(source, name, value)


def wire_source_poll(*, source: WireSource) -> IngestSummary:
    """Fetch a source's URL (conditionally) or read its drop folder, and ingest what is new."""
    if not _claim(source):
        return IngestSummary(message="another worker is polling this source")
    if source.url:
        return _poll_url(source)
    if source.drop_folder:
        return _poll_folder(source)
    return wire_record_failure(source=source, origin="", message="取得先が設定されていません")


def _poll_url(source: WireSource) -> IngestSummary:
    try:
        result = fetch(
            source.url,
            etag=source.etag or None,
            last_modified=source.last_modified or None,
            max_bytes=_max_bytes(),
            timeout=float(conf("KISHA_WIRE_FETCH_TIMEOUT")),
            allow_private=_allow_private(),
        )
    except FetchError as exc:
        return wire_record_failure(source=source, origin=source.url, message=exc.message)
    if result.status == 304 or result.content is None:
        run = WireIngestRun.objects.create(source=source, origin=source.url[:2000])
        summary = IngestSummary(not_modified=True)
        _finish_run(run, summary, WireIngestRun.Status.NOT_MODIFIED)
        _mark_ok(source)
        return summary
    summary = wire_ingest_bytes(
        source=source,
        data=result.content,
        content_type=result.content_type,
        origin=source.url,
        base_url=result.final_url,
    )
    if not summary.failed_documents:
        # Only a document we could read may stop us from fetching it again.
        _mark_ok(
            source,
            etag=(result.etag or "")[:500],
            last_modified=(result.last_modified or "")[:100],
        )
    return summary


def _folder_files(folder: Path) -> Iterator[Path]:
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name.lower().endswith(_SKIP_SUFFIXES):
            continue
        # Symlinks could lead out of the folder an administrator approved.
        if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
            continue
        yield Path(entry.path)


def _poll_folder(source: WireSource) -> IngestSummary:
    """Ingest each new or changed file once; files are never moved, so the folder may be
    read-only. What was seen is remembered by name, size and modification time."""
    # Checked again at every poll, on the resolved path that is then listed: a folder saved before
    # the root existed, or a symlink changed since, is refused without reading it.
    problem = drop_folder_problem(source.drop_folder)
    folder = drop_folder_resolved(source.drop_folder)
    if problem or folder is None:
        return wire_record_failure(source=source, origin=source.drop_folder, message=problem)
    seen = dict(source.folder_state or {})
    state: dict[str, str] = {}
    total = IngestSummary()
    for path in _folder_files(folder):
        stat = path.stat()
        stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
        state[path.name] = stamp
        if seen.get(path.name) == stamp:
            continue
        if stat.st_size > _max_bytes():
            message = f"file is {stat.st_size} bytes, over the {_max_bytes()}-byte cap"
            total.add(wire_record_failure(source=source, origin=str(path), message=message))
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            message = f"cannot read: {exc}"
            total.add(wire_record_failure(source=source, origin=str(path), message=message))
            state.pop(path.name)  # try again next poll
            continue
        total.add(wire_ingest_bytes(source=source, data=data, origin=str(path)))
    WireSource.objects.filter(pk=source.pk).update(folder_state=state)
    source.folder_state = state
    if not total.failed_documents:
        _mark_ok(source)
    return total


def wire_prune_log(*, days: int | None = None) -> int:
    """Delete ingest runs (and their error rows) older than ``days`` (KISHA_WIRE_LOG_DAYS, 30):
    a source polled every 30 s writes ~2,900 runs a day. Items and versions are kept."""
    days = days if days is not None else int(conf("KISHA_WIRE_LOG_DAYS"))
    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _by_model = WireIngestRun.objects.filter(started_at__lt=cutoff).delete()
    return deleted


PRUNE_BATCH = 5_000


def _delete_in_batches(queryset) -> int:
    """Delete by primary key a batch at a time: a desk with a million items must not hold one
    long transaction (and its locks) over the whole table."""
    deleted = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:PRUNE_BATCH])
        if not ids:
            return deleted
        with transaction.atomic():
            queryset.model.objects.filter(pk__in=ids).delete()
        deleted += len(ids)


def wire_prune_items(*, days: int | None = None) -> int:
    """Delete wire items (and their versions) older than ``days`` (KISHA_WIRE_ITEM_DAYS; 0 keeps
    everything), and pictures and packages not updated since. Items promoted to an article stay,
    so a story's link back to its agency copy never breaks. Returns the items deleted."""
    days = days if days is not None else int(conf("KISHA_WIRE_ITEM_DAYS"))
    if days <= 0:
        return 0
    cutoff = timezone.now() - dt.timedelta(days=days)
    items = _delete_in_batches(
        WireItem.objects.filter(item_time__lt=cutoff, article__isnull=True).order_by("pk")
    )
    _delete_in_batches(WirePackage.objects.filter(updated_at__lt=cutoff).order_by("pk"))
    # The downloaded images stay in the image library (an article may use them).
    _delete_in_batches(WirePicture.objects.filter(updated_at__lt=cutoff).order_by("pk"))
    if items:
        wire_clear_cache()
    return items


def wire_source_for_name(*, name: str, format: str = "") -> WireSource:  # noqa: A002
    """The source called ``name``, created disabled (never polled) for manual imports."""
    source, _created = WireSource.objects.get_or_create(
        name=name, defaults={"format": format, "enabled": False}
    )
    return source


def wire_item_promote(*, item: WireItem, editor) -> ArticlePage:
    """記事化: a DRAFT article under the item's section with its text, credit and original
    headline, linked from the item (the news app builds the page: article_draft_from_wire).
    Promoting twice returns the same draft. An item under an agency embargo still ahead gives
    the draft that time as its go-live (公開日時), so the editor's 公開 schedules it for the
    embargo's end instead of breaking it (kisha.core.scheduling publishes it then)."""
    with transaction.atomic():
        # of=("self",): PostgreSQL cannot lock the nullable side of the article outer join.
        item = (
            WireItem.objects.select_for_update(of=("self",))
            .select_related("source", "article")
            .get(pk=item.pk)
        )
        if item.article is not None:
            return item.article
        if item.pubstatus != "usable":
            raise WirePromoteError("保留・取消になった配信記事は記事化できません。")
        section_id = item.section_id or item.source.default_section_id
        if not section_id:
            raise WirePromoteError(
                "セクションが決まっていません。配信元の分類対応か既定のセクションを設定してください。"
            )
        # Downloaded pictures in the package's (or the item's) order: the first is the hero, the
        # rest follow the text as image blocks; each image carries the agency credit, which the
        # templates print in the reference format, (2026年 共同通信/撮影者).
        pictures = [p for p in wire_item_pictures(item=item).received if p.image is not None]
        hero = pictures[0] if pictures else None
        figures = [
            {"type": "image", "value": {"image": p.image.pk, "caption": p.caption[:300], "alt": ""}}
            for p in pictures[1:]
        ]
        embargo = item.embargoed if item.embargoed and item.embargoed > timezone.now() else None
        try:
            page = article_draft_from_wire(
                section_id=section_id,
                title=item.headline,
                lead=item.summary or first_paragraph_text(item.body_html, 1000),
                body=[*html_to_blocks(item.body_html), *figures],
                hero_image=hero.image if hero else None,
                hero_caption=hero.caption if hero else "",
                wire_credit=wire_item_credit(item=item),
                original_headline=item.headline,
                original_author=item.byline,
                owner=editor,
                go_live_at=embargo,
            )
        except ArticleDraftError as exc:
            raise WirePromoteError(str(exc)) from exc
        item.article = page
        item.save(update_fields=["article"])
    return page


def wire_item_credit(*, item: WireItem) -> str:
    """The draft's 配信 credit: the source's credit name, with the agency's copyright holder
    (else its copyright notice) when it says something the name does not, e.g.
    「ロイター / © 2026 Thomson Reuters」; cut to the article's 100-character field."""
    credit = item.source.credit_text
    rights = item.copyright_holder or item.copyright_notice
    if rights and rights.strip() != credit.strip():
        if item.copyright_notice and item.copyright_holder in item.copyright_notice:
            rights = item.copyright_notice
        credit = f"{credit} / {rights}"
    return credit[:100]


def wire_item_set_banner(*, item: WireItem, state: str) -> WireItem:
    """Pin an item to the breaking banner, dismiss it from there, or return it to automatic."""
    if state not in BannerState.values:
        raise ValueError(f"unknown banner state {state!r}")
    with transaction.atomic():
        if state == BannerState.PINNED:
            # One pinned banner at a time: pinning a new one returns the old one to automatic.
            WireItem.objects.filter(banner=BannerState.PINNED).exclude(pk=item.pk).update(
                banner=BannerState.AUTO
            )
        WireItem.objects.filter(pk=item.pk).update(banner=state)
    item.banner = state
    wire_clear_cache()
    return item
