"""Share buttons on article pages: plain links with the article's URL and headline encoded."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from kisha.news.factories import ArticlePageFactory
from kisha.seo.share import share_links

pytestmark = pytest.mark.django_db


def hrefs(html: str) -> dict[str, str]:
    found = re.findall(r'class="share__link share__link--(\w+)" href="([^"]+)"', html)
    return {network: href.replace("&amp;", "&") for network, href in found}


def test_article_page_has_the_five_share_links(client, settings, article):
    base = settings.KISHA_SITE_URL
    html = client.get(article.url).content.decode()
    links = hrefs(html)
    url = f"{base}/world/us-dprk-talks/"
    encoded = "http%3A%2F%2F" + url.split("://")[1].replace(":", "%3A").replace("/", "%2F")
    text = "米朝首脳、非核化の行程で合意できず　協議は継続へ | 週刊キシャ"
    assert links["line"] == f"https://social-plugins.line.me/lineit/share?url={encoded}"
    assert links["facebook"] == f"https://www.facebook.com/sharer/sharer.php?u={encoded}"
    x = urlsplit(links["x"])
    assert (x.scheme, x.netloc, x.path) == ("https", "x.com", "/intent/post")
    assert parse_qs(x.query) == {"text": [text], "url": [url]}
    hatena = urlsplit(links["hatena"])
    assert (hatena.netloc, hatena.path) == ("b.hatena.ne.jp", "/add")
    assert parse_qs(hatena.query) == {"mode": ["confirm"], "url": [url], "title": [text]}
    assert links["copy"] == url  # without script, the link itself
    # Accessible names in Japanese, the visible label first.
    assert 'aria-label="LINEで送る（新しいタブで開きます）"' in html
    assert 'role="status"' in html and "seo/share.js" in html
    # Nothing from another origin is loaded: no script, image or frame of the networks.
    assert not re.search(r"<(script|img|iframe|link)[^>]+(line\.me|x\.com|hatena|facebook)", html)


def test_a_continuation_page_shares_the_article(client, settings, world):
    page = ArticlePageFactory(
        parent=world,
        slug="long-read",
        body=[
            ("paragraph", "<p>第一部の本文。</p>"),
            ("page_break", None),
            ("paragraph", "<p>第二部の本文。</p>"),
        ],
    )
    links = hrefs(client.get(f"{page.url}2/").content.decode())
    assert links["copy"] == f"{settings.KISHA_SITE_URL}/world/long-read/"


def test_hostile_headlines_are_encoded():
    links = {
        link.network: link.href
        for link in share_links(url="https://news.example.jp/world/a/", title='見出し&"<>#?=％ 🗾')
    }
    query = parse_qs(urlsplit(links["x"]).query)
    assert query["text"] == ['見出し&"<>#?=％ 🗾 | 週刊キシャ']
    assert query["url"] == ["https://news.example.jp/world/a/"]
    assert " " not in links["x"] and "#" not in links["x"] and '"' not in links["x"]
