"""What a page's head tells search engines and social networks (kisha.seo.meta)."""

import re
from html.parser import HTMLParser

import pytest

from kisha.news.factories import ArticlePageFactory, KishaImageFactory
from kisha.news.models import AuthorIndexPage

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The head's <title>, <meta> and <link> elements, as a crawler reads them."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content", ""))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def one(self, key: str) -> str:
        assert len(self.meta.get(key, [])) == 1, (key, self.meta.get(key))
        return self.meta[key][0]

    def link(self, rel: str) -> list[str]:
        return [link["href"] for link in self.links if link.get("rel") == rel]


def head_of(client, url: str, **extra) -> Head:
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    return Head(response.content.decode())


def test_article_has_open_graph_and_a_twitter_card_on_the_one_host(client, settings, article):
    base = settings.KISHA_SITE_URL
    head = head_of(client, article.url)
    url = f"{base}/world/us-dprk-talks/"
    assert head.link("canonical") == [url]
    assert head.one("og:url") == url
    assert head.one("og:type") == "article"
    assert head.one("og:site_name") == "週刊キシャ"
    assert head.one("og:locale") == "ja_JP"
    assert head.one("og:title") == "米朝首脳、非核化の行程で合意できず　協議は継続へ"
    assert head.one("og:description").startswith("米国務省の高官は")  # the lead
    assert head.one("description").startswith("米国務省の高官は")
    assert head.one("og:image").startswith(f"{base}/media/images/")
    assert head.one("og:image:alt") == "会談に臨む両首脳"
    assert head.one("twitter:card") == "summary_large_image"
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", head.one("article:published_time")
    )
    assert head.one("article:section") == "ワールド"
    assert head.title == "米朝首脳、非核化の行程で合意できず　協議は継続へ | 週刊キシャ"


def test_the_promote_tabs_sns_fields_feed_the_social_card_only(client, article):
    sns = KishaImageFactory(title="SNS用の図解")
    article.social_text = "SNS向けの紹介文：交渉の行方を図解で"
    article.social_image = sns
    article.search_description = "検索結果に出す説明文。米朝協議の現状をまとめた。"
    article.save_revision().publish()
    head = head_of(client, article.url)
    assert head.one("og:description") == "SNS向けの紹介文：交渉の行方を図解で"
    assert head.one("description") == "検索結果に出す説明文。米朝協議の現状をまとめた。"
    assert head.one("og:image:alt") == "SNS用の図解"
    rendition = sns.renditions.get()
    assert head.one("og:image").endswith(rendition.url)


@pytest.fixture
def authors(home):
    return home.add_child(instance=AuthorIndexPage(title="執筆者", slug="authors"))


def test_home_section_topic_and_author_pages_have_a_description_and_cards(
    client, settings, home, article, topic, authors, author
):
    article.authors.add(author)
    article.save()
    base = settings.KISHA_SITE_URL
    for url, title in [
        ("/", "週刊キシャ | ニュースと解説"),
        ("/world/", "ワールド | 週刊キシャ"),
        ("/topics/us-north-korea/", "米朝関係 | 週刊キシャ"),
        ("/authors/yamada-hanako/", "山田花子 | 週刊キシャ"),
    ]:
        head = head_of(client, url)
        assert head.title == title
        assert head.one("description"), url
        assert head.one("og:type") == "website"
        assert head.one("og:url") == head.link("canonical")[0] == f"{base}{url}"
        assert head.one("og:image") == f"{base}/static/seo/logo.png"
        assert head.one("twitter:card") == "summary"


def test_paged_listings_name_their_page_in_canonical_and_title(client, settings, world):
    settings.KISHA_LISTING_PAGE_SIZE = 2
    for n in range(5):
        ArticlePageFactory(parent=world, title=f"経済指標の発表 第{n}報")
    base = settings.KISHA_SITE_URL
    first = head_of(client, "/world/")
    assert first.link("canonical") == [f"{base}/world/"]
    assert first.link("next") == [f"{base}/world/?page=2"] and not first.link("prev")
    second = head_of(client, "/world/?page=2")
    assert second.link("canonical") == [f"{base}/world/?page=2"]
    assert second.title == "ワールド（2ページ目） | 週刊キシャ"
    assert second.link("prev") == [f"{base}/world/"]
    assert second.link("next") == [f"{base}/world/?page=3"]
    last = head_of(client, "/world/?page=3")
    assert last.link("prev") == [f"{base}/world/?page=2"] and not last.link("next")


def test_multi_page_articles_name_their_page(client, settings, world):
    long = ArticlePageFactory(
        parent=world,
        title="長編ルポ　海峡の町の冬",
        slug="long-read",
        body=[
            ("paragraph", "<p>一ページ目。</p>"),
            ("page_break", None),
            ("paragraph", "<p>二ページ目。</p>"),
        ],
    )
    url = f"{settings.KISHA_SITE_URL}/world/long-read/"
    head = head_of(client, long.url + "2/")
    assert head.link("canonical") == [f"{url}2/"] == [head.one("og:url")]
    assert head.title == "長編ルポ　海峡の町の冬（2ページ目） | 週刊キシャ"
    assert head.link("prev") == [url]


def test_header_and_footer_navigation_have_distinct_names(client, world):
    html = client.get("/").content.decode()
    labels = re.findall(r'<nav class="section-nav" aria-label="([^"]+)"', html)
    assert len(labels) == 2 and len(set(labels)) == 2


def test_robots_txt_names_the_sitemap(client, settings, home):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text
    assert f"Sitemap: {settings.KISHA_SITE_URL}/sitemap.xml" in text
    assert "Disallow: /admin/" in text
    assert "public" in response["Cache-Control"]


def test_favicon_answers(client, home):
    from PIL import Image

    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    import io

    assert Image.open(io.BytesIO(response.content)).format == "ICO"
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html
    from django.contrib.staticfiles import finders

    assert finders.find("seo/favicon.svg") and finders.find("seo/logo.png")
