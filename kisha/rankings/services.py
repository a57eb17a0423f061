"""Writes: fold counted views into the durable tables, compute rankings, prune old rows."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from kisha.core.cachetags import RANKINGS
from kisha.core.fragments import fragment
from kisha.core.frontend_cache import purge_after_commit
from kisha.core.memo import generation_key
from kisha.core.text import to_jst
from kisha.news.selectors import live_article_ids

from .backends import get_backend
from .backends.base import BaseCounter, Batch, jst_hour
from .conf import conf
from .models import DailyViews, FoldedBatch, HourlyViews, Ranking, WindowTotals
from .totals import locked_cursors, totals_add, totals_advance, totals_top
from .windows import WINDOWS

logger = logging.getLogger("kisha.rankings")

# Ranks kept per window: ten are shown; the spares fill in when a ranked article is unpublished
# before the next refresh.
KEEP = 20
UPSERT_CHUNK = 500
JSON_CACHE_KEY = "kisha:rankings:json:v1"  # the /api/rankings/ payload, under the generation


@dataclass
class FoldResult:
    batches: int = 0
    views: int = 0
    skipped: int = 0  # batches already folded before (a crash between apply and ack)


def _upsert(table: str, key: str, rows: list[tuple]) -> None:
    """Add views to existing rows or insert them: one statement per chunk, on SQLite and
    PostgreSQL alike (both know INSERT … ON CONFLICT DO UPDATE)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_CHUNK):
            chunk = rows[start : start + UPSERT_CHUNK]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            sql = (
                f"INSERT INTO {qn(table)} ({qn('page_id')}, {qn(key)}, {qn('views')}) "  # noqa: S608
                f"VALUES {values} ON CONFLICT ({qn('page_id')}, {qn(key)}) "
                f"DO UPDATE SET {qn('views')} = {qn(table)}.{qn('views')} + excluded.{qn('views')}"
            )
            # Only quoted model table and column names are formatted in; values are parameters.
            cursor.execute(sql, [value for row in chunk for value in row])  # noqa: S608


def batch_apply(*, batch: Batch) -> bool:
    """Add one batch to the hourly and daily tables, once. Returns False when the batch id was
    folded before: its counts are already durable and the caller only has to clear it."""
    hourly: dict[tuple[int, dt.datetime], int] = defaultdict(int)
    daily: dict[tuple[int, dt.date], int] = defaultdict(int)
    for page_id, hour, views in batch.rows:
        if views <= 0:
            continue
        hourly[(page_id, hour)] += views
        daily[(page_id, to_jst(hour).date())] += views
    ops = connection.ops
    try:
        with transaction.atomic():
            # Lock the window cursors first: the refresh moves them under the same lock.
            cursors = locked_cursors()
            if FoldedBatch.objects.filter(batch_id=batch.id).exists():
                return False
            FoldedBatch.objects.create(batch_id=batch.id)
            totals_add(rows=hourly, cursors=cursors)
            _upsert(
                HourlyViews._meta.db_table,
                "hour",
                [
                    (page_id, ops.adapt_datetimefield_value(hour), views)
                    for (page_id, hour), views in sorted(hourly.items())
                ],
            )
            _upsert(
                DailyViews._meta.db_table,
                "day",
                [
                    (page_id, ops.adapt_datefield_value(day), views)
                    for (page_id, day), views in sorted(daily.items())
                ],
            )
    except IntegrityError:
        # Another fold applied this batch at the same moment; its transaction won.
        return False
    return True


def rankings_fold(*, backend: BaseCounter | None = None) -> FoldResult:
    """Make every counted view durable: flush this process's buffer, then apply each batch the
    back end holds and clear it from the back end. Each batch is applied in one transaction
    together with its id, and cleared only afterwards, so an interruption at any point is
    repaired by the next fold without counting anything twice."""
    backend = backend or get_backend()
    result = FoldResult()
    backend.flush()
    for batch in backend.batches():
        if batch_apply(batch=batch):
            result.batches += 1
            result.views += sum(views for _, _, views in batch.rows)
        else:
            result.skipped += 1
        try:
            backend.ack(batch)
        except Exception as exc:
            # The batch stays claimed and is recognised as folded next time.
            logger.warning("rankings: could not clear batch %s (%s); next fold will", batch.id, exc)
            break
    if result.batches or result.skipped:
        logger.info(
            "rankings: folded %d views in %d batches (%d already folded)",
            result.views,
            result.batches,
            result.skipped,
        )
    return result


def ranking_candidates(*, window: str, now: dt.datetime, limit: int) -> list[tuple[int, int]]:
    """(page id, views) of the most-read pages in a window, best first; ties go to the newer
    page (higher id), so the order never depends on the database's whim."""
    with transaction.atomic():
        totals_advance(now=now)
    return totals_top(window=window, limit=limit)


def ranking_candidates_by_sum(
    *, window: str, now: dt.datetime, limit: int
) -> list[tuple[int, int]]:
    """The same answer summed from the durable tables: what WindowTotals must always equal
    (tests compare them; bench/rankings.py times both)."""
    return list(
        HourlyViews.objects.filter(hour__gte=WINDOWS[window].start(now))
        .values("page_id")
        .annotate(total=Sum("views"))
        .order_by("-total", "-page_id")
        .values_list("page_id", "total")[:limit]
    )


def rankings_refresh(*, now: dt.datetime | None = None) -> dict[str, list[list[int]]]:
    """Recompute the three windows from the durable tables and store them. Only live, public
    articles are kept (drafts, unpublished, private, scheduled and deleted pages never rank)."""
    now = now or timezone.now()
    computed: dict[str, list[list[int]]] = {}
    with transaction.atomic():
        totals_advance(now=now)
    for key in WINDOWS:
        limit = 100
        while True:
            candidates = totals_top(window=key, limit=limit)
            live = live_article_ids([page_id for page_id, _ in candidates])
            entries = [[page_id, total] for page_id, total in candidates if page_id in live]
            if len(entries) >= KEEP or len(candidates) < limit or limit >= 10_000:
                break
            limit *= 4
        computed[key] = entries[:KEEP]
        Ranking.objects.update_or_create(
            window=key, defaults={"entries": computed[key], "computed_at": now}
        )
    rankings_clear_cache()
    return computed


def rankings_clear_cache() -> None:
    """Drop the cached block and JSON, and purge every cached copy of them (tag `rankings`)."""
    fragment("rankings").forget()
    try:
        cache.delete(generation_key(JSON_CACHE_KEY))
    except Exception:
        logger.warning("rankings: could not clear the cached JSON")
    purge_after_commit(tags=[RANKINGS])


def rankings_prune(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete hourly rows past KISHA_RANKINGS_HOURLY_DAYS, daily rows past
    KISHA_RANKINGS_DAILY_DAYS and folded-batch ids past two weeks (a batch is never retried
    that late: Redis buckets expire sooner)."""
    now = now or timezone.now()
    hourly_days = int(conf("KISHA_RANKINGS_HOURLY_DAYS"))
    daily_days = int(conf("KISHA_RANKINGS_DAILY_DAYS"))
    today = to_jst(now).date()
    return {
        "hourly": HourlyViews.objects.filter(
            hour__lt=now - dt.timedelta(days=hourly_days)
        ).delete()[0],
        "daily": DailyViews.objects.filter(day__lt=today - dt.timedelta(days=daily_days)).delete()[
            0
        ],
        "batches": FoldedBatch.objects.filter(folded_at__lt=now - dt.timedelta(days=14)).delete()[
            0
        ],
    }


def views_forget_page(*, page_id: int) -> None:
    """A deleted article's counts go with it."""
    HourlyViews.objects.filter(page_id=page_id).delete()
    DailyViews.objects.filter(page_id=page_id).delete()
    WindowTotals.objects.filter(page_id=page_id).delete()


def views_import(*, batch_id: str, rows: list[tuple[int, dt.datetime, int]], source: str) -> bool:
    """Add views counted elsewhere — (page id, any time in the hour, views) rows, e.g. the demo's
    reading history — to the durable tables, once per `batch_id` (a second call with the same
    id adds nothing and returns False)."""
    hours = [(page_id, jst_hour(when), views) for page_id, when, views in rows]
    return batch_apply(batch=Batch(id=batch_id, rows=hours, source=source))


def rankings_backup_flush() -> int:
    """Before a backup (kisha.core.backup): counters still in Redis are not in the database, so
    fold them first; returns the views folded."""
    return rankings_fold().views
