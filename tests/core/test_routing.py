"""Routing in two queries (kisha.core.routing): the same pages as Wagtail's walk, fewer queries."""

from __future__ import annotations

import datetime as dt

import pytest

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kisha.core.memo import generation_key
from kisha.core.routing import route_key
from kisha.magazine.factories import IssuePageFactory, MagazineIndexPageFactory
from kisha.news.factories import ArticlePageFactory, TopicIndexPageFactory, TopicPageFactory
from kisha.news.models import TopicPage

pytestmark = pytest.mark.django_db


def _route_queries(client, url) -> tuple[int, list[str]]:
    client.get(url)  # memos and the generation read warm
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    pages = [q["sql"] for q in ctx.captured_queries if 'FROM "wagtailcore_page"' in q["sql"]]
    return status, pages


def test_a_page_two_levels_down_is_found_in_two_page_queries(client, home):
    index = TopicIndexPageFactory(parent=home)
    topic = TopicPageFactory(parent=index, title="半導体", slug="chips")
    status, pages = _route_queries(client, topic.url)
    assert status == 200
    # Wagtail's walk: the child and its type at each level (four); here the path's pages at
    # once and the topic as its own type (a listing may read more pages after routing).
    routing = [sql for sql in pages if '"url_path" IN' in sql or "topicpage" in sql.lower()]
    assert len(routing) <= 2


def test_a_routable_page_keeps_its_own_routes_before_a_child_of_that_name(client, home):
    magazine = MagazineIndexPageFactory(parent=home)
    IssuePageFactory(parent=magazine, number=1, cover_date=dt.date(2025, 1, 7))
    # An issue whose slug is one of the index's routes: Wagtail serves the route, and so do we.
    IssuePageFactory(
        parent=magazine, number=2, cover_date=dt.date(2025, 1, 14), slug="archive", title="同名の号"
    )
    archive = client.get(f"{magazine.url}archive/")
    assert archive.status_code == 200
    assert "magazine/archive_page.html" in [t.name for t in archive.templates]
    issue = client.get(f"{magazine.url}2025-01-07/")
    assert issue.status_code == 200
    assert "magazine/issue_page.html" in [t.name for t in issue.templates]


def test_misses_drafts_and_extra_segments_are_404(client, world):
    article = ArticlePageFactory(parent=world, title="下書きに戻した記事", slug="draft-story")
    live = ArticlePageFactory(parent=world, title="公開中の記事", slug="live-story")
    assert client.get(live.url).status_code == 200
    article.unpublish()
    assert client.get(article.url).status_code == 404
    for url in ("/world/nothing-here/", "/no-section/x/y/", f"{live.url}extra/segment/", "/%00/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/world/").status_code == 200


def test_a_routed_path_is_read_from_the_shared_cache_until_the_next_change(client, home):
    """The second request for a path queries no page to route it (kisha.core.routing); a
    rename changes the generation, so the old path is routed afresh (no longer found) and the
    new one found, with no stale copy on the way."""
    index = TopicIndexPageFactory(parent=home)
    topic = TopicPageFactory(parent=index, title="半導体", slug="chips")
    status, pages = _route_queries(client, topic.url)
    assert status == 200
    assert not [sql for sql in pages if '"url_path" IN' in sql or '"news_topicpage"' in sql]
    old_url = topic.url
    topic.slug = "semiconductors"
    topic.save_revision().publish()
    assert client.get(old_url).status_code in (301, 404)
    assert client.get(TopicPage.objects.get(pk=topic.pk).url).status_code == 200


def test_a_junk_path_writes_no_route(client, home):
    index = TopicIndexPageFactory(parent=home)
    TopicPageFactory(parent=index, title="半導体", slug="chips")
    assert client.get(f"{index.url}no-such-topic/").status_code == 404
    junk = [index.slug, "no-such-topic"]
    assert cache.get(generation_key(route_key("tree", home, junk))) is None
    assert client.get(f"{index.url}chips/").status_code == 200
    assert cache.get(generation_key(route_key("tree", home, [index.slug, "chips"]))) is not None
