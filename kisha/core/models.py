"""Models every other app builds on: the user, the image with its credit, and the base page."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Page


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

    admin_form_fields = (
        *Image.admin_form_fields,
        "credit_year",
        "credit_agency",
        "credit_photographer",
        "default_alt_text",
    )

    class Meta(AbstractImage.Meta):
        verbose_name = "画像"
        verbose_name_plural = "画像"

    @property
    def credit_text(self) -> str:
        return format_credit(
            year=self.credit_year, agency=self.credit_agency, photographer=self.credit_photographer
        )

    @property
    def alt(self) -> str:
        return self.default_alt_text or self.title


def format_credit(*, year: int | None, agency: str, photographer: str) -> str:
    """`(2019年 ロイター/Kevin Lamarque)`; any part may be missing, and nothing gives ``""``."""
    who = "/".join(part for part in (agency.strip(), photographer.strip()) if part)
    when = f"{year}年" if year else ""
    inner = " ".join(part for part in (when, who) if part)
    return f"({inner})" if inner else ""


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

    def get_meta_description(self) -> str:
        return self.search_description or self.listing_summary or self.social_text


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
