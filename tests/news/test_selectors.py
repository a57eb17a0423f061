"""A listing costs a fixed number of queries, whatever the number of articles."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kisha.news.factories import ArticlePageFactory, AuthorFactory, KishaImageFactory
from kisha.news.selectors import article_cards, home_listing, section_articles

pytestmark = pytest.mark.django_db


def fill(section, topic, count):
    images = [KishaImageFactory() for _ in range(3)]
    authors = [AuthorFactory() for _ in range(3)]
    for n in range(count):
        page = ArticlePageFactory(
            parent=section, hero_image=images[n % 3], primary_topic=topic, title=f"記事{n}"
        )
        page.authors.add(authors[n % 3])
        page.save()


def queries_for(client, url):
    client.get(url)  # warm caches that live across requests (site root paths, section nav)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_of", ["home", "section", "topic", "article"])
def test_page_queries_do_not_grow_with_articles(client, home, world, topic, url_of):
    urls = {"home": lambda: "/", "section": lambda: world.url, "topic": lambda: topic.url}
    fill(world, topic, 3)
    article = world.get_children().last().specific
    urls["article"] = lambda: article.url
    few = queries_for(client, urls[url_of]())
    fill(world, topic, 30)
    many = queries_for(client, urls[url_of]())
    assert many == few, f"{url_of}: {few} queries with 3 articles, {many} with 33"
    assert many <= 12, f"{url_of} page costs {many} queries"


def test_listing_has_everything_cards_need(home, world, topic):
    fill(world, topic, 5)
    for card in section_articles(section=world):  # renditions are made on first use
        card.hero_image.get_rendition("fill-320x180-c100|format-webp")
    with CaptureQueriesContext(connection) as ctx:
        cards = list(section_articles(section=world))
        for card in cards:
            assert card.hero_image.get_rendition("fill-320x180-c100|format-webp")
    # view restrictions (then cached), articles, images, renditions
    assert len(ctx.captured_queries) <= 4


def test_home_listing_skips_drafts_and_repeats(home, world):
    live = [ArticlePageFactory(parent=world) for _ in range(8)]
    ArticlePageFactory(parent=world, live=False, title="下書き")
    listing = home_listing(home=home)
    ids = [a.id for a in listing["top_stories"] + listing["latest_articles"]]
    assert len(ids) == len(set(ids)) == 8
    assert set(ids) == {a.id for a in live}


def test_private_articles_are_not_listed(home, world):
    from wagtail.models import PageViewRestriction

    secret = ArticlePageFactory(parent=world, title="会員限定")
    other = ArticlePageFactory(parent=world, title="公開記事")
    assert secret.id in {a.id for a in article_cards()}  # fills the cache of restrictions
    restriction = PageViewRestriction.objects.create(page=secret, restriction_type="login")
    assert {a.id for a in article_cards()} == {other.id}
    restriction.delete()
    assert secret.id in {a.id for a in article_cards()}


def test_section_count_matches_its_listing(home, world, business):
    from kisha.news.selectors import section_article_count

    for n in range(4):
        ArticlePageFactory(parent=world, title=f"ワールド{n}")
    for n in range(3):
        ArticlePageFactory(parent=business, title=f"ビジネス{n}")
    ArticlePageFactory(parent=world, live=False)
    assert section_article_count(section=world) == section_articles(section=world).count() == 4
    assert section_article_count(section=business) == 3
