"""The sidebar's series block: a cached fragment a publish replaces, on every page; and what a
change purges (cache tags for Kisha's page cache and Varnish, paths for URL-purged fronts)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kisha.core import cachetags
from kisha.news.services import tags_showing
from kisha.series.factories import SeriesPageFactory
from kisha.series.fragments import series_block_html, series_purge_paths


def test_the_sidebar_shows_series_on_every_page(client, series, article, home):
    for url in (home.url, article.url, series.url):
        html = client.get(url).content.decode()
        assert "連載・まとめ" in html and series.title in html


def test_the_block_is_cached_until_a_publish(series, series_index):
    first = series_block_html()
    with CaptureQueriesContext(connection) as cached:
        assert series_block_html() == first
    assert len(cached) <= 1  # the generation only
    newer = SeriesPageFactory(parent=series_index, title="新しい連載")
    newer.save_revision().publish()
    assert "新しい連載" in series_block_html()


def test_an_unpublished_series_leaves_the_sidebar(series):
    assert series.title in series_block_html()
    series.unpublish()
    assert series.title not in series_block_html()


def test_no_series_no_block(client, article):
    assert series_block_html() == ""
    assert "連載・まとめ" not in client.get(article.url).content.decode()


def test_a_series_publish_purges_its_whole_site(series, home):
    # Every page shows the sidebar, and the series' articles show its nav.
    site_tag = cachetags.site_tag(home.get_site().id)
    assert site_tag in tags_showing(page=series)


def test_an_article_publish_reaches_the_series_page_by_its_tag(client, series):
    # The series page carries the tags of the articles it lists, so tags_showing(article)
    # (which names the article's own tag) purges it.
    article = series.items.first().page.specific
    assert cachetags.page_tag(article.id) in tags_showing(page=article)
    assert cachetags.page_tag(article.id) in client.get(series.url)["xkey"].split()


def test_purge_paths_for_url_fronts(series, article):
    member = series.items.order_by("sort_order")[0].page.specific
    paths = series_purge_paths(member)
    assert series.url in paths
    assert f"/feeds/series/{series.slug}/rss/" in paths
    assert all(item.page.url in paths for item in series.items.all())
    assert set(series_purge_paths(series)) == set(paths)
    assert series_purge_paths(article) == []  # in no series
