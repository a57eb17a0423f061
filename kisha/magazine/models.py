"""The print magazine: issues under a マガジン index, and print products (MOOK, 別冊) under a
products index. Fields, admin panels, validation and routing only; reads are in selectors.py.

The table of contents is an InlinePanel of `IssueTocEntry` rows rather than a StreamField: an
entry's article is a real foreign key, so "which issues printed this article" (the 本誌 … 掲載
line on every article page) is one indexed query, a deleted article leaves a print-only title
behind (SET_NULL) instead of a dangling id inside JSON, and Wagtail's reference index and page
chooser work as for any other page link. Sections are a name on each entry; consecutive entries
with the same name form one section, so editors rename, add and reorder sections by typing.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils import timezone

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable
from wagtail.search import index

from kisha.core.cachetags import page_tag, tags_add
from kisha.core.models import BasePage, KishaImage
from kisha.core.text import JST, jst_date
from kisha.news.models import CachedRestrictionsMixin

from .codes import code_display, code_kind, code_validate
from .forms import IssuePageForm
from .labels import label_line, label_long, label_short
from .widgets import SectionNameInput

# A combined issue spans two (rarely three) weekly dates; anything longer is a typing mistake.
MAX_COMBINED_DAYS = 21


def today_jst() -> dt.date:
    return timezone.now().astimezone(JST).date()


class MagazineIndexPage(CachedRestrictionsMixin, RoutablePageMixin, BasePage):
    """マガジン: the current issue at its own URL, back issues by year at `archive/<year>/`."""

    max_count = 1
    parent_page_types = ["news.HomePage"]
    subpage_types = ["magazine.IssuePage"]

    intro = models.TextField("紹介文", blank=True, max_length=1000)
    content_panels = [*BasePage.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = "マガジン"

    @path("")
    def current(self, request):
        preview = getattr(request, "is_preview", False)
        issue = (selectors.issue_current if preview else selectors.issue_current_shared)(index=self)
        context = selectors.issue_detail_context(issue=issue) if issue else {}
        if issue:
            tags_add(request, *(page_tag(pk) for pk in context["toc_article_ids"]))
        return self.render(request, context_overrides={"is_current": True, **context})

    @path("archive/")
    def archive_latest(self, request):
        years = selectors.issue_years(index=self)
        return self._archive(request, years[0] if years else today_jst().year, years)

    @path("archive/<int:year>/")
    def archive_year(self, request, year):
        years = selectors.issue_years(index=self)
        if year not in years:
            raise Http404("その年の号はありません")
        return self._archive(request, year, years)

    def _archive(self, request, year: int, years: list[int]):
        return self.render(
            request,
            template="magazine/archive_page.html",
            context_overrides={
                "year": year,
                "years": years,
                "issues": selectors.issues_of_year(index=self, year=year),
            },
        )


class IssuePage(CachedRestrictionsMixin, BasePage):
    """One printed issue. Its page title is the 特集 (feature) title; the date labels are
    generated from the cover date (two dates for a 合併号) and the on-sale date."""

    parent_page_types = ["magazine.MagazineIndexPage"]
    subpage_types: list[str] = []

    volume = models.PositiveSmallIntegerField(
        "巻", validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    number = models.PositiveSmallIntegerField(
        "号", validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    cover_date = models.DateField("表紙の日付", help_text="合併号なら最初の日付。")
    cover_date_end = models.DateField(
        "合併号の最後の日付", null=True, blank=True, help_text="合併号のときだけ入力。"
    )
    on_sale_date = models.DateField("発売日")
    price = models.PositiveIntegerField("定価（税込・円）", validators=[MaxValueValidator(100_000)])
    cover_image = models.ForeignKey(
        KishaImage,
        verbose_name="表紙画像",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    feature_lead = models.TextField("特集リード", blank=True, max_length=1000)

    base_form_class = IssuePageForm
    content_panels = [
        FieldPanel("title", heading="特集タイトル"),
        FieldPanel("feature_lead"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("volume"), FieldPanel("number")]),
                FieldRowPanel([FieldPanel("cover_date"), FieldPanel("cover_date_end")]),
                FieldRowPanel([FieldPanel("on_sale_date"), FieldPanel("price")]),
            ],
            heading="号の情報",
        ),
        InlinePanel("toc_entries", heading="目次", label="目次の項目"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("feature_lead")]

    class Meta:
        verbose_name = "号"
        verbose_name_plural = "号"

    @property
    def feature_title(self) -> str:
        return self.title

    @property
    def is_combined(self) -> bool:
        return self.cover_date_end is not None

    @property
    def label(self) -> str:
        return label_long(
            cover=self.cover_date, cover_end=self.cover_date_end, on_sale=self.on_sale_date
        )

    @property
    def label_short(self) -> str:
        return label_short(
            cover=self.cover_date, cover_end=self.cover_date_end, on_sale=self.on_sale_date
        )

    @property
    def label_line(self) -> str:
        return label_line(cover=self.cover_date, cover_end=self.cover_date_end)

    @property
    def volume_number(self) -> str:
        return f"第{self.volume}巻第{self.number}号"

    def full_clean(self, *args, **kwargs):
        # A new issue is addressed by its cover date unless the editor typed a slug.
        if not self.slug and self.cover_date:
            self.slug = self.cover_date.isoformat()
        super().full_clean(*args, **kwargs)

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field, message in self._issue_errors():
            errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)

    def _issue_errors(self) -> list[tuple[str, str]]:
        """Each mistake a desk editor can make with the dates and numbers, in Japanese."""
        found = []
        cover, end, on_sale = self.cover_date, self.cover_date_end, self.on_sale_date
        if not isinstance(cover, dt.date):
            return found  # the field's own error says it is missing
        if end is not None:
            if end <= cover:
                found.append(
                    (
                        "cover_date_end",
                        f"合併号の最後の日付（{jst_date(end)}）は表紙の日付（{jst_date(cover)}）"
                        "より後にしてください。",
                    )
                )
                end = None
            elif (end - cover).days > MAX_COMBINED_DAYS:
                found.append(
                    (
                        "cover_date_end",
                        f"合併号の期間が長すぎます（{(end - cover).days}日）。"
                        f"{MAX_COMBINED_DAYS}日以内にしてください。",
                    )
                )
        if isinstance(on_sale, dt.date) and on_sale > cover:
            found.append(
                (
                    "on_sale_date",
                    f"発売日（{jst_date(on_sale)}）が表紙の日付（{jst_date(cover)}）より後です。"
                    "発売日は表紙の日付と同じ日か、それより前にしてください。",
                )
            )
        others = IssuePage.objects.exclude(pk=self.pk) if self.pk else IssuePage.objects.all()
        if self.volume and self.number:
            twin = others.filter(volume=self.volume, number=self.number).first()
            if twin is not None:
                found.append(
                    (
                        "number",
                        f"{self.volume_number}はすでにあります（{twin.label_line}「{twin.title}」）。"
                        "巻と号を確かめてください。",
                    )
                )
        last = end or cover
        # Two issues overlap when each starts on or before the other's last date.
        clash = (
            others.filter(cover_date__lte=last)
            .filter(
                models.Q(cover_date_end__gte=cover)
                | models.Q(cover_date_end__isnull=True, cover_date__gte=cover)
            )
            .order_by("cover_date")
            .first()
        )
        if clash is not None:
            found.append(
                (
                    "cover_date_end" if end else "cover_date",
                    f"表紙の日付が{clash.label_line}（{clash.volume_number}）と重なっています。"
                    "合併号の期間か表紙の日付を確かめてください。",
                )
            )
        return found

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        preview = getattr(request, "is_preview", False)
        context.update(selectors.issue_detail_context(issue=self, preview=preview))
        if not preview and self.pk:
            tags_add(request, *(page_tag(pk) for pk in context["toc_article_ids"]))
        return context


class IssueTocEntry(Orderable):
    """One line of an issue's table of contents: a web article, or a title printed only."""

    issue = ParentalKey(IssuePage, on_delete=models.CASCADE, related_name="toc_entries")
    section = models.CharField(
        "セクション",
        max_length=40,
        help_text="同じセクション名が続く項目がひとまとまりになります。",
    )
    article = models.ForeignKey(
        "news.ArticlePage",
        verbose_name="ウェブ記事",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(
        "見出し",
        max_length=200,
        blank=True,
        help_text="誌面のみの記事の見出し。ウェブ記事を選んだときは空ならその見出しを使います。",
    )
    byline = models.CharField("筆者", max_length=100, blank=True)
    print_page = models.PositiveSmallIntegerField(
        "掲載ページ", null=True, blank=True, validators=[MaxValueValidator(999)]
    )

    panels = [
        FieldPanel("section", widget=SectionNameInput),
        FieldPanel("article"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("byline"), FieldPanel("print_page")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "目次の項目"
        verbose_name_plural = "目次"
        indexes = [models.Index(fields=["article"], name="magazine_toc_article")]

    def clean(self) -> None:
        if not self.article_id and not self.title.strip():
            raise ValidationError(
                {"title": "ウェブ記事を選ぶか、誌面のみの記事の見出しを入力してください。"}
            )

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        return self.article.title if self.article_id and self.article else ""


class ProductIndexPage(CachedRestrictionsMixin, BasePage):
    """出版物: the MOOK and 別冊 list, newest first."""

    max_count = 1
    parent_page_types = ["news.HomePage"]
    subpage_types = ["magazine.PrintProductPage"]

    intro = models.TextField("紹介文", blank=True, max_length=1000)
    content_panels = [*BasePage.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = "出版物一覧"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["products"] = selectors.products_listing(index=self)
        return context


class ProductStatus(models.TextChoices):
    UPCOMING = "upcoming", "近日発売"
    ON_SALE = "on_sale", "好評発売中"
    ENDED = "ended", "販売終了"


class PrintProductPage(CachedRestrictionsMixin, BasePage):
    """A MOOK or 別冊. Its sale status follows the dates unless an editor sets one by hand."""

    parent_page_types = ["magazine.ProductIndexPage"]
    subpage_types: list[str] = []

    class Kind(models.TextChoices):
        MOOK = "mook", "MOOK"
        BESSATSU = "bessatsu", "別冊"

    kind = models.CharField("種類", max_length=12, choices=Kind.choices, default=Kind.MOOK)
    cover_image = models.ForeignKey(
        KishaImage,
        verbose_name="表紙画像",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField("内容紹介", blank=True, max_length=2000)
    on_sale_date = models.DateField("発売日")
    sale_end_date = models.DateField(
        "販売終了日", null=True, blank=True, help_text="この日の翌日から「販売終了」と表示します。"
    )
    price = models.PositiveIntegerField(
        "定価（税込・円）", validators=[MaxValueValidator(1_000_000)]
    )
    code = models.CharField(
        "ISBN/JANコード",
        max_length=40,
        blank=True,
        help_text="ISBN-13（978/979で始まる13桁）またはJAN。ハイフンはあってもかまいません。",
    )
    status_override = models.CharField(
        "販売状況（手動）",
        max_length=12,
        choices=ProductStatus.choices,
        blank=True,
        help_text="空なら発売日と販売終了日から決まります。",
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("kind"),
        FieldPanel("cover_image"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("on_sale_date"), FieldPanel("sale_end_date")]),
                FieldRowPanel([FieldPanel("price"), FieldPanel("code")]),
                FieldPanel("status_override"),
            ],
            heading="販売情報",
        ),
        InlinePanel("retailer_links", heading="購入先", label="購入先"),
    ]

    class Meta:
        verbose_name = "出版物（MOOK・別冊）"
        verbose_name_plural = "出版物（MOOK・別冊）"

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if self.code:
            try:
                self.code = code_validate(self.code)
            except ValidationError as exc:
                errors.setdefault("code", []).extend(exc.messages)
        start, end = self.on_sale_date, self.sale_end_date
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            errors.setdefault("sale_end_date", []).append(
                f"販売終了日（{jst_date(end)}）が発売日（{jst_date(start)}）より前です。"
            )
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        preview = getattr(request, "is_preview", False)
        context.update(selectors.product_detail_context(product=self, preview=preview))
        return context

    def status_on(self, day: dt.date) -> str:
        if self.status_override:
            return self.status_override
        if day < self.on_sale_date:
            return ProductStatus.UPCOMING
        if self.sale_end_date and day > self.sale_end_date:
            return ProductStatus.ENDED
        return ProductStatus.ON_SALE

    @property
    def status(self) -> str:
        return self.status_on(today_jst())

    @property
    def status_label(self) -> str:
        return ProductStatus(self.status).label

    @property
    def code_kind(self) -> str:
        return code_kind(self.code) if self.code else ""

    @property
    def code_text(self) -> str:
        return code_display(self.code)


class ProductRetailerLink(Orderable):
    product = ParentalKey(PrintProductPage, on_delete=models.CASCADE, related_name="retailer_links")
    name = models.CharField("購入先の名前", max_length=60)
    url = models.URLField("URL", max_length=500)

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("url")])]

    class Meta(Orderable.Meta):
        verbose_name = "購入先"
        verbose_name_plural = "購入先"

    def clean(self) -> None:
        if self.url and not self.url.lower().startswith(("https://", "http://")):
            raise ValidationError({"url": "購入先のURLは http:// か https:// で始めてください。"})


# Issue and product pages build their context from the selectors, which read these models: a
# loop Wagtail's get_context on the page model makes unavoidable. Imported last, so every
# model exists whichever of the two modules is imported first.
from . import selectors  # noqa: E402
