"""The series page, the index and この連載の他の記事 as readers get them."""

import pytest

from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from kisha.core import cachetags
from kisha.core.memo import generation_key
from kisha.series.factories import SeriesPageFactory, SeriesSeasonFactory, series_fill


def test_series_page_lists_articles_in_order(client, series):
    response = client.get(series.url)
    assert response.status_code == 200
    html = response.content.decode()
    titles = [item.page.title for item in series.items.order_by("sort_order")]
    assert [html.index(t) for t in titles] == sorted(html.index(t) for t in titles)
    assert "全5本" in html and "まとめ" in html
    assert 'type="application/rss+xml"' in html or "/feeds/series/hayama/rss/" in html


def test_series_page_with_seasons(client, series_index, make_articles):
    series = SeriesPageFactory(parent=series_index, title="旅の連載", slug="journey")
    SeriesSeasonFactory(series=series, number=1, title="海沿いの町へ")
    SeriesSeasonFactory(series=series, number=2, title="山あいの村へ")
    series_fill(series, make_articles(2, prefix="海"), season=1)
    series_fill(series, make_articles(2, prefix="山"), season=2)
    html = client.get(series.url).content.decode()
    one, two = html.index('id="season-1"'), html.index('id="season-2"')
    assert one < html.index("海1") < two < html.index("山1")
    assert "海沿いの町へ" in html and "山あいの村へ" in html


def test_series_page_carries_its_articles_cache_tags(client, series):
    response = client.get(series.url)
    tags = response["xkey"].split()
    assert cachetags.page_tag(series.id) in tags
    for item in series.items.all():
        assert cachetags.page_tag(item.page_id) in tags


def test_series_page_queries_do_not_grow(client, series_index, make_articles):
    small = SeriesPageFactory(parent=series_index, slug="small")
    series_fill(small, make_articles(2, prefix="小"))
    large = SeriesPageFactory(parent=series_index, slug="large")
    series_fill(large, make_articles(60, prefix="大"))
    client.get(small.url)
    client.get(large.url)  # renditions and memos built once
    with CaptureQueriesContext(connection) as few:
        assert client.get(small.url).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(large.url).status_code == 200
    assert len(many) == len(few)


def test_a_draft_series_is_not_served(client, series):
    series.unpublish()
    assert client.get(series.url).status_code == 404


def test_index_lists_series(client, series, series_index):
    html = client.get(series_index.url).content.decode()
    assert series.title in html and "全5本" in html


def test_article_shows_the_series_nav(client, series):
    pages = [item.page.specific for item in series.items.order_by("sort_order")]
    response = client.get(pages[2].url)
    html = response.content.decode()
    assert "この連載の他の記事" in html
    assert "全5本中3本目" in html
    assert f'href="{pages[1].url}"' in html and f'href="{pages[3].url}"' in html
    assert "前の記事" in html and "次の記事" in html
    # Its neighbours' headlines are on the page: their publish purges it.
    tags = response["xkey"].split()
    assert cachetags.page_tag(pages[1].id) in tags and cachetags.page_tag(series.id) in tags


def test_article_in_two_series_shows_both(client, series, series_index):
    article = series.items.order_by("sort_order")[0].page.specific
    other = SeriesPageFactory(parent=series_index, title="もう一つの連載")
    series_fill(other, [article])
    html = client.get(article.url).content.decode()
    assert html.count("この連載の他の記事") == 2 and "もう一つの連載" in html


def test_article_outside_any_series_has_no_nav(client, article):
    assert "この連載の他の記事" not in client.get(article.url).content.decode()


def test_article_nav_is_left_out_for_a_draft_series(client, series):
    article = series.items.first().page.specific
    series.unpublish()
    assert "この連載の他の記事" not in client.get(article.url).content.decode()


@pytest.mark.parametrize("series_count", [1, 5])
def test_article_page_queries_do_not_grow_with_series(
    client, series_index, make_articles, series_count
):
    shared = make_articles(1, prefix="共通")[0]
    # The other articles exist before the first count, so that only the series differ
    # (blocks such as the related list cost what they cost once there are other articles).
    others = [make_articles(8, prefix=f"連{n}-") for n in range(series_count)]
    client.get(shared.url)
    with CaptureQueriesContext(connection) as alone:
        client.get(shared.url)
    for articles in others:
        series_fill(SeriesPageFactory(parent=series_index), [*articles, shared])
    client.get(shared.url)
    with CaptureQueriesContext(connection) as in_series:
        assert client.get(shared.url).status_code == 200
    assert len(in_series) <= len(alone) + 3


def test_series_pages_through_its_articles(client, series, settings):
    settings.KISHA_SERIES_PAGE_SIZE = 2
    titles = [item.page.title for item in series.items.order_by("sort_order")]
    html = client.get(f"{series.url}?page=3").content.decode()
    assert titles[4] in html and titles[0] not in html and "3 / 3 ページ" in html
    assert client.get(f"{series.url}?page=4").status_code == 404
    assert client.get(f"{series.url}?page=abc").status_code == 404


def test_series_entries_are_shared_until_the_next_publish(client, series):
    client.get(series.url)  # builds the entries and stores them in the shared cache
    with CaptureQueriesContext(connection) as warm:
        assert client.get(series.url).status_code == 200
    article = series.items.order_by("sort_order")[0].page.specific
    article.title = "見出しを差し替えた記事"
    article.save_revision().publish()  # a new content generation: the stored copy is not read
    with CaptureQueriesContext(connection) as cold:
        html = client.get(series.url).content.decode()
    assert "見出しを差し替えた記事" in html
    assert len(warm) < len(cold)
    with CaptureQueriesContext(connection) as again:
        assert "見出しを差し替えた記事" in client.get(series.url).content.decode()
    assert len(again) == len(warm)


def test_series_preview_and_junk_page_numbers_are_never_stored(rf, series):
    request = rf.get(series.url, {"page": "1"})
    request.is_preview = True
    series.get_context(request)
    assert cache.get(generation_key(f"kisha:series:detail:{series.id}:1")) is None
    for junk in ("0", "-3", "x" * 5000, "1e9"):
        request = rf.get(series.url, {"page": junk})
        with pytest.raises(Http404):
            series.get_context(request)
