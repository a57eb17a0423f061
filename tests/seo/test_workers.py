"""Sitemaps and feeds in Kisha's page cache, from two real gunicorn workers: cached, and purged
by tag the moment an article is published, unpublished or restricted."""

from __future__ import annotations

import time

import pytest

from wagtail.models import PageViewRestriction

from kisha.news.factories import ArticlePageFactory
from tests.processes import wagtail_initial_data_restore

URLS = (
    "/sitemap.xml",
    "/sitemap-articles-1.xml",
    "/sitemap-news.xml",
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/section/world/rss/",
    "/feeds/topic/us-north-korea/atom/",
    "/feeds/author/yamada-hanako/rss/",
)


@pytest.fixture(autouse=True)
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def eventually(server, path: str, check, *, within: float = 1.0) -> float:
    start = time.monotonic()
    while not check(server.get(path)):
        assert time.monotonic() - start < within, f"{path} not as expected after {within} s"
        time.sleep(0.01)
    return time.monotonic() - start


def test_a_publish_reaches_every_cached_sitemap_and_feed_within_a_second(
    app_server, article, world, topic, author
):
    server = app_server()
    for path in URLS:
        assert server.get(path).status_code == 200, path
        assert server.get(path).headers.get("X-Kisha-Cache") == "HIT", path

    fresh = ArticlePageFactory(
        parent=world,
        title="日銀総裁、追加利上げに慎重な姿勢",
        slug="boj",
        live=False,
        primary_topic=topic,
    )
    fresh.authors.add(author)
    fresh.save_revision().publish()
    for path in URLS:
        if path == "/sitemap.xml":
            continue  # names files, not articles
        wanted = "/world/boj/" if path.startswith("/sitemap") else fresh.title
        assert eventually(server, path, lambda r, w=wanted: w in r.text) < 1.0, path

    fresh.refresh_from_db()
    fresh.unpublish()
    for path in URLS[1:]:
        eventually(server, path, lambda r: "/world/boj/" not in r.text)

    PageViewRestriction.objects.create(page=world, restriction_type="login")
    for path in ("/sitemap-articles-1.xml", "/sitemap-news.xml", "/feeds/rss/"):
        eventually(server, path, lambda r: "/world/us-dprk-talks/" not in r.text)
