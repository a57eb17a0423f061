"""RSS 2.0 and Atom feeds, read by feedparser as reader apps read them."""

import datetime as dt
import html

import feedparser
import pytest

from django.utils import timezone

from kisha.news.factories import ArticlePageFactory, publish_at
from kisha.news.models import AuthorIndexPage

pytestmark = pytest.mark.django_db

KINDS = ["rss", "atom"]


@pytest.fixture
def authors(home):
    return home.add_child(instance=AuthorIndexPage(title="執筆者", slug="authors"))


@pytest.fixture
def bylined(article, author, authors):
    article.authors.add(author)
    article.save_revision().publish()
    publish_at(article, dt.datetime(2019, 12, 10, 6, 0, tzinfo=dt.UTC))
    return article


def parse(client, url: str, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return response, parsed


@pytest.mark.parametrize("kind", KINDS)
def test_site_feed_has_every_field_a_reader_needs(client, settings, bylined, kind):
    base = settings.KISHA_SITE_URL
    response, feed = parse(client, f"/feeds/{kind}/")
    assert feed.version == ("rss20" if kind == "rss" else "atom10")
    assert feed.feed.title == "週刊キシャ"
    assert feed.feed.language == "ja" if kind == "rss" else True
    (entry,) = feed.entries
    assert entry.title == "米朝首脳、非核化の行程で合意できず　協議は継続へ"
    assert entry.link == f"{base}/world/us-dprk-talks/"
    assert entry.summary.startswith("米国務省の高官は")
    assert "関係者によると" not in str(entry)  # summary only by default
    assert entry.author == "山田花子"
    assert {t.term for t in entry.tags} == {"ワールド", "米朝関係"}
    (media,) = entry.media_content
    assert media["url"].startswith(f"{base}/media/images/") and media["medium"] == "image"
    assert entry.media_credit[0]["content"] == "(2019年 ロイター/Kevin Lamarque)"
    raw = response.content.decode()
    # JST dates: RFC 2822 in RSS, RFC 3339 in Atom, both +09:00.
    assert (
        "Tue, 10 Dec 2019 15:00:00 +0900" if kind == "rss" else "2019-12-10T15:00:00+09:00"
    ) in raw
    assert response["Content-Type"].startswith(
        "application/rss+xml" if kind == "rss" else "application/atom+xml"
    )


def test_full_text_per_setting(client, settings, bylined):
    settings.KISHA_FEED_FULL_TEXT = True
    _, rss = parse(client, "/feeds/rss/")
    assert "関係者によると、協議は年内にも再開される見通しだ。" in rss.entries[0].content[0].value
    assert "<h2>交渉の焦点</h2>" in rss.entries[0].content[0].value
    _, atom = parse(client, "/feeds/atom/")
    assert "焦点は制裁の緩和と検証の手順にある。" in atom.entries[0].content[0].value


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_text_still_parses(client, settings, world, kind):
    settings.KISHA_FEED_FULL_TEXT = True
    page = ArticlePageFactory(
        parent=world,
        # No NUL: PostgreSQL cannot store one, so no article can carry it.
        title="制御文字\x01\x08\x0b\x1fと絵文字🗾🎌、そして]]>も",
        lead="リード]]><![CDATA[\x07\x1b</description>&amp; 😀",
        body=[("paragraph", "<p>本文に]]>と\x0c制御文字\x7f、絵文字🍣。</p>")],
    )
    _, feed = parse(client, f"/feeds/{kind}/")
    (entry,) = feed.entries
    assert entry.title == "制御文字と絵文字🗾🎌、そして]]>も"
    assert "リード]]><![CDATA[</description>&amp; 😀" in html.unescape(entry.summary)
    assert "本文に]]>と制御文字、絵文字🍣。" in entry.content[0].value
    assert page.pk


def test_section_topic_and_author_feeds_list_only_their_articles(
    client, settings, bylined, business
):
    other = ArticlePageFactory(parent=business, title="日銀、金融政策の現状維持を決定")
    for url in [
        "/feeds/section/world/rss/",
        "/feeds/topic/us-north-korea/atom/",
        "/feeds/author/yamada-hanako/rss/",
    ]:
        _, feed = parse(client, url)
        assert [e.title for e in feed.entries] == [bylined.title], url
    _, feed = parse(client, "/feeds/section/business/atom/")
    assert [e.title for e in feed.entries] == [other.title]
    assert feed.feed.title == "ビジネス | 週刊キシャ"
    assert client.get("/feeds/section/no-such/rss/").status_code == 404
    assert client.get("/feeds/author/nobody/atom/").status_code == 404


def test_drafts_and_restricted_articles_stay_out(client, world, business):
    from wagtail.models import PageViewRestriction

    ArticlePageFactory(parent=world, title="未公開の下書き", live=False)
    ArticlePageFactory(parent=business, title="会員限定の記事")
    PageViewRestriction.objects.create(page=business, restriction_type="login")
    _, feed = parse(client, "/feeds/rss/")
    assert feed.entries == []


def test_pages_link_their_feeds(client, settings, bylined, topic):
    base = settings.KISHA_SITE_URL
    html = client.get("/world/").content.decode()
    assert f'type="application/rss+xml" title="週刊キシャ（RSS）" href="{base}/feeds/rss/"' in html
    assert f'href="{base}/feeds/section/world/atom/"' in html
    assert (
        f'href="{base}/feeds/topic/us-north-korea/rss/"' in client.get(topic.url).content.decode()
    )


def test_conditional_get_and_cache_headers(client, bylined, world):
    older = ArticlePageFactory(parent=world, title="先週の地域経済ニュース")
    publish_at(older, timezone.now() - dt.timedelta(days=7))
    response = client.get("/feeds/rss/")
    assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]
    assert response["ETag"]
    # No Last-Modified: the newest item's time does not change when an older one is withdrawn.
    assert not response.has_header("Last-Modified")
    again = client.get("/feeds/rss/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    older.unpublish()
    withdrawn = client.get("/feeds/rss/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert (
        withdrawn.status_code == 200 and "先週の地域経済ニュース" not in withdrawn.content.decode()
    )
    bylined.title = "米朝首脳、協議継続で一致"
    bylined.save_revision().publish()
    changed = client.get("/feeds/rss/", HTTP_IF_NONE_MATCH=withdrawn["ETag"])
    assert changed.status_code == 200


def test_one_creator_per_byline(client, bylined):
    body = client.get("/feeds/rss/").content.decode()
    item = body.split("<item>")[1]
    names = [a.name for a in bylined.authors.all()]
    assert names and item.count("<dc:creator>") == len(names)


@pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/section/world/atom/"])
def test_a_feed_costs_the_same_queries_at_any_length(
    client, settings, world, image, author, django_assert_max_num_queries, url
):
    settings.KISHA_FEED_FULL_TEXT = True

    def add(n: int):
        now = timezone.now()
        for i in range(n):
            page = ArticlePageFactory(parent=world, hero_image=image, title=f"地域経済の動向 {i}")
            page.authors.add(author)
            page.save()
            publish_at(page, now - dt.timedelta(minutes=i))

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add(2)
    client.get(url)  # renditions built once
    cache.clear()  # measure the feed, not the page cache in front of it
    with CaptureQueriesContext(connection) as few:
        parse(client, url)
    count = len(few)  # now: the property reads the log, which the next request resets
    assert count <= 8
    add(30)
    client.get(url)
    cache.clear()
    with django_assert_max_num_queries(count):
        _, feed = parse(client, url)
    assert len(feed.entries) == 32


def test_xml_text_drops_what_xml_refuses():
    from kisha.seo.feeds import xml_text

    assert xml_text("a\x00b\x1b\x7f\x85c\ud800\ufffe\uffffd\te\nf🗾") == "abcd\te\nf🗾"
