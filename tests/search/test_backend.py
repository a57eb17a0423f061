"""The backend finds Japanese words inside sentences, on whichever database the tests run."""

import datetime as dt

import pytest
from modelsearch.utils import get_descendants_content_types_pks

from django.db import connection

from wagtail.models import Page

from kisha.core.text import JST
from kisha.news.factories import ArticlePageFactory, publish_at
from kisha.news.models import ArticlePage
from kisha.search.indexing import OBJECT_BITS
from kisha.search.models import SearchDocument
from kisha.search.planning import KishaSearchQueryCompiler
from kisha.search.query import query_compile
from kisha.search.selectors import article_search, search_page
from kisha.search.vendor import PostgresSearch, SQLiteSearch, vendor_for

pytestmark = pytest.mark.django_db


def _titles(qs) -> list[str]:
    return [p.title for p in qs]


def test_publish_indexes_the_article(stories):
    assert SearchDocument.objects.filter(object_id=str(stories["kim"].pk)).exists()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("金正恩", ["kim"]),
        ("非核", ["kim"]),
        ("株", ["stocks"]),
        ("金", ["moving"]),  # 料金, not the name 金正恩: a one-kanji query means the word
        ("姿", ["kim"]),  # 姿勢
        ("協", ["kim", "moving", "stocks"]),  # 協議 is in every factory body
        ("引っ越し", ["moving"]),
        ("引越し", ["moving"]),
        ("非核化 -北朝鮮", []),
        ("日本株　続伸", ["stocks"]),
        ('"株が続伸"', ["stocks"]),
    ],
)
def test_search_finds(stories, q, expected):
    results = ArticlePage.objects.live().search(q)
    assert sorted(p.slug for p in results) == expected


def test_page_search_in_admin_finds_it(stories):
    assert "kim" in [p.slug for p in Page.objects.search("金正恩")]


def test_edit_reindexes(stories):
    page = stories["stocks"]
    page.title = "円相場が急落"
    page.save_revision().publish()
    assert not ArticlePage.objects.search("続伸")
    assert [p.slug for p in ArticlePage.objects.search("円相場")] == ["stocks"]


def test_delete_removes_from_index(stories):
    pk = stories["kim"].pk
    stories["kim"].delete()
    assert not SearchDocument.objects.filter(object_id=str(pk)).exists()
    assert not ArticlePage.objects.search("金正恩")


# What each vendor's SQL answers, tier by tier: 協議 is in kim's title and lead and in every
# factory body; 北朝鮮 only in kim's lead. An exclusion looks at every column in every tier.
VENDOR_ANSWERS = [
    ("協議", ("title",), ["kim"]),
    ("協議", ("title", "lead"), ["kim"]),
    ("協議", ("title", "lead", "body"), ["kim", "moving", "stocks"]),
    ("北朝鮮", ("title",), []),
    ("北朝鮮", ("title", "lead"), ["kim"]),
    ("北朝鮮", ("title", "lead", "body"), ["kim"]),
    ("協議 -北朝鮮", ("title",), []),
    ("協議 -北朝鮮", ("title", "lead", "body"), ["moving", "stocks"]),
    ("引越し", ("title", "lead", "body"), ["moving"]),  # 引越し by bigrams, 引っ越し by Sudachi
    ("株", ("title", "lead", "body"), ["stocks"]),  # the kanji-set token
]


@pytest.mark.parametrize("integer_pk", [True, False], ids=["integer-key", "text-key"])
@pytest.mark.parametrize(("q", "columns", "expected"), VENDOR_ANSWERS)
def test_vendor(stories, q, columns, expected, integer_pk):
    vendor = vendor_for(connection)
    chosen = {"sqlite": SQLiteSearch, "postgresql": PostgresSearch}[connection.vendor]
    assert type(vendor) is chosen
    # SQLite walks the listing in SQL and counts from FTS5's first keys; PostgreSQL does neither.
    assert (vendor.walks_in_sql, vendor.counts_from_keys) == {
        "sqlite": (True, True),
        "postgresql": (False, False),
    }[connection.vendor]

    sql, params = vendor.match_ids(
        query_compile(q),
        content_types=get_descendants_content_types_pks(ArticlePage),
        columns=columns,
        integer_pk=integer_pk,
        object_bits=OBJECT_BITS,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [key for (key,) in cursor.fetchall()]
    slugs = {str(page.pk): slug for slug, page in stories.items()}
    assert sorted(slugs[str(key)] for key in keys) == expected
    assert all(isinstance(key, int if integer_pk else str) for key in keys)


def test_vendor_refuses_other_databases():
    class MySQL:
        vendor = "mysql"

    with pytest.raises(NotImplementedError, match="not mysql"):
        vendor_for(MySQL())


def test_update_index_and_search_rebuild(stories):
    from django.core.management import call_command

    SearchDocument.objects.all().delete()
    assert not ArticlePage.objects.search("金正恩")
    call_command("update_index", verbosity=0)
    assert [p.slug for p in ArticlePage.objects.search("金正恩")] == ["kim"]

    SearchDocument.objects.all().delete()
    SearchDocument.objects.create(
        content_type_id=stories["kim"].content_type_id, object_id="999999"
    )
    call_command("search_rebuild", workers=2, chunk=1, verbosity=0)
    assert [p.slug for p in ArticlePage.objects.search("金正恩")] == ["kim"]
    assert not SearchDocument.objects.filter(object_id="999999").exists()  # stale row dropped
    ids = set(SearchDocument.objects.values_list("object_id", flat=True))
    assert {str(p.pk) for p in stories.values()} <= ids


def test_draft_changes_are_not_public_but_admin_finds_drafts(world):
    draft = ArticlePageFactory(parent=world, title="下書きの特報", slug="draft", live=False)
    assert not ArticlePage.objects.live().search("特報")
    assert [p.pk for p in Page.objects.search("特報")] == [draft.pk]


def test_exclusion_looks_at_every_column_in_every_tier(stories):
    # 北朝鮮 is only in the lead: the headline tier must not let the article through.
    assert not ArticlePage.objects.search("金正恩 -北朝鮮")
    assert not ArticlePage.objects.search("非核化 -最高指導者")


def test_headline_matches_rank_first_then_newest(world):
    lead_early = ArticlePageFactory(parent=world, title="台風の進路", lead="停電が続く地域もある。")
    old_head = ArticlePageFactory(parent=world, title="停電、3日目に", lead="復旧のめど立たず。")
    new_head = ArticlePageFactory(parent=world, title="停電が拡大", lead="約2万戸。")
    lead_only = ArticlePageFactory(parent=world, title="電力網に課題", lead="停電の原因を調べる。")
    for days, page in enumerate([new_head, lead_early, lead_only, old_head]):
        publish_at(page, dt.datetime(2026, 6, 20 - days, tzinfo=JST))
    results = ArticlePage.objects.order_by("-first_published_at").search("停電")
    assert [p.pk for p in results] == [new_head.pk, old_head.pk, lead_early.pk, lead_only.pk]
    scored = list(ArticlePage.objects.search("停電").annotate_score("score"))
    assert sorted(p.score for p in scored) == [2.0, 2.0, 3.0, 3.0]


@pytest.mark.parametrize(
    ("common", "chunk", "budget"),
    [
        (False, 200, 4000),  # matches collected from the index
        (True, 200, 4000),  # the listing walked in one chunk
        (True, 3, 4000),  # in growing chunks
        (True, 3, 0),  # the walk gives up after its first chunk and collects instead
    ],
)
def test_common_word_plans_give_the_same_results(world, monkeypatch, common, chunk, budget):
    """A common word walks the listing and probes the matches; a rare one collects them from
    the index; whichever plan runs, the results are the same."""
    # SQLite decides by the capped count, PostgreSQL by the number of matching keys.
    monkeypatch.setattr(KishaSearchQueryCompiler, "COMMON", 1 if common else 10**9)
    monkeypatch.setattr(KishaSearchQueryCompiler, "KEYS_CAP", 0 if common else 10**9)
    monkeypatch.setattr(KishaSearchQueryCompiler, "WALK_CHUNK", chunk)
    monkeypatch.setattr(KishaSearchQueryCompiler, "WALK_BUDGET", budget)
    pages = []
    for n in range(30):
        title = f"台風{n}号が北上" if n % 3 == 0 else f"各地の天気 {n}"
        page = ArticlePageFactory(parent=world, title=title, lead="台風の影響で雨。", slug=f"w{n}")
        publish_at(page, dt.datetime(2026, 7, 1, tzinfo=JST) + dt.timedelta(hours=n))
        pages.append(page)
    for sort in ("relevance", "newest"):
        page = search_page(results=article_search(query="台風 -大雪", sort=sort), number=2)
        titles = [p.title for p in page.object_list]
        assert page.paginator.count == 30
        assert len(titles) == 10
        if sort == "newest":
            assert titles == [
                f"各地の天気 {n}" if n % 3 else f"台風{n}号が北上" for n in range(9, -1, -1)
            ]
        else:
            # page 1: the 10 headline matches, then the 10 newest lead matches; page 2: the rest
            assert titles == [f"各地の天気 {n}" for n in range(29, 0, -1) if n % 3][10:]


def test_capped_count_when_the_listing_filters_most_matches(world, business):
    """The capped count reads a batch of matching keys first (SQLite); when the listing's own
    filter leaves too few of a full batch it must fall back, never undercount."""
    # The world stories come last, so the first keys of the index are all business ones.
    for n in range(6):
        ArticlePageFactory(parent=business if n < 4 else world, title=f"台風{n}号", slug=f"t{n}")
    everywhere = ArticlePage.objects.live().search("台風")
    in_world = ArticlePage.objects.live().descendant_of(world).search("台風")
    assert everywhere.count_at_most(3) == 3
    assert everywhere.count_at_most(100) == 6
    assert in_world.count_at_most(1) == 1
    assert in_world.count_at_most(2) == 2  # the first 4 keys hold none in world: fall back
    assert in_world.count_at_most(100) == 2
    assert ArticlePage.objects.live().search("台風 -台風").count_at_most(10) == 0
