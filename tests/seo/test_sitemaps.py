"""Sitemaps: the index, the per-type sitemaps, image entries and the Google News sitemap, each
read by lxml and validated against the sitemaps.org and Google schemas (tests/fixtures/sitemaps,
written from the published specifications: see the README there)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import PageViewRestriction

from kisha.core import cachetags
from kisha.news.factories import ArticlePageFactory, KishaImageFactory, publish_at
from kisha.news.models import AuthorIndexPage, HomePage
from kisha.seo.sitemaps import IMAGE_NS, NEWS_NS, SITEMAP_NS

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "sitemaps"
URLSET = xmlschema.XMLSchema(
    str(SCHEMAS / "sitemap.xsd"),
    locations=[
        (NEWS_NS, str(SCHEMAS / "sitemap-news.xsd")),
        (IMAGE_NS, str(SCHEMAS / "sitemap-image.xsd")),
    ],
)
INDEX = xmlschema.XMLSchema(str(SCHEMAS / "siteindex.xsd"))
NS = {"s": SITEMAP_NS, "news": NEWS_NS, "image": IMAGE_NS}
JST_OFFSET = "+09:00"


def fetch(client, url: str, schema=URLSET):
    """The sitemap at `url`, parsed by lxml and valid against `schema`."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = etree.fromstring(response.content)  # a strict XML parser: raises on any bad byte
    schema.validate(io.BytesIO(response.content))
    return response, root


def locs(root) -> list[str]:
    return root.xpath(
        "/s:urlset/s:url/s:loc/text() | /s:sitemapindex/s:sitemap/s:loc/text()", namespaces=NS
    )


def every_listed_url(client) -> list[str]:
    """Every URL any sitemap of the index lists."""
    _, index = fetch(client, "/sitemap.xml", INDEX)
    found = []
    for sitemap in locs(index):
        _, root = fetch(client, "/" + sitemap.split("/", 3)[3])
        found += locs(root)
    return found


@pytest.fixture
def authors(home):
    return home.add_child(instance=AuthorIndexPage(title="執筆者", slug="authors"))


@pytest.fixture
def dated(article, authors):
    publish_at(article, dt.datetime(2019, 12, 10, 6, 0, tzinfo=dt.UTC))
    return article


def test_the_index_names_every_sitemap_on_the_site_host(client, settings, dated):
    base = settings.KISHA_SITE_URL
    response, index = fetch(client, "/sitemap.xml", INDEX)
    assert locs(index) == [
        f"{base}/sitemap-articles-1.xml",
        f"{base}/sitemap-news.xml",
        f"{base}/sitemap-pages.xml",
        f"{base}/sitemap-authors.xml",
    ]
    lastmods = index.xpath("//s:lastmod/text()", namespaces=NS)
    assert lastmods and lastmods[0] == "2019-12-10T15:00:00+09:00"
    assert response["X-Robots-Tag"] == "noindex"


def test_the_articles_sitemap_gives_lastmod_in_jst_and_the_hero_photo(client, settings, dated):
    base = settings.KISHA_SITE_URL
    _, root = fetch(client, "/sitemap-articles-1.xml")
    (url,) = root.xpath("/s:urlset/s:url", namespaces=NS)
    assert url.findtext("s:loc", namespaces=NS) == f"{base}/world/us-dprk-talks/"
    assert url.findtext("s:lastmod", namespaces=NS) == "2019-12-10T15:00:00+09:00"
    (image,) = url.xpath("image:image/image:loc/text()", namespaces=NS)
    assert image.startswith(f"{base}/media/images/") and image.endswith(".jpg")
    assert client.get(image.removeprefix(base)).status_code == 200
    assert client.get("/sitemap-articles-2.xml").status_code == 404
    assert client.get("/sitemap-articles-0.xml").status_code == 404


def test_the_news_sitemap_holds_the_last_48_hours(client, settings, world, dated):
    fresh = ArticlePageFactory(parent=world, title="衆院予算委、補正予算案を可決", slug="budget")
    publish_at(fresh, timezone.now() - dt.timedelta(hours=47))
    old = ArticlePageFactory(parent=world, title="三日前の記事", slug="old")
    publish_at(old, timezone.now() - dt.timedelta(hours=49))
    _, root = fetch(client, "/sitemap-news.xml")
    (url,) = root.xpath("/s:urlset/s:url", namespaces=NS)
    assert url.findtext("s:loc", namespaces=NS) == f"{settings.KISHA_SITE_URL}/world/budget/"
    news = url.find("news:news", namespaces=NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "週刊キシャ"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "ja"
    assert news.findtext("news:title", namespaces=NS) == "衆院予算委、補正予算案を可決"
    published = news.findtext("news:publication_date", namespaces=NS)
    assert published.endswith(JST_OFFSET)
    assert dt.datetime.fromisoformat(published) == fresh.first_published_at.replace(microsecond=0)


def test_pages_and_authors_have_their_own_sitemaps(client, settings, dated, author, topic):
    base = settings.KISHA_SITE_URL
    _, pages = fetch(client, "/sitemap-pages.xml")
    assert locs(pages) == [
        f"{base}/",
        f"{base}/world/",
        f"{base}/topics/",
        f"{base}/topics/us-north-korea/",
        f"{base}/authors/",
    ]
    # A listing's lastmod is its newest article's when that is later than its own publication.
    by_loc = {
        u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS)
        for u in pages.xpath("/s:urlset/s:url", namespaces=NS)
    }
    assert all(value.endswith(JST_OFFSET) for value in by_loc.values() if value)
    for listing in ("/", "/world/", "/topics/us-north-korea/"):  # they list the article
        assert by_loc[f"{base}{listing}"] >= "2019-12-10T15:00:00+09:00"
    _, authors = fetch(client, "/sitemap-authors.xml")
    (url,) = authors.xpath("/s:urlset/s:url", namespaces=NS)
    assert url.findtext("s:loc", namespaces=NS) == f"{base}/authors/yamada-hanako/"
    assert url.findtext("s:lastmod", namespaces=NS) == "2019-12-10T15:00:00+09:00"
    assert client.get("/authors/yamada-hanako/").status_code == 200


def test_robots_txt_names_the_index_and_the_news_sitemap(client, settings, home):
    text = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {settings.KISHA_SITE_URL}/sitemap.xml\n" in text
    assert f"Sitemap: {settings.KISHA_SITE_URL}/sitemap-news.xml\n" in text


def test_drafts_scheduled_expired_and_restricted_pages_never_appear(
    client, settings, dated, world, business, topic
):
    base = settings.KISHA_SITE_URL
    soon = timezone.now() + dt.timedelta(hours=3)
    hidden = [
        ArticlePageFactory(parent=world, title="下書きの記事", slug="draft", live=False),
        # Scheduled the Wagtail way: not live until the publishing job runs.
        ArticlePageFactory(
            parent=world, title="解禁前の記事", slug="embargo", live=False, go_live_at=soon
        ),
        # Live, but with a publication time still ahead (an embargo set on a live page).
        ArticlePageFactory(parent=world, title="予約公開の記事", slug="scheduled", go_live_at=soon),
        ArticlePageFactory(
            parent=world,
            title="掲載期限切れの記事",
            slug="expired",
            expire_at=timezone.now() - dt.timedelta(minutes=1),
        ),
        ArticlePageFactory(parent=world, title="パスワード付きの記事", slug="password"),
        ArticlePageFactory(parent=business, title="会員限定セクションの記事", slug="members"),
    ]
    unpublished = ArticlePageFactory(parent=world, title="取り下げた記事", slug="withdrawn")
    unpublished.unpublish()
    hidden.append(unpublished)
    PageViewRestriction.objects.create(page=hidden[4], restriction_type="password", password="x")
    PageViewRestriction.objects.create(page=business, restriction_type="login")
    listed = every_listed_url(client)
    assert f"{base}/world/us-dprk-talks/" in listed
    for page in [*hidden, business]:
        assert f"{base}{page.url}" not in listed, page.title
    news = client.get("/sitemap-news.xml").content.decode()
    for page in hidden:
        assert page.title not in news
    # A restriction on a topic hides the topic page, not the articles filed under it elsewhere.
    PageViewRestriction.objects.create(page=topic, restriction_type="login")
    listed = every_listed_url(client)
    assert f"{base}/topics/us-north-korea/" not in listed
    assert f"{base}/world/us-dprk-talks/" in listed


def test_hostile_titles_still_make_valid_sitemaps(client, world, authors):
    title = "制御文字\x01\x08\x0b\x1f\x7fと絵文字🗾🎌、]]>と&<>も「速報」"
    ArticlePageFactory(parent=world, title=title, slug="hostile")
    _, root = fetch(client, "/sitemap-news.xml")
    assert root.xpath("//news:title/text()", namespaces=NS) == [
        "制御文字と絵文字🗾🎌、]]>と&<>も「速報」"
    ]
    raw = client.get("/sitemap-news.xml").content.decode()
    assert "]]&gt;と&amp;&lt;&gt;も" in raw
    for url in ("/sitemap.xml", "/sitemap-articles-1.xml", "/sitemap-pages.xml"):
        fetch(client, url, INDEX if url == "/sitemap.xml" else URLSET)


def test_articles_split_into_files_of_kisha_sitemap_urls(client, settings, world, authors):
    settings.KISHA_SITEMAP_URLS = 2
    pages = [ArticlePageFactory(parent=world, slug=f"split-{n}") for n in range(5)]
    _, index = fetch(client, "/sitemap.xml", INDEX)
    files = [loc for loc in locs(index) if "articles" in loc]
    assert [f.rsplit("/", 1)[1] for f in files] == [f"sitemap-articles-{n}.xml" for n in (1, 2, 3)]
    seen = []
    for number in (1, 2, 3):
        _, root = fetch(client, f"/sitemap-articles-{number}.xml")
        assert len(locs(root)) == (2 if number < 3 else 1)
        seen += locs(root)
    assert sorted(seen) == sorted(f"{settings.KISHA_SITE_URL}{p.url}" for p in pages)
    assert client.get("/sitemap-articles-4.xml").status_code == 404


def test_an_empty_site_still_has_a_valid_index_and_sitemaps(client, home):
    _, index = fetch(client, "/sitemap.xml", INDEX)
    for sitemap in locs(index):
        fetch(client, "/" + sitemap.rsplit("/", 1)[1])


def test_sitemaps_and_feeds_carry_the_cache_tags_a_publish_purges(
    client, dated, author, topic, world
):
    site_tags = {cachetags.page_tag(HomePage.objects.get().id)}
    for url in (
        "/sitemap.xml",
        "/sitemap-articles-1.xml",
        "/sitemap-news.xml",
        "/sitemap-pages.xml",
        "/sitemap-authors.xml",
        "/feeds/rss/",
        "/feeds/atom/",
    ):
        tags = set(client.get(url)["xkey"].split())
        assert site_tags <= tags and any(t.startswith("site-") for t in tags), url
    assert cachetags.page_tag(world.id) in client.get("/feeds/section/world/rss/")["xkey"].split()
    topic_feed = client.get("/feeds/topic/us-north-korea/atom/")
    assert cachetags.page_tag(topic.id) in topic_feed["xkey"].split()
    author_feed = client.get("/feeds/author/yamada-hanako/rss/")
    assert cachetags.author_tag(author.id) in author_feed["xkey"].split()


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap.xml",
        "/sitemap-articles-1.xml",
        "/sitemap-news.xml",
        "/sitemap-pages.xml",
        "/sitemap-authors.xml",
        "/feeds/rss/",
    ],
)
def test_a_sitemap_costs_the_same_queries_at_any_length(
    client, world, topic, author, authors, django_assert_max_num_queries, url
):
    images = [KishaImageFactory(title=f"写真{n}") for n in range(3)]

    def add(count: int) -> None:
        for n in range(count):
            page = ArticlePageFactory(parent=world, hero_image=images[n % 3], primary_topic=topic)
            page.authors.add(author)

    add(2)
    client.get(url)  # builds the photos' renditions once
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    few = len(small.captured_queries)  # read now: the property slices the live query log
    assert few <= 6, [q["sql"] for q in small.captured_queries]
    add(38)
    client.get(url)
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200


def test_another_sites_articles_stay_out(client, settings, dated):
    from wagtail.models import Page, Site

    from kisha.news.factories import SectionPageFactory

    other_home = Page.get_first_root_node().add_child(
        instance=HomePage(title="別冊キシャ", slug="bessatsu")
    )
    Site.objects.create(hostname="bessatsu.example.jp", root_page=other_home)
    section = SectionPageFactory(parent=other_home, title="別冊", slug="extra")
    ArticlePageFactory(parent=section, title="別サイトの記事", slug="elsewhere")
    listed = every_listed_url(client)
    assert f"{settings.KISHA_SITE_URL}/world/us-dprk-talks/" in listed
    assert not [url for url in listed if "elsewhere" in url or "extra" in url]
    assert "別サイトの記事" not in client.get("/sitemap-news.xml").content.decode()
