"""The news site's pages: home, sections, topics, authors and articles.

The tree is Home → Section → Article, Home → トピック index → Topic, and Home → 執筆者 index,
whose author profiles are served by route from the Author snippet. Listings live in
`selectors.py`; these classes hold fields, admin panels and page routing only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, PageViewRestriction
from wagtail.search import index
from wagtail.snippets.widgets import AdminSnippetChooser

from kisha.core.cachetags import author_tag, tags_add
from kisha.core.models import BasePage, KishaImage
from kisha.core.pagination import paginate
from kisha.core.routing import route_cached, route_direct
from kisha.core.text import count_characters, reading_minutes

from .blocks import ArticleBodyBlock
from .forms import ArticlePageForm, AuthorForm, BylinePanel, ReadingPageForm


class CachedRestrictionsMixin:
    """Answer Wagtail's view-restriction check (run before serving every page) from the cached
    list of restricted paths: with no restriction above a page, no query; otherwise Wagtail's
    own lookup. Saves two queries on every public page."""

    def get_view_restrictions(self):
        if not any(self.path.startswith(path) for path in selectors.restricted_paths()):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class HomePage(CachedRestrictionsMixin, BasePage):
    """The front page: editor-picked top stories, filled up with the latest, then 最新記事."""

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "news.SectionPage",
        "news.TopicIndexPage",
        "news.AuthorIndexPage",
        "series.SeriesIndexPage",
        "magazine.MagazineIndexPage",
        "magazine.ProductIndexPage",
    ]
    TOP_STORIES = 5
    LATEST = 20

    content_panels = [
        *BasePage.content_panels,
        InlinePanel("top_stories", label="トップ記事", max_num=TOP_STORIES),
    ]

    class Meta:
        verbose_name = "ホーム"

    def route(self, request, path_components):
        """Find `/<section>/<article>/…` in one query instead of Wagtail's four, and any other
        page in two (kisha.core.routing); either kept in the shared cache under the content
        generation, so a path routed once costs no query until the next change.

        Wagtail walks the tree a level at a time, with a query for the child and another for its
        specific type at each level; articles are most of the traffic, so they get a short cut.
        A miss takes Wagtail's own route, which also gives the 404.
        """
        if len(path_components) >= 2 and any(
            s.slug == path_components[0] for s in selectors.sections()
        ):
            section_slug, article_slug = path_components[:2]
            article = route_cached(
                "article",
                self,
                path_components[:2],
                lambda: (
                    ArticlePage.objects.filter(
                        slug=article_slug,
                        depth=self.depth + 2,
                        url_path=f"{self.url_path}{section_slug}/{article_slug}/",
                    )
                    .select_related("locale")
                    .first()
                ),
            )
            if article is not None:
                return article.route(request, path_components[2:])
        if path_components:
            found = route_direct(self, request, path_components)
            if found is not None:
                return found
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_listing(home=self))
        return context


class HomeTopStory(Orderable):
    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="top_stories")
    article = models.ForeignKey(
        "news.ArticlePage", verbose_name="記事", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        verbose_name = "トップ記事"


class SectionPage(CachedRestrictionsMixin, BasePage):
    """A section such as ワールド or ビジネス; its label is used on cards and in the ticker."""

    parent_page_types = ["news.HomePage"]
    subpage_types = ["news.ArticlePage"]

    short_label = models.CharField(
        "短いラベル",
        max_length=20,
        blank=True,
        help_text="カードや速報で使う表示名。空ならタイトル。",
    )
    description = models.TextField("説明", blank=True, max_length=500)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("short_label"),
        FieldPanel("description"),
    ]

    class Meta:
        verbose_name = "セクション"

    @property
    def label(self) -> str:
        return self.short_label or self.title

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = paginate(
            request,
            selectors.section_articles(section=self),
            self.page_size(),
            count=selectors.section_article_count(section=self),
        )
        return context

    @staticmethod
    def page_size() -> int:
        return settings.KISHA_LISTING_PAGE_SIZE


class TopicIndexPage(CachedRestrictionsMixin, BasePage):
    max_count = 1
    parent_page_types = ["news.HomePage"]
    subpage_types = ["news.TopicPage"]

    class Meta:
        verbose_name = "トピック一覧"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["topics"] = selectors.topics_listing(index=self)
        return context


class TopicPage(CachedRestrictionsMixin, BasePage):
    """A running story such as 米朝関係; articles name one as their primary topic."""

    parent_page_types = ["news.TopicIndexPage"]
    subpage_types: list[str] = []

    description = models.TextField("説明", blank=True, max_length=1000)
    reading = models.CharField(
        "よみがな",
        max_length=100,
        blank=True,
        help_text="五十音順の並びに使います。空のまま保存すると見出しの読みが入ります。",
    )
    content_panels = [*BasePage.content_panels, FieldPanel("reading"), FieldPanel("description")]
    base_form_class = ReadingPageForm

    class Meta:
        verbose_name = "トピック"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = paginate(
            request, selectors.topic_articles(topic=self), SectionPage.page_size()
        )
        return context


class Author(index.Indexed, models.Model):
    """A byline. A snippet (not a page) so a wire story or several articles can share it."""

    name = models.CharField("名前", max_length=100)
    name_reading = models.CharField(
        "よみがな",
        max_length=100,
        blank=True,
        help_text="五十音順の並びに使います。空のまま保存すると名前の読みが入ります。",
    )
    slug = models.SlugField("スラッグ", max_length=100, unique=True, allow_unicode=False)
    role = models.CharField("肩書", max_length=100, blank=True)
    bio = models.TextField("プロフィール", blank=True, max_length=2000)
    photo = models.ForeignKey(
        KishaImage,
        verbose_name="写真",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("name_reading"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ]
    # The article editor's chooser searches these as the editor types (autocomplete): the
    # name, or its reading in kana (やまだ finds 山田花子).
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("name_reading"),
        index.AutocompleteField("name_reading"),
    ]
    base_form_class = AuthorForm

    class Meta:
        verbose_name = "執筆者"
        verbose_name_plural = "執筆者"
        ordering = ["name_reading", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.slug:
            self.slug = slugify(self.name_reading or self.name)
        if not self.slug:
            raise ValidationError({"slug": "スラッグを半角英数字で入力してください。"})

    @property
    def url(self) -> str:
        base = selectors.author_index_url()
        return f"{base}{self.slug}/" if base else ""


class AuthorIndexPage(CachedRestrictionsMixin, RoutablePageMixin, BasePage):
    """執筆者: lists authors and serves each author's profile page at `<slug>/`."""

    max_count = 1
    parent_page_types = ["news.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "執筆者一覧"

    @path("")
    def author_list(self, request):
        return self.render(request, context_overrides={"authors": Author.objects.all()})

    @path("<slug:slug>/")
    def author_detail(self, request, slug):
        try:
            author = Author.objects.select_related("photo").get(slug=slug)
        except Author.DoesNotExist as exc:
            raise Http404("執筆者が見つかりません") from exc
        tags_add(request, author_tag(author.id))
        return self.render(
            request,
            template="news/author_page.html",
            context_overrides={
                "author": author,
                "articles": paginate(
                    request, selectors.author_articles(author=author), SectionPage.page_size()
                ),
            },
        )


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(CachedRestrictionsMixin, RoutablePageMixin, BasePage):
    """A news article. A wire story carries the agency credit and its original headline and author.

    The headline is the page title. A long article splits into pages at page-break blocks,
    served at `<slug>/2/`, `<slug>/3/`, … with next/previous links.
    """

    parent_page_types = ["news.SectionPage"]
    subpage_types: list[str] = []

    short_headline = models.CharField(
        "短い見出し",
        max_length=60,
        blank=True,
        help_text="一覧や速報で使う見出し。空なら見出しを使います。",
    )
    lead = models.TextField("リード", blank=True, max_length=1000)
    hero_image = models.ForeignKey(
        KishaImage,
        verbose_name="メイン画像",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_caption = models.CharField("キャプション", max_length=300, blank=True)
    body = StreamField(ArticleBodyBlock(), verbose_name="本文", blank=True)
    primary_topic = models.ForeignKey(
        "news.TopicPage",
        verbose_name="主トピック",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="primary_articles",
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name="タグ")
    # The byline, in the editor's order: rows of ArticleAuthor (`author_links`, edited with a
    # chooser in the admin and kept in revisions); `authors` reads the same rows for filters
    # and prefetches. Show a byline with `author_links` (selectors.byline): `authors` does
    # not keep the order.
    authors = models.ManyToManyField(
        Author, through="ArticleAuthor", verbose_name="執筆者", blank=True, related_name="articles"
    )
    wire_credit = models.CharField(
        "配信元クレジット",
        max_length=100,
        blank=True,
        help_text="例: ロイター。配信記事のときに入力。",
    )
    original_headline = models.CharField("原題", max_length=300, blank=True)
    original_author = models.CharField("原文の筆者", max_length=200, blank=True)
    # Set by the editor's 更新を表示 box or a new correction (ArticlePageForm), never by a
    # republication alone: a typo fix must not tell readers the story changed.
    substantive_update_at = models.DateTimeField(
        "更新日時",
        null=True,
        blank=True,
        editable=False,
        help_text="読者に「更新」と示す最後の実質的な更新・訂正の日時。",
    )

    base_form_class = ArticlePageForm
    content_panels = [
        # No slug from the headline: a new article gets a short one (ArticlePage.full_clean).
        TitleFieldPanel("title", targets=[]),
        FieldPanel("short_headline"),
        FieldPanel("lead"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_caption")], heading="メイン画像"
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("primary_topic"), FieldPanel("tags")],
            heading="分類",
        ),
        BylinePanel(
            "author_links",
            heading="執筆者",
            label="執筆者",
            help_text="名前かよみがなで検索して選びます。上から順に署名に並びます。",
        ),
        MultiFieldPanel(
            [
                FieldPanel("wire_credit"),
                FieldPanel("original_headline"),
                FieldPanel("original_author"),
            ],
            heading="配信記事",
        ),
        InlinePanel(
            "corrections",
            heading="訂正・おわび",
            label="訂正・おわび",
            help_text="記事の末尾と訂正・おわび一覧に日付とともに載ります。追加すると「更新」が表示されます。",
        ),
        FieldPanel("substantive_update"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("short_headline"),
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("first_published_at"),
    ]

    base_form_class = ArticlePageForm

    class Meta:
        verbose_name = "記事"
        verbose_name_plural = "記事"

    @property
    def card_title(self) -> str:
        return self.short_headline or self.listing_title or self.title

    @property
    def updated_at(self):
        """The last substantive update or correction after the first publication (the editor's
        更新を表示 choice, ArticlePageForm), shown as 更新; a republication alone never is."""
        first, updated = self.first_published_at, self.substantive_update_at
        if first and updated and updated > first:
            return updated
        return None

    @property
    def modified_at(self):
        """dateModified, feeds' <updated>, sitemaps' <lastmod>: the 更新 time, else the first
        publication."""
        return self.updated_at or self.first_published_at

    def with_content_json(self, content):
        # A revision saved before the field existed has no value for it: keep the live one,
        # or the next publication of an older draft would drop the 更新 time.
        page = super().with_content_json(content)
        if "substantive_update_at" not in content:
            page.substantive_update_at = self.substantive_update_at
        return page

    def full_clean(self, *args, **kwargs):
        # Before Wagtail's own defaults, which would make the slug from the headline.
        if self.slug_is_automatic():
            self.slug = services.article_slug_new()
        super().full_clean(*args, **kwargs)

    def slug_is_automatic(self) -> bool:
        """A never-published article whose slug the editor left empty or as the headline's
        (Wagtail's auto slug, or anything not ASCII) gets a short one: `YYYYMMDD-N`. A slug
        once published stays, so its URL is stable."""
        if self.first_published_at is not None:
            return False
        slug = self.slug or ""
        return (
            not slug
            or not slug.isascii()
            or slug in {slugify(self.title or "", allow_unicode=True), slugify(self.title or "")}
        )

    def split_body(self) -> list[list]:
        """The body's blocks grouped into pages at each page break (empty pages dropped)."""
        pages: list[list] = [[]]
        for block in self.body:
            if block.block_type == "page_break":
                pages.append([])
            else:
                pages[-1].append(block)
        return [page for page in pages if page] or [[]]

    def body_text(self) -> str:
        parts = []
        for block in self.body:
            if block.block_type == "paragraph":
                parts.append(block.value.source)
            elif block.block_type == "heading":
                parts.append(str(block.value))
            elif block.block_type == "quote":
                parts.append(block.value["text"])
        return strip_tags(" ".join(parts))

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(count_characters(self.lead) + count_characters(self.body_text()))

    @path("")
    def first_page(self, request):
        return self.serve_body_page(request, 1)

    @path("<int:number>/")
    def numbered_page(self, request, number):
        if number < 2:
            raise Http404("ページが見つかりません")
        return self.serve_body_page(request, number)

    def serve_body_page(self, request, number: int):
        pages = self.split_body()
        if number > len(pages):
            raise Http404("ページが見つかりません")
        return self.render(
            request,
            context_overrides={
                "body_blocks": pages[number - 1],
                "page_number": number,
                "page_count": len(pages),
                "page_numbers": range(1, len(pages) + 1),
            },
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.article_detail_context(article=self))
        tags_add(request, *(author_tag(author.id) for author in context["article_authors"]))
        return context


class ArticleAuthor(Orderable):
    """One name in an article's byline, in the editor's order. No unique constraint on
    (page, author): swapping two names updates the rows one by one; ArticlePageForm refuses
    a name chosen twice."""

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="author_links")
    author = models.ForeignKey(
        Author, on_delete=models.CASCADE, related_name="article_links", verbose_name="執筆者"
    )

    # Wagtail's snippet chooser searches the name and よみがな; a posted value that is not an id
    # is the field's own error (kisha.core.choosers guards every chooser).
    panels = [FieldPanel("author", widget=AdminSnippetChooser(Author))]

    class Meta(Orderable.Meta):
        verbose_name = "執筆者"
        verbose_name_plural = "執筆者"

    def __str__(self) -> str:
        return str(self.author)


class ArticleCorrection(Orderable):
    """訂正・おわび・追記: a dated note at the foot of an article and on the corrections page."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "訂正"
        APOLOGY = "apology", "おわび"
        ADDENDUM = "addendum", "追記"

    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="corrections")
    noted_at = models.DateTimeField("日時", default=timezone.now, db_index=True)
    kind = models.CharField("種類", max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(
        "本文",
        max_length=1000,
        help_text="例：初出時、開催日を「5日」としていましたが「6日」の誤りでした。",
    )

    panels = [FieldPanel("kind"), FieldPanel("noted_at"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = "訂正・おわび"
        verbose_name_plural = "訂正・おわび"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:40]}"


class ArticleSlugCounter(models.Model):
    """The last number given to a new article's slug on one JST day (`YYYYMMDD-N`). A row
    incremented in the database, so two editors saving at once never get the same URL."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day:%Y%m%d}-{self.last}"


class ArticleKill(models.Model):
    """記事取り消し: who withdrew which article, when and why. The URL is kept so the notice
    (410) can be served there after the page is gone from the tree too."""

    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField("見出し", max_length=255)
    path = models.CharField("URL", max_length=500, db_index=True)
    reason = models.TextField("理由", max_length=1000, blank=True)
    show_notice = models.BooleanField("お知らせを表示", default=True)
    killed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="取り消した人",
    )
    killed_at = models.DateTimeField("日時", default=timezone.now)

    class Meta:
        verbose_name = "記事取り消し"
        verbose_name_plural = "記事取り消し"
        ordering = ["-killed_at", "-id"]

    def __str__(self) -> str:
        return self.title


# Pages build their context from the selectors, and an article takes its short slug from the
# services; both read and write these models. The one loop in news, unavoidable while Wagtail
# keeps get_context and full_clean on the page model: imported last, so every model exists
# whichever of the three modules is imported first.
from . import selectors, services  # noqa: E402
