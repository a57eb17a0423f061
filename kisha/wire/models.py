"""Wire sources, the items they deliver (with every version kept) and the ingest log.

An item is keyed by (source, sha256 of guid): agencies' guids are URIs of any length and in any
script, which PostgreSQL cannot put in a unique B-tree index as text, while a fixed-size hash
can. Writes happen in ``services.py``; these classes hold fields, validation and admin panels.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from kisha.wire.conf import conf
from kisha.wire.fetch import FetchError, check_url

FORMAT_CHOICES = [
    ("", "自動判別"),
    ("ninjs", "IPTC ninjs (JSON)"),
    ("newsml", "IPTC NewsML-G2 (XML)"),
    ("newsml1", "IPTC NewsML 1.2 (XML)"),
    ("rss", "RSS / Atom"),
]
PUBSTATUS_CHOICES = [("usable", "配信"), ("withheld", "保留"), ("canceled", "取消")]
MIN_POLL_SECONDS = 30
DOWNLOAD_CHOICES = [("pending", "未取得"), ("ok", "取得済み"), ("failed", "取得失敗")]


def guid_digest(guid: str) -> str:
    return hashlib.sha256(guid.encode("utf-8")).hexdigest()


class WireSource(ClusterableModel):
    """An agency feed the newsroom takes: where to read it, how to map it, how to credit it."""

    name = models.CharField("名前", max_length=100, unique=True, help_text="例: ロイター、共同通信")
    format = models.CharField("形式", max_length=20, choices=FORMAT_CHOICES, blank=True, default="")
    url = models.URLField(
        "フィードURL", max_length=2000, blank=True, help_text="http(s) のURL。定期的に取得します。"
    )
    drop_folder = models.CharField(
        "受信フォルダ",
        max_length=500,
        blank=True,
        help_text="サーバー上のフォルダ。置かれたファイルを取り込みます。URLとどちらか一方。",
    )
    poll_interval = models.PositiveIntegerField(
        "取得間隔(秒)", default=300, help_text=f"{MIN_POLL_SECONDS}秒以上"
    )
    enabled = models.BooleanField("有効", default=True)
    default_section = models.ForeignKey(
        "news.SectionPage",
        verbose_name="既定のセクション",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="分類の対応表に当てはまらない記事のセクション",
    )
    credit = models.CharField(
        "クレジット", max_length=100, blank=True, help_text="記事に表示する配信元名。空なら名前。"
    )
    # Conditional GET state and the last poll's outcome, written only by services.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    folder_state = models.JSONField(default=dict, blank=True, editable=False)
    last_polled_at = models.DateTimeField("最終取得", null=True, blank=True, editable=False)
    last_ok_at = models.DateTimeField("最終成功", null=True, blank=True, editable=False)
    last_error = models.TextField("最新のエラー", blank=True, editable=False)
    last_error_at = models.DateTimeField("エラー日時", null=True, blank=True, editable=False)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("format"), FieldPanel("enabled")]),
        MultiFieldPanel(
            [FieldPanel("url"), FieldPanel("drop_folder"), FieldPanel("poll_interval")],
            heading="取得先",
        ),
        FieldPanel("credit"),
        FieldPanel("default_section", widget=forms.Select),
        InlinePanel("mappings", heading="分類とセクションの対応", label="対応"),
    ]

    class Meta:
        verbose_name = "配信元"
        verbose_name_plural = "配信元"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def credit_text(self) -> str:
        return self.credit or self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.url and self.drop_folder:
            errors["drop_folder"] = "URLと受信フォルダはどちらか一方だけを指定してください。"
        if self.url:
            try:
                # The fetcher's own guard, so a URL it would refuse is refused here, with a reason.
                check_url(self.url, allow_private=allow_private_fetch())
            except FetchError as exc:
                errors["url"] = (
                    f"取得できないURLです。http(s) の公開アドレスだけを指定できます: {exc.message}"
                )
        if self.drop_folder and "drop_folder" not in errors:
            problem = drop_folder_problem(self.drop_folder)
            if problem:
                errors["drop_folder"] = problem
        if self.poll_interval is not None and self.poll_interval < MIN_POLL_SECONDS:
            errors["poll_interval"] = f"{MIN_POLL_SECONDS}秒以上にしてください。"
        if errors:
            raise ValidationError(errors)

    def is_due(self, now=None) -> bool:
        if not self.enabled or not (self.url or self.drop_folder):
            return False
        if self.last_polled_at is None:
            return True
        now = now or timezone.now()
        return (now - self.last_polled_at).total_seconds() >= self.poll_interval


def allow_private_fetch() -> bool:
    # Only tests set this (to reach a server on 127.0.0.1); it is never read from the environment.
    return bool(conf("KISHA_WIRE_ALLOW_PRIVATE_FETCH"))


def drop_root() -> Path:
    return Path(settings.KISHA_WIRE_DROP_ROOT).resolve()


def drop_folder_resolved(folder: str) -> Path | None:
    """The folder after symlinks and ``..``, or None when that lies outside KISHA_WIRE_DROP_ROOT.
    Editors type this path; confining it stops the admin from reading /etc or Kisha's var/."""
    resolved, root = Path(folder).resolve(), drop_root()
    if resolved != root and root not in resolved.parents:
        return None
    return resolved


def drop_folder_problem(folder: str) -> str:
    """Why a drop folder cannot be used, or '' when it can (inside the root, exists, readable).
    Outside the root nothing else is checked, so the answer says nothing about other paths."""
    path = Path(folder)
    if not path.is_absolute():
        return "受信フォルダは絶対パスで指定してください。"
    resolved = drop_folder_resolved(folder)
    if resolved is None:
        return f"受信フォルダは {drop_root()} の中に置いてください。"
    if not resolved.is_dir():
        return "受信フォルダが存在しません。"
    if not os.access(resolved, os.R_OK | os.X_OK):
        return "受信フォルダを読み取れません。"
    return ""


class WireSubjectMapping(Orderable):
    """One row of a source's mapping: a subject code or category name → a Kisha section."""

    source = ParentalKey(WireSource, on_delete=models.CASCADE, related_name="mappings")
    code = models.CharField(
        "分類コード・カテゴリ名",
        max_length=300,
        help_text="例: medtop:04000000、subj:11000000、World。大文字小文字は区別しません。",
    )
    section = models.ForeignKey(
        "news.SectionPage", verbose_name="セクション", on_delete=models.CASCADE, related_name="+"
    )

    # A plain select: a site has a handful of sections, and a page chooser hides them in a modal.
    panels = [FieldPanel("code"), FieldPanel("section", widget=forms.Select)]

    class Meta(Orderable.Meta):
        verbose_name = "分類の対応"


class BannerState(models.TextChoices):
    AUTO = "auto", "自動(緊急度1〜2)"
    PINNED = "pinned", "固定表示"
    DISMISSED = "dismissed", "表示しない"


class WireItem(models.Model):
    """The current version of one agency item; older versions live in WireItemVersion."""

    source = models.ForeignKey(
        WireSource, verbose_name="配信元", on_delete=models.CASCADE, related_name="items"
    )
    guid = models.TextField("GUID")
    guid_hash = models.CharField(max_length=64, editable=False)
    version = models.BigIntegerField("版")
    content_hash = models.CharField(max_length=64, editable=False)
    format = models.CharField("形式", max_length=40, blank=True)
    headline = models.TextField("見出し")
    summary = models.TextField("要約", blank=True)
    body_html = models.TextField("本文HTML", blank=True)
    byline = models.CharField("筆者", max_length=1000, blank=True)
    language = models.CharField("言語", max_length=64, blank=True)
    pubstatus = models.CharField(
        "配信状態", max_length=10, choices=PUBSTATUS_CHOICES, default="usable"
    )
    urgency = models.PositiveSmallIntegerField("緊急度", null=True, blank=True)
    subjects = models.JSONField("分類", default=list, blank=True)
    images = models.JSONField("画像", default=list, blank=True)
    link = models.URLField("元記事URL", max_length=4000, blank=True)
    firstcreated = models.DateTimeField("初出", null=True, blank=True)
    versioncreated = models.DateTimeField("版の作成", null=True, blank=True)
    embargoed = models.DateTimeField("解禁", null=True, blank=True)
    # What the ticker sorts and shows: the version's time, else first creation, else receipt.
    item_time = models.DateTimeField("日時", db_index=True)
    received_at = models.DateTimeField("受信", default=timezone.now)
    updated_at = models.DateTimeField("更新", default=timezone.now)
    section = models.ForeignKey(
        "news.SectionPage",
        verbose_name="セクション",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    article = models.ForeignKey(
        "news.ArticlePage",
        verbose_name="記事",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        # Indexed by wire_item_article below, only where set: a plain index made SQLite read
        # 未記事化 (article IS NULL, nearly every row) off it and sort a million rows.
        db_index=False,
    )
    banner = models.CharField(
        "速報バナー", max_length=10, choices=BannerState.choices, default=BannerState.AUTO
    )
    # The agency's rights statement, as sent (providers read it; the desk shows it).
    copyright_holder = models.CharField("著作権者", max_length=1000, blank=True, default="")
    copyright_notice = models.CharField("著作権表示", max_length=1000, blank=True, default="")
    usage_terms = models.TextField("利用条件", blank=True, default="")

    class Meta:
        verbose_name = "配信記事"
        verbose_name_plural = "配信記事"
        ordering = ["-item_time", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid_hash"], name="wire_item_source_guid")
        ]
        indexes = [
            # The ticker (pubstatus, newest first) and the desk's 配信状態 filter share it.
            models.Index(fields=["pubstatus", "-item_time", "-id"], name="wire_desk_pubstatus"),
            # The wire desk (kisha.wire.desk): each filter's newest rows straight off an index.
            models.Index(fields=["-item_time", "-id"], name="wire_desk_time"),
            # 記事化済み: a few rows in a million; without it SQLite walks the time index and
            # tests every row (4.5 s at 1,000,000 items).
            models.Index(
                fields=["-item_time", "-id"],
                condition=models.Q(article__isnull=False),
                name="wire_desk_promoted",
            ),
            # An article's wire item (``article_id = …`` implies the condition on both databases).
            models.Index(
                fields=["article"],
                condition=models.Q(article__isnull=False),
                name="wire_item_article",
            ),
            models.Index(fields=["source", "-item_time", "-id"], name="wire_desk_source"),
            models.Index(fields=["section", "-item_time", "-id"], name="wire_desk_section"),
            models.Index(fields=["urgency", "-item_time", "-id"], name="wire_desk_urgency"),
        ]

    def __str__(self) -> str:
        return self.headline[:80]

    @property
    def on_ticker(self) -> bool:
        return self.pubstatus == "usable" and not (
            self.embargoed and self.embargoed > timezone.now()
        )


class WireItemVersion(models.Model):
    """Every version of an item ever ingested, for the newsroom's history view."""

    item = models.ForeignKey(WireItem, on_delete=models.CASCADE, related_name="versions")
    version = models.BigIntegerField("版")
    content_hash = models.CharField(max_length=64)
    headline = models.TextField("見出し")
    summary = models.TextField("要約", blank=True)
    body_html = models.TextField("本文HTML", blank=True)
    byline = models.CharField("筆者", max_length=1000, blank=True)
    pubstatus = models.CharField("配信状態", max_length=10, choices=PUBSTATUS_CHOICES)
    urgency = models.PositiveSmallIntegerField("緊急度", null=True, blank=True)
    versioncreated = models.DateTimeField("版の作成", null=True, blank=True)
    received_at = models.DateTimeField("受信", default=timezone.now)

    class Meta:
        verbose_name = "配信記事の版"
        verbose_name_plural = "配信記事の版"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="wire_version_item_version")
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.headline[:60]}"


class WireIngestRun(models.Model):
    """One ingest of one document (a poll, a dropped file, a manual import) and its counts."""

    class Status(models.TextChoices):
        RUNNING = "running", "実行中"
        OK = "ok", "成功"
        PARTIAL = "partial", "一部エラー"
        FAILED = "failed", "失敗"
        NOT_MODIFIED = "not_modified", "変更なし(304)"

    source = models.ForeignKey(
        WireSource, verbose_name="配信元", on_delete=models.CASCADE, related_name="runs"
    )
    origin = models.CharField("取得元", max_length=2000, blank=True)
    started_at = models.DateTimeField("開始", default=timezone.now, db_index=True)
    finished_at = models.DateTimeField("終了", null=True, blank=True)
    status = models.CharField("結果", max_length=20, choices=Status.choices, default=Status.RUNNING)
    message = models.TextField("メッセージ", blank=True)
    ingested = models.PositiveIntegerField("新規", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("変更なし", default=0)
    ignored_older = models.PositiveIntegerField("旧版", default=0)
    errors = models.PositiveIntegerField("エラー", default=0)

    class Meta:
        verbose_name = "取り込み履歴"
        verbose_name_plural = "取り込み履歴"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class WireIngestError(models.Model):
    """Why one document, or one entry of it, was not ingested."""

    run = models.ForeignKey(WireIngestRun, on_delete=models.CASCADE, related_name="error_rows")
    source = models.ForeignKey(
        WireSource, verbose_name="配信元", on_delete=models.CASCADE, related_name="ingest_errors"
    )
    position = models.IntegerField("位置", null=True, blank=True)
    guid = models.TextField("GUID", blank=True)
    message = models.TextField("エラー")
    created_at = models.DateTimeField("日時", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "取り込みエラー"
        verbose_name_plural = "取り込みエラー"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        where = "文書全体" if self.position is None else f"{self.position}件目"
        return f"{self.source} {where}: {self.message[:80]}"


class WirePicture(models.Model):
    """A picture item an agency sent on its own, for the packages that show it with a story.

    Only the current version is kept (a picture's history is not news); the file itself is not
    downloaded here, only the URL of its best rendition.
    """

    source = models.ForeignKey(
        WireSource, verbose_name="配信元", on_delete=models.CASCADE, related_name="pictures"
    )
    guid = models.TextField("GUID")
    guid_hash = models.CharField(max_length=64, editable=False)
    version = models.BigIntegerField("版")
    content_hash = models.CharField(max_length=64, editable=False)
    url = models.URLField("画像URL", max_length=4000)
    caption = models.TextField("キャプション", blank=True)
    credit = models.CharField("クレジット", max_length=300, blank=True)
    # The picture's own rights statement, as sent: shown with it and told at 記事化.
    copyright_notice = models.CharField("著作権表示", max_length=1000, blank=True, default="")
    usage_terms = models.TextField("利用条件", blank=True, default="")
    pubstatus = models.CharField(
        "配信状態", max_length=10, choices=PUBSTATUS_CHOICES, default="usable"
    )
    received_at = models.DateTimeField("受信", default=timezone.now)
    updated_at = models.DateTimeField("更新", default=timezone.now)
    # The downloaded file, as a Wagtail image with the agency's credit (services.py,
    # wire_picture_download, run by a task after the ingest so text never waits for pictures).
    download = models.CharField(
        "取得状態", max_length=10, choices=DOWNLOAD_CHOICES, default="pending", db_index=True
    )
    download_error = models.TextField("取得エラー", blank=True)
    attempts = models.PositiveSmallIntegerField("取得の試行回数", default=0)
    next_attempt_at = models.DateTimeField("次の取得", null=True, blank=True)
    image = models.ForeignKey(
        "core.KishaImage",
        verbose_name="画像",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "配信写真"
        verbose_name_plural = "配信写真"
        constraints = [
            models.UniqueConstraint(fields=["source", "guid_hash"], name="wire_picture_source_guid")
        ]

    def __str__(self) -> str:
        return self.caption[:80] or self.guid[:80]


class WirePackage(models.Model):
    """A package: one story (its first text member) with its pictures, in the agency's order.

    Members are looked up by guid when the package is read, so members that arrive after the
    package are picked up without rewriting anything, and a new version of the package (new
    members, new order) changes the story's pictures at once.
    """

    source = models.ForeignKey(
        WireSource, verbose_name="配信元", on_delete=models.CASCADE, related_name="packages"
    )
    guid = models.TextField("GUID")
    guid_hash = models.CharField(max_length=64, editable=False)
    version = models.BigIntegerField("版")
    content_hash = models.CharField(max_length=64, editable=False)
    format = models.CharField("形式", max_length=40, blank=True)
    headline = models.TextField("見出し", blank=True)
    pubstatus = models.CharField(
        "配信状態", max_length=10, choices=PUBSTATUS_CHOICES, default="usable"
    )
    # The story member's guid hash, so an item finds its package with one indexed lookup.
    story_guid_hash = models.CharField(max_length=64, blank=True, editable=False)
    received_at = models.DateTimeField("受信", default=timezone.now)
    updated_at = models.DateTimeField("更新", default=timezone.now)

    class Meta:
        verbose_name = "配信パッケージ"
        verbose_name_plural = "配信パッケージ"
        constraints = [
            models.UniqueConstraint(fields=["source", "guid_hash"], name="wire_package_source_guid")
        ]
        indexes = [
            models.Index(fields=["source", "story_guid_hash"], name="wire_package_story"),
        ]

    def __str__(self) -> str:
        return self.headline[:80] or self.guid[:80]


class WirePackageMember(models.Model):
    """One member of a package, in order; ``kind`` is '' when the package did not say."""

    package = models.ForeignKey(WirePackage, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveIntegerField()
    guid = models.TextField()
    guid_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, blank=True)
    # The member package this one was expanded from ('' when the package named it itself).
    via = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["package", "position"]
        indexes = [
            # An inner package arriving finds the outer packages naming it (refresh_outer_packages).
            models.Index(fields=["guid_hash"], name="wire_package_member_guid"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "position"], name="wire_package_member_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.guid[:80]}"
