"""The SmartNews SmartFormat feed and the partner feed, read by feedparser and by an XML parser
as an aggregator's ingest would."""

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import pytest

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kisha.core.cachetags import page_tag, site_tag
from kisha.news.factories import ArticlePageFactory, KishaImageFactory, publish_at

pytestmark = pytest.mark.django_db

SNF = "{http://www.smartnews.be/snf}"
MEDIA = "{http://search.yahoo.com/mrss/}"
KISHA = "{urn:kisha:partner-feed:1}"
URLS = ["/feeds/smartnews/", "/feeds/partner/"]


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return response, parsed, ET.fromstring(response.content)


@pytest.fixture
def story(article, world, topic, image):
    """The fixture article with a body photo of its own, and two more in its section."""
    body_photo = KishaImageFactory(
        title="港に並ぶコンテナ", credit_agency="週刊キシャ", credit_photographer="佐藤一郎"
    )
    article.body = [
        ("paragraph", "<p>関係者によると、協議は年内にも再開される見通しだ。</p>"),
        ("image", {"image": body_photo, "caption": "積み出しを待つ港。", "alt": "港の風景"}),
        ("heading", "交渉の焦点"),
        ("paragraph", "<p>焦点は制裁の緩和と検証の手順にある。</p>"),
    ]
    article.tags.add("外交")
    article.save_revision().publish()
    publish_at(article, dt.datetime(2019, 12, 10, 6, 0, tzinfo=dt.UTC))
    same_topic = ArticlePageFactory(
        parent=world, title="米朝の実務者協議、来月にも再開", primary_topic=topic, hero_image=image
    )
    publish_at(same_topic, dt.datetime(2019, 12, 9, 6, 0, tzinfo=dt.UTC))
    same_section = ArticlePageFactory(parent=world, title="欧州議会選挙、投票率が上昇")
    publish_at(same_section, dt.datetime(2019, 12, 8, 6, 0, tzinfo=dt.UTC))
    return article


def test_smartnews_feed_is_smartformat(client, settings, story):
    base = settings.KISHA_SITE_URL
    response, feed, root = parse(client, "/feeds/smartnews/")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert 'xmlns:snf="http://www.smartnews.be/snf"' in response.content.decode()
    channel = root.find("channel")
    for required in ["title", "link", "description", "pubDate", "language"]:
        assert channel.findtext(required), required
    assert channel.findtext(f"{SNF}logo/url") == f"{base}/static/seo/logo.png"
    assert channel.findtext("copyright") == "© 週刊キシャ"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [
        story.title,
        "米朝の実務者協議、来月にも再開",
        "欧州議会選挙、投票率が上昇",
    ]
    item = items[0]
    assert item.findtext("link") == f"{base}/world/us-dprk-talks/"
    assert item.findtext("pubDate") == "Tue, 10 Dec 2019 15:00:00 +0900"
    # Full text whatever KISHA_FEED_FULL_TEXT says, with the body photo in place.
    content = feed.entries[0].content[0].value
    assert "焦点は制裁の緩和と検証の手順にある。" in content
    assert "積み出しを待つ港。(2019年 週刊キシャ/佐藤一郎)</figcaption>" in content
    assert 'alt="港の風景"' in content
    (thumbnail,) = item.findall(f"{MEDIA}thumbnail")
    assert thumbnail.get("url").startswith(f"{base}/media/images/")
    related = item.findall(f"{SNF}relatedLink")
    assert [r.get("title") for r in related] == [
        "米朝の実務者協議、来月にも再開",  # same topic first
        "欧州議会選挙、投票率が上昇",  # then the section
    ]
    assert related[0].get("link").startswith(f"{base}/world/")
    assert related[0].get("thumbnail").startswith(f"{base}/media/images/")
    assert related[1].get("thumbnail") is None  # no photo, no thumbnail attribute
    assert item.find(f"{SNF}analytics") is None  # not configured


def test_smartnews_logo_and_analytics_from_settings(client, settings, story):
    settings.KISHA_SMARTNEWS_LOGO = "https://cdn.example.jp/kisha-wide.png"
    settings.KISHA_SMARTNEWS_ANALYTICS = '<script>ga("send", "pageview");</script>'
    _, feed, root = parse(client, "/feeds/smartnews/")
    assert root.findtext(f"channel/{SNF}logo/url") == "https://cdn.example.jp/kisha-wide.png"
    analytics = root.find("channel/item").findtext(f"{SNF}analytics")
    assert analytics == '<script>ga("send", "pageview");</script>'
    assert root.find(f"channel/{SNF}darkModeLogo") is None  # not configured: left out
    settings.KISHA_SMARTNEWS_DARK_LOGO = "seo/kisha-dark.png"
    _, _, root = parse(client, "/feeds/smartnews/")
    dark = root.findtext(f"channel/{SNF}darkModeLogo/url")
    assert dark == f"{settings.KISHA_SITE_URL}/static/seo/kisha-dark.png"


def test_partner_feed_carries_what_partners_ask_for(client, settings, story):
    base = settings.KISHA_SITE_URL
    story.title = "米朝首脳、非核化の行程で合意できず　協議は来年に持ち越し"
    story.save_revision().publish()
    published = dt.datetime(2019, 12, 10, 6, 0, tzinfo=dt.UTC)
    updated = dt.datetime(2019, 12, 10, 9, 30, tzinfo=dt.UTC)
    type(story).objects.filter(pk=story.pk).update(
        first_published_at=published, last_published_at=updated, substantive_update_at=updated
    )
    _, feed, root = parse(client, "/feeds/partner/")
    entry = feed.entries[0]
    assert entry.title == "米朝首脳、非核化の行程で合意できず　協議は来年に持ち越し"
    assert entry.link == f"{base}/world/us-dprk-talks/"
    host = settings.KISHA_SITE_URL.split("://")[1].split(":")[0]
    assert entry.id == f"{host}:article:{story.id}"
    assert entry.guidislink is False
    assert "焦点は制裁の緩和と検証の手順にある。" in entry.content[0].value
    assert {t.term for t in entry.tags} == {"ワールド", "米朝関係", "外交"}
    item = root.find("channel/item")
    assert item.findtext("pubDate") == "Tue, 10 Dec 2019 15:00:00 +0900"
    assert item.findtext("{http://purl.org/dc/terms/}modified") == "2019-12-10T18:30:00+09:00"
    photos = item.findall(f"{MEDIA}content")
    assert [(p.findtext(f"{MEDIA}credit"), p.findtext(f"{MEDIA}description")) for p in photos] == [
        ("(2019年 ロイター/Kevin Lamarque)", "会談に臨む両首脳。"),
        ("(2019年 週刊キシャ/佐藤一郎)", "積み出しを待つ港。"),
    ]
    assert all(p.get("url").startswith(f"{base}/media/images/") for p in photos)
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "山田花子"


def test_partner_feed_lists_taken_down_articles(client, settings, world, business, story):
    base = settings.KISHA_SITE_URL
    withdrawn = ArticlePageFactory(parent=world, title="取り下げた記事", slug="withdrawn")
    deleted = ArticlePageFactory(parent=world, title="削除した記事", slug="deleted")
    back = ArticlePageFactory(parent=world, title="再公開した記事", slug="back")
    hidden = ArticlePageFactory(parent=business, title="会員向けに移した記事", slug="members")
    withdrawn.unpublish()
    deleted_id = deleted.id
    from wagtail.actions.delete_page import DeletePageAction

    DeletePageAction(deleted).execute(skip_permission_checks=True)
    back.unpublish()
    back.save_revision().publish()
    hidden.unpublish()
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=business, restriction_type="login")
    _, feed, root = parse(client, "/feeds/partner/")
    host = settings.KISHA_SITE_URL.split("://")[1].split(":")[0]
    gone = [dict(e.attrib) for e in root.findall(f"channel/{KISHA}deleted")]
    assert [g["id"] for g in gone] == [str(deleted_id), str(withdrawn.id)]
    assert gone[0]["guid"] == f"{host}:article:{deleted_id}" and "url" not in gone[0]
    assert gone[1]["url"] == f"{base}/world/withdrawn/"
    assert gone[1]["at"].endswith("+09:00")
    titles = [e.title for e in feed.entries]
    assert "再公開した記事" in titles and "取り下げた記事" not in titles


def test_articles_put_behind_a_restriction_are_taken_down(client, settings, world, business):
    """A story that was public and became members-only (its section restricted) or hidden (a
    restriction on the article itself) must leave partners too; one first published behind the
    restriction was never in the feed, and lifting a restriction ends the takedown."""
    from wagtail.models import PageViewRestriction

    base = settings.KISHA_SITE_URL
    public_then = ArticlePageFactory(parent=business, title="有料化した記事", slug="paid")
    own = ArticlePageFactory(parent=world, title="法的理由で隠した記事", slug="legal")
    untouched = ArticlePageFactory(parent=world, title="そのままの記事", slug="open")
    members = PageViewRestriction.objects.create(page=business, restriction_type="login")
    ArticlePageFactory(parent=business, title="最初から会員向けの記事", slug="members-only")
    PageViewRestriction.objects.create(page=own, restriction_type="password", password="x")

    _, feed, root = parse(client, "/feeds/partner/")
    gone = {e.attrib["id"]: dict(e.attrib) for e in root.findall(f"channel/{KISHA}deleted")}
    assert set(gone) == {str(public_then.id), str(own.id)}
    assert gone[str(public_then.id)]["url"] == f"{base}/business/paid/"
    assert gone[str(own.id)]["at"].endswith("+09:00")
    titles = [e.title for e in feed.entries]
    assert "そのままの記事" in titles and "有料化した記事" not in titles
    assert untouched.live

    members.delete()  # public again: no longer a takedown
    _, _, root = parse(client, "/feeds/partner/")
    assert [e.attrib["id"] for e in root.findall(f"channel/{KISHA}deleted")] == [str(own.id)]


def test_old_takedowns_drop_off(client, settings, world, story):
    from wagtail.models import PageLogEntry

    withdrawn = ArticlePageFactory(parent=world, title="先月取り下げた記事")
    withdrawn.unpublish()
    PageLogEntry.objects.filter(page_id=withdrawn.id).update(
        timestamp=timezone.now() - dt.timedelta(days=8)
    )
    _, _, root = parse(client, "/feeds/partner/")
    assert root.findall(f"channel/{KISHA}deleted") == []


@pytest.mark.parametrize("url", URLS)
def test_drafts_scheduled_embargoed_and_restricted_stay_out(client, world, business, url):
    ArticlePageFactory(parent=world, title="公開中の記事")
    ArticlePageFactory(parent=world, title="未公開の下書き", live=False)
    scheduled = ArticlePageFactory(parent=world, title="予約公開の記事", live=False)
    scheduled.go_live_at = timezone.now() + dt.timedelta(days=1)
    scheduled.save_revision().publish()
    embargoed = ArticlePageFactory(parent=world, title="解禁前の記事")
    publish_at(embargoed, timezone.now() + dt.timedelta(hours=3))
    ArticlePageFactory(parent=business, title="会員限定の記事")
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=business, restriction_type="password", password="x")
    _, feed, _ = parse(client, url)
    assert [e.title for e in feed.entries] == ["公開中の記事"]


@pytest.mark.parametrize("url", URLS)
def test_hostile_text_still_parses(client, world, url):
    ArticlePageFactory(
        parent=world,
        # No NUL: PostgreSQL cannot store one, so no article can carry it.
        title="制御文字\x01\x08\x0b\x1fと絵文字🗾🎌、そして]]>も&<>",
        lead="リード]]><![CDATA[\x07\x1b</description>&amp; 😀",
        body=[("paragraph", "<p>本文に]]>と\x0c制御文字\x7f、絵文字🍣、&amp;&lt;&gt;。</p>")],
    )
    _, feed, _ = parse(client, url)
    (entry,) = feed.entries
    assert entry.title == "制御文字と絵文字🗾🎌、そして]]>も&<>"
    assert "本文に]]>と制御文字、絵文字🍣、&amp;&lt;&gt;。" in entry.content[0].value


@pytest.mark.parametrize("url", URLS)
def test_tagged_for_purge_and_revalidated_by_etag(client, home, url, story):
    from wagtail.models import Site

    response = client.get(url)
    site = Site.objects.get(is_default_site=True)
    assert set(response["xkey"].split()) >= {page_tag(home.id), site_tag(site.id)}
    assert "Last-Modified" not in response and response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize("url", URLS)
def test_a_feed_costs_the_same_queries_at_any_length(
    client, world, topic, image, author, django_assert_max_num_queries, url
):
    photo = KishaImageFactory(title="記者会見の様子")

    def add(n: int):
        now = timezone.now()
        for i in range(n):
            page = ArticlePageFactory(
                parent=world,
                hero_image=image,
                primary_topic=topic,
                title=f"地域経済の動向 {i}",
                body=[
                    ("paragraph", "<p>各地の商店街で人出が戻りつつある。</p>"),
                    ("image", {"image": photo, "caption": "会見する市長。", "alt": ""}),
                ],
            )
            page.authors.add(author)
            page.tags.add("地域")
            page.save()
            publish_at(page, now - dt.timedelta(minutes=i + 1))
        withdrawn = ArticlePageFactory(parent=world, title="取り下げた記事")
        withdrawn.unpublish()

    add(2)
    client.get(url)  # renditions built once
    cache.clear()  # measure the feed, not the page cache in front of it
    with CaptureQueriesContext(connection) as few:
        parse(client, url)
    count = len(few)
    assert count <= 14
    add(30)
    client.get(url)
    cache.clear()
    with django_assert_max_num_queries(count):
        _, feed, _ = parse(client, url)
    assert len(feed.entries) == 32
