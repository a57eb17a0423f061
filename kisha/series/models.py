"""Series pages: /series/ lists the live series, /series/<slug>/ shows one in order.

A series is a Wagtail page (not a snippet) because it is read like one: it has its own URL,
feed and sidebar link, and editors want what pages get for free — drafts, preview, revisions,
scheduled publishing, workflows and the cache purge on publish. Its articles are an orderable
inline list of page choosers (`SeriesItem`), its seasons another (`SeriesSeason`); an item names
its season by number, because Wagtail cannot nest one inline panel in another. Reads live in
`selectors.py`, the admin's checks in `forms.py`.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.models import Orderable

from kisha.core.cachetags import page_tag, tags_add
from kisha.core.models import BasePage, KishaImage
from kisha.news.models import CachedRestrictionsMixin

from .forms import SeriesPageForm

MAX_SEASON = 999


class SeriesIndexPage(CachedRestrictionsMixin, BasePage):
    """連載・まとめ: every live series, in the order editors give them in the page tree."""

    max_count = 1
    parent_page_types = ["news.HomePage"]
    subpage_types = ["series.SeriesPage"]

    intro = models.TextField("紹介文", blank=True, max_length=1000)
    content_panels = [*BasePage.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = "連載一覧"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # 五十音 order by reading; the sidebar keeps the editors' tree order (a curated list).
        context["series_list"] = list(
            selectors.series_cards().child_of(self).order_by("reading", "title")
        )
        return context


class SeriesPage(CachedRestrictionsMixin, BasePage):
    """One curated series: a まとめ of a story, or a numbered travel series in seasons."""

    parent_page_types = ["series.SeriesIndexPage"]
    subpage_types: list[str] = []
    base_form_class = SeriesPageForm

    kicker = models.CharField(
        "ラベル",
        max_length=20,
        blank=True,
        help_text="サイドバーや見出しの上に出す短いラベル。例: まとめ、連載",
    )
    description = models.TextField("説明", blank=True, max_length=2000)
    cover_image = models.ForeignKey(
        KishaImage,
        verbose_name="表紙画像",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reading = models.CharField(
        "よみがな",
        max_length=100,
        blank=True,
        help_text="連載一覧の五十音順に使います。空のまま保存するとタイトルの読みが入ります。",
    )
    show_in_sidebar = models.BooleanField(
        "サイドバーに表示", default=True, help_text="全ページのサイドバーの連載欄に載せます。"
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("reading"),
        FieldPanel("kicker"),
        FieldPanel("description"),
        FieldPanel("cover_image"),
        FieldPanel("show_in_sidebar"),
        MultiFieldPanel(
            [InlinePanel("seasons", label="シーズン", heading="")],
            heading="シーズン（任意）",
            help_text="シーズン分けする連載だけ。番号は 1 から、重複なし。",
        ),
        InlinePanel(
            "items",
            label="記事",
            heading="記事（この順で表示）",
            help_text="記事か、入れ子にする別の連載を選びます。",
        ),
    ]

    class Meta:
        verbose_name = "連載"
        verbose_name_plural = "連載"

    @property
    def label(self) -> str:
        return self.kicker or "連載"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        number = request.GET.get("page", "1")
        # A preview shows the editor's unsaved series: never the shared copy, never stored.
        preview = getattr(request, "is_preview", False)
        detail = (selectors.series_detail if preview else selectors.series_detail_shared)(
            series=self, number=number
        )
        context.update(detail)
        context["series_feed"] = feeds.series_feed_links(self.slug)
        # The page shows its articles' headlines: an article's publish (its own tag) purges it.
        tags_add(request, *(page_tag(page_id) for page_id in detail["shown_ids"]))
        return context


class SeriesSeason(Orderable):
    """シーズンN of a series, with an optional subtitle and description."""

    series = ParentalKey(SeriesPage, on_delete=models.CASCADE, related_name="seasons")
    number = models.PositiveSmallIntegerField(
        "シーズン番号", validators=[MinValueValidator(1), MaxValueValidator(MAX_SEASON)]
    )
    title = models.CharField("サブタイトル", max_length=100, blank=True)
    description = models.TextField("説明", max_length=1000, blank=True)

    panels = [FieldPanel("number"), FieldPanel("title"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = "シーズン"
        verbose_name_plural = "シーズン"

    def __str__(self) -> str:
        return f"シーズン{self.number}" + (f"　{self.title}" if self.title else "")


class SeriesItem(Orderable):
    """One entry of a series: an article, or another series nested in it (shown as a link)."""

    series = ParentalKey(SeriesPage, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="記事または連載",
        on_delete=models.CASCADE,
        related_name="series_items",
    )
    season = models.PositiveSmallIntegerField(
        "シーズン",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SEASON)],
        help_text="シーズン分けするときの番号。シーズンがなければ空のまま。",
    )

    panels = [
        PageChooserPanel("page", ["news.ArticlePage", "series.SeriesPage"]),
        FieldPanel("season"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "連載の記事"
        verbose_name_plural = "連載の記事"
        indexes = [models.Index(fields=["page", "series"], name="series_item_page")]


# Series pages build their context from the selectors (and their feed links from feeds), which
# read these models: a loop Wagtail's get_context on the page model makes unavoidable. Imported
# last, so every model exists whichever module is imported first.
from . import feeds, selectors  # noqa: E402
