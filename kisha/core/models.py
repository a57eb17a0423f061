"""Models every other app builds on: the user, the image with its credit, and the base page."""

from __future__ import annotations

import logging
import time
import uuid

from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.images.models import AbstractImage, AbstractRendition, Filter, Image
from wagtail.models import Page

from .characters import credit_brackets

logger = logging.getLogger(__name__)

# How long a rendition build may hold its lock, and how long another request waits for it.
RENDITION_LOCK_SECONDS = 60
RENDITION_WAIT_SECONDS = 10.0
RENDITION_POLL_SECONDS = 0.1
# An image's rights fields: the wire's caps for one statement (kisha.wire.providers.base), and
# room for a few agencies' terms on one file (kisha.core.images.image_rights_add).
COPYRIGHT_NOTICE_MAX = 1_000
USAGE_TERMS_MAX = 40_000


class KishaImage(AbstractImage):
    """A photo with a structured credit, shown as `(2019年 ロイター/Kevin Lamarque)`.

    The credit is three fields rather than free text so wire ingest can fill it, the caption
    format stays uniform, and the agency can be searched and counted.
    """

    credit_year = models.PositiveSmallIntegerField(
        "撮影年",
        null=True,
        blank=True,
        validators=[MinValueValidator(1850), MaxValueValidator(2200)],
    )
    credit_agency = models.CharField("配信元・提供", max_length=100, blank=True)
    credit_photographer = models.CharField("撮影者", max_length=100, blank=True)
    default_alt_text = models.CharField(
        "代替テキスト",
        max_length=255,
        blank=True,
        help_text="画像が見えない読者のための説明。空ならタイトルを使います。",
    )
    # The agency's rights, kept with the file: an editor who picks the picture from the library
    # months later for another article must still learn "報道目的のみ" or an expiry. Wire
    # downloads fill them (kisha.wire.pictures) and only ever add to them (kisha.core.images).
    copyright_notice = models.CharField(
        "著作権表示",
        max_length=COPYRIGHT_NOTICE_MAX,
        blank=True,
        default="",
        help_text="例: © 2026 キシャ通信",
    )
    usage_terms = models.TextField(
        "利用条件",
        blank=True,
        default="",
        max_length=USAGE_TERMS_MAX,
        help_text="配信元などが付けた使用の条件（報道目的のみ、使用期限など）。"
        "この画像を選ぶ編集者に表示されます。",
    )

    admin_form_fields = (
        *Image.admin_form_fields,
        "credit_year",
        "credit_agency",
        "credit_photographer",
        "default_alt_text",
        "copyright_notice",
        "usage_terms",
    )

    class Meta(AbstractImage.Meta):
        verbose_name = "画像"
        verbose_name_plural = "画像"

    @property
    def credit_text(self) -> str:
        return format_credit(
            year=self.credit_year, agency=self.credit_agency, photographer=self.credit_photographer
        )

    def credit_after(self, caption: str) -> str:
        """The credit as printed after `caption`, its brackets as wide as the caption's."""

        return format_credit(
            year=self.credit_year,
            agency=self.credit_agency,
            photographer=self.credit_photographer,
            brackets=credit_brackets(caption),
        )

    @property
    def alt(self) -> str:
        return self.default_alt_text or self.title

    # Renditions: one build per (image, filter) at a time across workers. A new front page asks
    # for the same new renditions from every worker at once; without a lock each builds (and
    # decodes the original) itself, and Wagtail's get_or_create computes the file even when the
    # row already exists.

    def create_rendition(self, filter: Filter):
        focal_point_key = filter.get_cache_key(self)
        key = f"kisha:rendition-build:{self.pk}:{filter.spec}:{focal_point_key}"
        token = uuid.uuid4().hex
        if _lock_acquire(key, token):
            try:
                existing = self._rendition_row(filter.spec, focal_point_key)
                return existing or super().create_rendition(filter)
            finally:
                _lock_release(key, token)
        deadline = time.monotonic() + RENDITION_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(RENDITION_POLL_SECONDS)
            existing = self._rendition_row(filter.spec, focal_point_key)
            if existing is not None:
                return existing
        # The builder is slow or died holding the lock: a second build beats an error page.
        logger.warning("rendition %s of image %s: lock wait timed out", filter.spec, self.pk)
        return super().create_rendition(filter)

    def create_renditions(self, *filters: Filter) -> dict:
        # One at a time through create_rendition's lock; Wagtail's version builds in parallel
        # threads but without any lock between workers.
        return {filter: self.create_rendition(filter) for filter in filters}

    def _rendition_row(self, spec: str, focal_point_key: str):
        return self.renditions.filter(filter_spec=spec, focal_point_key=focal_point_key).first()


def _lock_acquire(key: str, token: str) -> bool:
    """Take the build lock in the shared cache. A cache that fails counts as 'no lock
    available': the caller builds anyway, as it did before there was a lock."""
    try:
        taken = cache.add(key, token, RENDITION_LOCK_SECONDS)
    except Exception:  # any cache back end's connection error
        logger.warning("rendition lock: cache unavailable, building without a lock", exc_info=True)
        return True
    # The Redis back end answers None, not False, when Redis failed (kisha.core.cache): nobody
    # holds the lock then, and waiting for a builder that does not exist would cost 10 s.
    return taken is None or bool(taken)


def _lock_release(key: str, token: str) -> None:
    try:
        # Only our own lock: after a timeout another worker may hold a new one.
        if cache.get(key) == token:
            cache.delete(key)
    except Exception:
        logger.warning("rendition lock: cache unavailable on release", exc_info=True)


def format_credit(
    *, year: int | None, agency: str, photographer: str, brackets: tuple[str, str] = ("(", ")")
) -> str:
    """`(2019年 ロイター/Kevin Lamarque)`; any part may be missing, and nothing gives ``""``.
    `brackets` is （） after a caption set in full-width brackets (kisha.core.characters)."""
    who = "/".join(part for part in (agency.strip(), photographer.strip()) if part)
    when = f"{year}年" if year else ""
    inner = " ".join(part for part in (when, who) if part)
    return f"{brackets[0]}{inner}{brackets[1]}" if inner else ""


class KishaRendition(AbstractRendition):
    image = models.ForeignKey(KishaImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class BasePage(Page):
    """Every page type inherits this, so listing, social and caching behave the same everywhere.

    Listing fields let an editor give a page a different title and summary in cards than on the
    page itself; social fields feed Open Graph cards. Every page is cacheable for anonymous
    readers (kisha.core.middleware.PublicCacheMiddleware).
    """

    listing_title = models.CharField(
        "一覧用タイトル", max_length=255, blank=True, help_text="一覧やカードで使う短いタイトル。"
    )
    listing_summary = models.TextField("一覧用要約", blank=True, max_length=400)
    social_image = models.ForeignKey(
        KishaImage,
        verbose_name="SNS用画像",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    social_text = models.CharField("SNS用説明", max_length=255, blank=True)

    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [FieldPanel("listing_title"), FieldPanel("listing_summary")], heading="一覧表示"
        ),
        MultiFieldPanel([FieldPanel("social_image"), FieldPanel("social_text")], heading="SNS"),
    ]

    class Meta:
        abstract = True

    @property
    def display_title(self) -> str:
        return self.listing_title or self.title

    @property
    def parent_url(self) -> str:
        """The parent page's URL, read off this page's own (a child's URL is its parent's plus
        its slug), so a "back to the listing" link costs no query for the parent."""
        url = self.url or ""
        return url[: url.rstrip("/").rfind("/") + 1]

    def get_meta_description(self) -> str:
        """The search snippet an editor wrote, if any. The SNS text is for social cards only
        (og:description, kisha.seo.meta); search engines get the page's own words."""
        return self.search_description or self.listing_summary


class Generation(models.Model):
    """A shared generation number (kisha.core.memo): rewritten in the same transaction as any
    change that per-process memos depend on, read once per request by every process."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "世代番号"
        verbose_name_plural = "世代番号"

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class PeriodicRun(models.Model):
    """One claimed run of a periodic job (kisha_scheduler): a job runs once per slot of its
    interval however many schedulers are running, because only one can insert the row."""

    task = models.CharField(max_length=200)
    slot = models.BigIntegerField(help_text="The wall-clock time divided by the interval.")
    enqueued_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "定期実行"
        verbose_name_plural = "定期実行"
        constraints = [
            models.UniqueConstraint(fields=["task", "slot"], name="core_periodic_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.slot}"


class ScheduleBackoff(models.Model):
    """A scheduled publication or expiry that failed (kisha.core.scheduling): no scheduler
    tries it again before `retry_at`, which doubles with each failure up to an hour, so a page
    that cannot be published costs a log line now and then, not one every two seconds. In the
    database, so every scheduler keeps the same back-off."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(db_index=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "予約公開の失敗"
        verbose_name_plural = "予約公開の失敗"

    def __str__(self) -> str:
        return f"{self.key} ×{self.failures}"
