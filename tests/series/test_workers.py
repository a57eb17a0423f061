"""With two real gunicorn workers and Kisha's page cache: an article's new headline reaches the
series page and the other articles of its series, and a series' publish reaches the sidebar of
every page, within a second (cache tags, kisha.core.pagecache)."""

import time

import pytest

from kisha.series.factories import SeriesPageFactory, series_fill
from tests.processes import wagtail_initial_data_restore


@pytest.fixture(autouse=True)
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def eventually(server, path: str, check, *, within: float = 5.0) -> float:
    start = time.monotonic()
    while not check(server.get(path).text):
        assert time.monotonic() - start < within, f"{path} not as expected after {within} s"
        time.sleep(0.01)
    return time.monotonic() - start


def test_publishing_reaches_every_cached_page_that_shows_it(
    app_server, series_index, make_articles, article
):
    series = SeriesPageFactory(parent=series_index, title="葉山内閣の一年", slug="hayama")
    first, second = make_articles(2)
    series_fill(series, [first, second])
    series.save_revision().publish()
    server = app_server()
    paths = (series.url, second.url, article.url)
    for path in paths:
        server.get(path)
        assert server.get(path).headers.get("X-Kisha-Cache") == "HIT"

    first.title = "葉山首相、初の所信表明"
    first.short_headline = "葉山首相が所信表明"
    first.save_revision().publish()
    shows = lambda text: "葉山首相" in text  # noqa: E731
    assert eventually(server, series.url, shows) < 1.0
    assert eventually(server, second.url, shows) < 1.0  # its この連載の他の記事

    newer = SeriesPageFactory(parent=series_index, title="ローカル線でめぐる移住の町")
    newer.save_revision().publish()
    for path in paths:  # the sidebar of every page
        assert eventually(server, path, lambda text: "ローカル線でめぐる" in text) < 1.0
