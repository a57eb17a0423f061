"""The blocks on an article page: server-rendered, tagged for purge, in the sidebar slot too."""

from __future__ import annotations

import pytest

from kisha.core import cachetags
from kisha.news.services import tags_showing
from kisha.recommend.fragments import related_paths
from kisha.recommend.services import related_refresh

pytestmark = pytest.mark.django_db


def test_article_page_shows_both_blocks_with_related_stories(client, newsroom):
    related_refresh()
    page = newsroom["korea"][0]
    response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("今、あなたにオススメ") == 2
    assert f'data-recommend-page="{page.id}"' in html
    assert 'data-recommend-part="main"' in html and 'data-recommend-part="side"' in html
    main = html.split('data-recommend-part="main"')[1].split("</ol>")[0]
    for other in newsroom["korea"][1:]:
        assert other.url in main
    assert page.url not in main
    assert "recommend/recommend.js" in html
    assert "<script>" not in html.split("recommend--main")[1].split("</section>")[0]


def test_the_page_is_tagged_with_every_article_it_recommends(client, newsroom):
    related_refresh()
    page, shown = newsroom["korea"][0], newsroom["korea"][1]
    tags = response_tags = client.get(page.url)["xkey"].split()
    assert cachetags.page_tag(shown.id) in response_tags
    # Unpublishing or retitling the recommended article purges these tags.
    assert cachetags.page_tag(shown.id) in tags_showing(page=shown)
    assert cachetags.page_tag(page.id) in tags
    # Fronts purged by URL get the pages that list it.
    assert page.url in related_paths(shown)


def test_other_pages_have_no_block(client, newsroom, world):
    html = client.get(world.url).content.decode()
    assert "今、あなたにオススメ" not in html


def test_a_broken_store_does_not_take_the_article_down(client, newsroom, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("gone")

    monkeypatch.setattr("kisha.recommend.fragments.related_items", broken)
    page = newsroom["korea"][0]
    # The sidebar slot is isolated by the slot mechanism; the block after the body by the tag.
    response = client.get(page.url)
    assert response.status_code == 200


def _main_list(client, page) -> str:
    html = client.get(page.url).content.decode()
    return html.split('data-recommend-part="main"')[1].split("</ol>")[0]


def test_the_built_list_is_shared_and_follows_what_changes_it(client, newsroom):
    """The list is built once into the shared cache; a new stored list (the refresh task
    writes rows without a publish) and an unpublished article each show at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kisha.recommend.models import RelatedArticle

    related_refresh()
    page, first, second = newsroom["korea"][0], newsroom["korea"][1], newsroom["korea"][2]
    with CaptureQueriesContext(connection) as built:
        assert first.url in _main_list(client, page)
    with CaptureQueriesContext(connection) as reused:
        assert first.url in _main_list(client, page)
    assert len(reused.captured_queries) < len(built.captured_queries)

    # The refresh task stores a new list for the article: the next render follows it.
    RelatedArticle.objects.filter(article_id=page.id).delete()
    RelatedArticle.objects.create(article_id=page.id, related_id=second.id, score=1.0, rank=1)
    assert second.url in _main_list(client, page).split("<li")[1]  # first in the list now

    # Unpublishing a listed article changes the content generation: it goes from every list.
    second.unpublish()
    assert second.url not in _main_list(client, page)


def test_a_dead_cache_costs_the_queries_not_the_block(client, newsroom, settings):
    related_refresh()
    settings.CACHES = {
        **settings.CACHES,
        "default": {  # production's Redis cache with nothing listening (port 1)
            "BACKEND": "kisha.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.1, "SOCKET_TIMEOUT": 0.1},
        },
    }
    page = newsroom["korea"][0]
    assert newsroom["korea"][1].url in _main_list(client, page)
