"""A series' RSS and Atom feeds: kisha.seo's feed machinery over the series' live articles."""

import xml.etree.ElementTree as ET

import pytest

from kisha.core import cachetags
from kisha.series.factories import SeriesPageFactory, series_fill

ATOM = "{http://www.w3.org/2005/Atom}"


def test_rss_lists_the_series_live_articles(client, series):
    hidden = series.items.order_by("sort_order")[0].page
    hidden.unpublish()
    response = client.get(f"/feeds/series/{series.slug}/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title").startswith(series.title)
    titles = {item.findtext("title") for item in channel.findall("item")}
    expected = {i.page.title for i in series.items.all()} - {hidden.title}
    assert titles == expected
    tags = response["xkey"].split()
    assert cachetags.page_tag(series.id) in tags and cachetags.page_tag(hidden.id) in tags


def test_atom(client, series):
    response = client.get(f"/feeds/series/{series.slug}/atom/")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    assert len(feed.findall(f"{ATOM}entry")) == 5
    links = [link.get("href") for link in feed.findall(f"{ATOM}link")]
    assert any(href.endswith(f"/feeds/series/{series.slug}/atom/") for href in links)


def test_feed_only_has_articles_not_nested_series(client, series, series_index):
    outer = SeriesPageFactory(parent=series_index, slug="outer")
    series_fill(outer, [series])
    channel = ET.fromstring(client.get("/feeds/series/outer/rss/").content).find("channel")
    assert channel.findall("item") == []


@pytest.mark.parametrize("slug", ["nope", "a" * 300, "%00", "..", "series-draft"])
def test_unknown_or_draft_series_is_404(client, series_index, slug):
    SeriesPageFactory(parent=series_index, slug="series-draft").unpublish()
    assert client.get(f"/feeds/series/{slug}/rss/").status_code == 404


def test_series_page_links_its_feeds(client, series):
    html = client.get(series.url).content.decode()
    assert f"/feeds/series/{series.slug}/rss/" in html
    assert f"/feeds/series/{series.slug}/atom/" in html
