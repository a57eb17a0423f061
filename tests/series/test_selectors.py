"""Series reads cost a fixed number of queries however many articles and series there are."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kisha.news.factories import KishaImageFactory
from kisha.series.factories import SeriesPageFactory, SeriesSeasonFactory, series_fill
from kisha.series.selectors import series_detail, series_navs, series_sidebar


def queries_of(function, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(**kwargs)
    return len(captured)


def test_series_detail_groups_by_season_in_order(series_index, make_articles):
    series = SeriesPageFactory(parent=series_index, title="ローカル線の旅")
    SeriesSeasonFactory(series=series, number=2, title="山へ", sort_order=0)
    SeriesSeasonFactory(series=series, number=1, title="海へ", sort_order=1)
    one, two, three = make_articles(3)
    series_fill(series, [three], season=2)
    series_fill(series, [two, one], season=1)
    detail = series_detail(series=series)
    groups = [(g.label, g.title, [e.id for _, e in g.entries]) for g in detail["season_groups"]]
    assert groups == [("シーズン1", "海へ", [two.id, one.id]), ("シーズン2", "山へ", [three.id])]
    assert detail["article_total"] == 3


def test_unpublished_articles_are_not_shown(series, make_articles):
    hidden = series.items.order_by("sort_order")[1].page
    hidden.unpublish()
    detail = series_detail(series=series)
    assert hidden.id not in detail["shown_ids"]
    assert detail["article_total"] == 4
    navs = series_navs(article=series.items.order_by("sort_order")[0].page.specific)
    assert hidden.id not in [a.id for a in navs[0].nearby]
    assert series_navs(article=hidden.specific) == []


def test_series_detail_queries_do_not_grow(series_index, make_articles):
    small = SeriesPageFactory(parent=series_index)
    series_fill(small, make_articles(2, prefix="小"))
    large = SeriesPageFactory(parent=series_index)
    pages = make_articles(40, prefix="大")
    for page in pages[:20]:
        page.hero_image = KishaImageFactory()
        page.save()
    series_fill(large, pages)
    series_fill(large, [small])  # a nested series adds one fixed query
    series_detail(series=large)  # builds the thumbnails' renditions once
    with CaptureQueriesContext(connection) as small_queries:
        series_detail(series=small)
    # Four more, however long: the photos and their renditions, the nested series' visibility
    # and their cards.
    assert queries_of(series_detail, series=large) <= len(small_queries) + 4
    series_fill(large, make_articles(40, prefix="追加"))
    series_detail(series=large)  # the new pages changed the generation: memos rebuild once
    assert queries_of(series_detail, series=large) <= len(small_queries) + 4


def test_article_nav_previous_next_and_nearby(series, settings):
    settings.KISHA_SERIES_NAV_COUNT = 3
    pages = [item.page.specific for item in series.items.order_by("sort_order")]
    (nav,) = series_navs(article=pages[2])
    assert (nav.position, nav.total) == (3, 5)
    assert nav.previous.id == pages[1].id and nav.next.id == pages[3].id
    assert [a.id for a in nav.nearby] == [p.id for p in pages[1:4]]
    (first,) = series_navs(article=pages[0])
    assert first.previous is None and [a.id for a in first.nearby] == [p.id for p in pages[:3]]
    (last,) = series_navs(article=pages[4])
    assert last.next is None and [a.id for a in last.nearby] == [p.id for p in pages[2:]]


def test_an_article_in_several_series_costs_the_same_queries(
    series_index, make_articles, django_assert_max_num_queries
):
    shared = make_articles(1, prefix="共通")[0]
    one = SeriesPageFactory(parent=series_index)
    series_fill(one, [*make_articles(3, prefix="一"), shared])
    with CaptureQueriesContext(connection) as single:
        assert len(series_navs(article=shared)) == 1
    for n in range(6):
        other = SeriesPageFactory(parent=series_index)
        series_fill(other, [*make_articles(10, prefix=f"他{n}-"), shared])
    with django_assert_max_num_queries(len(single)):
        assert len(series_navs(article=shared)) == 7


def test_an_article_in_no_series_costs_one_query(article, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert series_navs(article=article) == []


def test_sidebar_lists_live_sidebar_series_in_tree_order(series_index, settings):
    settings.KISHA_SERIES_SIDEBAR_COUNT = 2
    first = SeriesPageFactory(parent=series_index, title="一")
    SeriesPageFactory(parent=series_index, title="隠す", show_in_sidebar=False)
    second = SeriesPageFactory(parent=series_index, title="二")
    SeriesPageFactory(parent=series_index, title="三")
    draft = SeriesPageFactory(parent=series_index, title="下書き")
    draft.unpublish()
    assert [s.id for s in series_sidebar()] == [first.id, second.id]


@pytest.mark.parametrize("count", [1, 30])
def test_sidebar_queries_are_constant(series_index, count, django_assert_max_num_queries):
    for _ in range(count):
        SeriesPageFactory(parent=series_index, cover_image=KishaImageFactory())
    # The generation, the restricted paths, the series, their covers and the renditions.
    with django_assert_max_num_queries(5):
        series_sidebar()


def test_a_long_series_is_paged_with_its_season_headings(series_index, make_articles, settings):
    settings.KISHA_SERIES_PAGE_SIZE = 3
    series = SeriesPageFactory(parent=series_index)
    SeriesSeasonFactory(series=series, number=1, title="海")
    SeriesSeasonFactory(series=series, number=2, title="山")
    sea, mountain = make_articles(4, prefix="海"), make_articles(3, prefix="山")
    series_fill(series, sea, season=1)
    series_fill(series, mountain, season=2)
    first = series_detail(series=series, number=1)
    second = series_detail(series=series, number="2")
    numbered = [(g.label, [n for n, _ in g.entries]) for g in second["season_groups"]]
    assert [(g.label, [n for n, _ in g.entries]) for g in first["season_groups"]] == [
        ("シーズン1", [1, 2, 3])
    ]
    assert numbered == [("シーズン1", [4]), ("シーズン2", [5, 6])]
    assert [(c["label"], c["page"]) for c in first["season_contents"]] == [
        ("シーズン1", 1),
        ("シーズン2", 2),
    ]
    assert first["article_total"] == 7


@pytest.mark.parametrize("number", ["0", "4", "x", "-1", "9" * 40, "1.5"])
def test_a_bad_page_number_is_404(series, number, settings):
    from django.http import Http404

    settings.KISHA_SERIES_PAGE_SIZE = 2
    with pytest.raises(Http404):
        series_detail(series=series, number=number)
