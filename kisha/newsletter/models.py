"""Lists, subscribers, their subscriptions, mailings and one Delivery row per (mailing,
subscriber): the row is the send's memory, so a crash or restart resumes without duplicates."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from wagtail.admin.panels import FieldPanel


def _nonce() -> str:
    return secrets.token_urlsafe(16)


class Schedule(models.TextChoices):
    DAILY = "daily", "毎日"
    WEEKLY = "weekly", "毎週"
    ALERT = "alert", "随時（速報）"


class Weekday(models.IntegerChoices):
    MON = 0, "月曜日"
    TUE = 1, "火曜日"
    WED = 2, "水曜日"
    THU = 3, "木曜日"
    FRI = 4, "金曜日"
    SAT = 5, "土曜日"
    SUN = 6, "日曜日"


class AutoMailing(models.TextChoices):
    MANUAL = "manual", "手動（編集者が作成）"
    DRAFT = "draft", "配信時刻に下書きを作成（編集者が確認して配信）"
    SEND = "send", "配信時刻に自動で作成・配信"


class NewsletterList(models.Model):
    """One メールマガジン (毎朝のニュース, 週間ランキング, 速報) with its sender and schedule."""

    name = models.CharField("名称", max_length=60)
    slug = models.SlugField("スラッグ", max_length=40, unique=True)
    description = models.TextField("説明", max_length=400, blank=True)
    schedule = models.CharField("配信スケジュール", max_length=10, choices=Schedule.choices)
    send_time = models.TimeField("配信時刻（日本時間）", null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(
        "配信曜日（毎週の場合）", choices=Weekday.choices, null=True, blank=True
    )
    auto_mailing = models.CharField(
        "定期配信",
        max_length=10,
        choices=AutoMailing.choices,
        default=AutoMailing.MANUAL,
        help_text="毎日・毎週のリストで、配信時刻にサイトの記事からダイジェストを作成します。",
    )
    sender_name = models.CharField("差出人名", max_length=60)
    sender_email = models.EmailField("差出人アドレス")
    in_sidebar = models.BooleanField(
        "サイドバーの登録フォームで選択",
        default=False,
        help_text="サイドバーから登録した読者はこのリストに登録されます。",
    )
    active = models.BooleanField("受付中", default=True)
    sort_order = models.PositiveSmallIntegerField("表示順", default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("schedule"),
        FieldPanel("send_time"),
        FieldPanel("weekday"),
        FieldPanel("auto_mailing"),
        FieldPanel("sender_name"),
        FieldPanel("sender_email"),
        FieldPanel("in_sidebar"),
        FieldPanel("active"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = "メールマガジン"
        verbose_name_plural = "メールマガジン"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.schedule == Schedule.WEEKLY and self.weekday is None:
            errors["weekday"] = "毎週のリストには配信曜日を選んでください。"
        if self.auto_mailing != AutoMailing.MANUAL:
            if self.schedule == Schedule.ALERT:
                errors["auto_mailing"] = "速報のリストは定期配信できません。記事ごとに配信します。"
            elif self.send_time is None:
                errors["send_time"] = "定期配信には配信時刻が必要です。"
        if errors:
            raise ValidationError(errors)

    @property
    def schedule_label(self) -> str:
        label = self.get_schedule_display()
        if self.schedule == Schedule.WEEKLY and self.weekday is not None:
            label = f"毎週{self.get_weekday_display()}"
        if self.send_time and self.schedule != Schedule.ALERT:
            label += f" {self.send_time:%H:%M}ごろ"
        return label


class Subscriber(models.Model):
    """One address. `email` is stored as the parser normalised it (domain in lower case), so an
    address differing only in the domain's case is the same subscriber."""

    class Status(models.TextChoices):
        ACTIVE = "active", "有効"
        BOUNCED = "bounced", "配信不能"

    email = models.CharField("メールアドレス", max_length=254, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField("登録日時", default=timezone.now)
    confirmed_at = models.DateTimeField("確認日時", null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=200, blank=True)
    # Rotated on every confirmation, so a confirmation link works once.
    confirm_nonce = models.CharField(max_length=32, default=_nonce)
    # Part of every preferences and unsubscribe link; rotating it revokes them all.
    manage_key = models.CharField(max_length=32, default=_nonce)
    # Claimed with a conditional UPDATE: one confirmation mail per window, whatever the worker.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "購読者"
        verbose_name_plural = "購読者"

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "確認待ち"
        CONFIRMED = "confirmed", "購読中"
        UNSUBSCRIBED = "unsubscribed", "解除済み"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        NewsletterList, on_delete=models.CASCADE, related_name="subscriptions"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "newsletter"], name="newsletter_sub_once")
        ]
        indexes = [models.Index(fields=["newsletter", "state"], name="newsletter_sub_state")]

    def __str__(self) -> str:
        return f"{self.subscriber_id} → {self.newsletter_id} ({self.state})"


class Mailing(models.Model):
    """One issue of a list: the intro an editor writes, the digest composed from the site."""

    class State(models.TextChoices):
        DRAFT = "draft", "下書き"
        SCHEDULED = "scheduled", "予約済み"
        SENDING = "sending", "配信中"
        SENT = "sent", "配信済み"
        CANCELED = "canceled", "中止"

    newsletter = models.ForeignKey(
        NewsletterList,
        verbose_name="メールマガジン",
        on_delete=models.PROTECT,
        related_name="mailings",
    )
    subject = models.CharField("件名", max_length=120)
    intro = models.TextField("前書き", max_length=4000, blank=True)
    state = models.CharField(
        "状態", max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    scheduled_at = models.DateTimeField("配信予定日時", null=True, blank=True)
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The list's scheduled time this mailing was made for (定期配信), unique per list: a tick
    # run twice, or by two schedulers, makes one mailing per time.
    slot = models.DateTimeField("定期配信の回", null=True, blank=True, editable=False)
    started_at = models.DateTimeField("配信開始", null=True, blank=True)
    finished_at = models.DateTimeField("配信完了", null=True, blank=True)
    # Frozen when the send starts, with placeholders for each reader's links: every reader gets
    # the same digest, even when the send resumes the next day.
    body_html = models.TextField(blank=True, editable=False)
    body_text = models.TextField(blank=True, editable=False)

    panels = [FieldPanel("newsletter"), FieldPanel("subject"), FieldPanel("intro")]

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "slot"],
                condition=models.Q(slot__isnull=False),
                name="newsletter_mailing_one_per_slot",
            )
        ]
        verbose_name = "配信"
        verbose_name_plural = "配信"

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One mail of one mailing to one subscriber. Claimed before it is sent and marked after;
    the unique constraint makes "sent at most once" a property of the database."""

    class State(models.TextChoices):
        PENDING = "pending", "未送信"
        CLAIMED = "claimed", "送信中"
        SENT = "sent", "送信済み"
        FAILED = "failed", "失敗"
        BOUNCED = "bounced", "宛先不明"
        UNCERTAIN = "uncertain", "不明（送信中に停止）"
        SKIPPED = "skipped", "対象外"

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "subscriber"], name="newsletter_delivery_once"
            )
        ]
        indexes = [
            models.Index(fields=["mailing", "state", "id"], name="newsletter_delivery_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.mailing_id}/{self.subscriber_id} ({self.state})"
