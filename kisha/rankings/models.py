"""Durable view counts: hourly and daily tables folded from the counters, and ranking snapshots.

Pages are referred to by id, not by foreign key: counts arrive in batches from Redis or a
process's buffer and may name a page deleted a moment ago; a plain integer keeps the fold a
single upsert and the rows of deleted pages are removed by a signal (see apps.py).
"""

from __future__ import annotations

from django.db import models


class HourlyViews(models.Model):
    """Views of one article in one JST hour (`hour` is the hour's start, an aware datetime)."""

    page_id = models.PositiveIntegerField("ページID")
    hour = models.DateTimeField("時間")
    views = models.PositiveIntegerField("閲覧数", default=0)

    class Meta:
        verbose_name = "時間別閲覧数"
        verbose_name_plural = "時間別閲覧数"
        constraints = [
            models.UniqueConstraint(fields=["page_id", "hour"], name="rankings_hourly_page_hour")
        ]
        # The 24時間 window reads (hour, page_id, views) only: a covering index keeps it an
        # index-only scan on PostgreSQL.
        indexes = [models.Index(fields=["hour", "page_id", "views"], name="rankings_hourly_window")]

    def __str__(self) -> str:
        return f"{self.page_id} {self.hour:%Y-%m-%d %H}時: {self.views}"


class DailyViews(models.Model):
    """Views of one article on one JST day; the week and month windows read this, not the
    hourly table, so a month costs one row per article and day instead of 24."""

    page_id = models.PositiveIntegerField("ページID")
    day = models.DateField("日付")
    views = models.PositiveIntegerField("閲覧数", default=0)

    class Meta:
        verbose_name = "日別閲覧数"
        verbose_name_plural = "日別閲覧数"
        constraints = [
            models.UniqueConstraint(fields=["page_id", "day"], name="rankings_daily_page_day")
        ]
        indexes = [models.Index(fields=["day", "page_id", "views"], name="rankings_daily_window")]

    def __str__(self) -> str:
        return f"{self.page_id} {self.day}: {self.views}"


class PendingViews(models.Model):
    """Counts flushed from a process's in-memory buffer, waiting for the fold. One flush writes
    one batch; the fold applies a batch once (FoldedBatch) and then deletes it."""

    batch_id = models.CharField(max_length=64, db_index=True)
    page_id = models.PositiveIntegerField()
    hour = models.DateTimeField()
    views = models.PositiveIntegerField()

    class Meta:
        verbose_name = "未集計の閲覧数"
        verbose_name_plural = "未集計の閲覧数"

    def __str__(self) -> str:
        return f"{self.batch_id} {self.page_id}: {self.views}"


class FoldedBatch(models.Model):
    """A batch already added to the durable tables. Written in the same transaction as the
    counts, so a crash after the write but before the batch is cleared from its source is
    recognised on the next fold and the batch is dropped instead of counted twice."""

    batch_id = models.CharField(max_length=100, primary_key=True)
    folded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "集計済みバッチ"
        verbose_name_plural = "集計済みバッチ"

    def __str__(self) -> str:
        return self.batch_id


class Ranking(models.Model):
    """The latest computed ranking of one window: page ids with their views, best first."""

    WINDOW_CHOICES = [("24h", "24時間"), ("week", "週間"), ("month", "月間")]

    window = models.CharField(max_length=8, primary_key=True, choices=WINDOW_CHOICES)
    entries = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = "ランキング"
        verbose_name_plural = "ランキング"

    def __str__(self) -> str:
        return self.get_window_display()


class CounterMetric(models.Model):
    """Process counters (counted, duplicates, bots, Redis fallbacks, drops) summed across
    processes, so `manage.py rankings_status` and the admin panel can show them."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "計数メトリクス"
        verbose_name_plural = "計数メトリクス"

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class WindowTotals(models.Model):
    """Each article's views in the three windows, kept current by the fold (adds) and the
    refresh (subtracts what slid out of a window), so ranking a window reads a small
    table of one row per article instead of summing millions of rows.

    Deliberately without indexes on the window columns: every hour tens of thousands of rows
    change, and unindexed columns let PostgreSQL update them in place (HOT updates, helped by the
    table's lower fill factor) while a top-100 of 100,000 rows is a quick heap scan."""

    page_id = models.PositiveIntegerField("ページID", primary_key=True)
    h24 = models.BigIntegerField("24時間", default=0)
    week = models.BigIntegerField("週間", default=0)
    month = models.BigIntegerField("月間", default=0)

    class Meta:
        verbose_name = "期間別閲覧数"
        verbose_name_plural = "期間別閲覧数"

    def __str__(self) -> str:
        return f"{self.page_id}: {self.h24}/{self.week}/{self.month}"


class WindowCursor(models.Model):
    """Where each window of WindowTotals starts: views in hours at or after `start` are in the
    totals. Empty until the first refresh builds the window. The fold and the refresh lock
    these rows, so an add and a subtract never miss each other."""

    window = models.CharField(max_length=8, primary_key=True)
    start = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "集計期間の起点"
        verbose_name_plural = "集計期間の起点"

    def __str__(self) -> str:
        return f"{self.window} ≥ {self.start}"
