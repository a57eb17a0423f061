"""Structured data as crawlers read it: extracted with extruct, checked for what Google's
Article, Breadcrumb and sitelinks search box documentation requires and recommends."""

import datetime as dt
import re

import extruct
import pytest

from django.utils import timezone

from kisha.news.factories import ArticlePageFactory, AuthorFactory, page_update, publish_at
from kisha.news.models import AuthorIndexPage

pytestmark = pytest.mark.django_db

JST = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00")


def json_ld(client, url: str) -> dict[str, list[dict]]:
    """The page's JSON-LD objects by @type."""
    response = client.get(url)
    assert response.status_code == 200, url
    data = extruct.extract(
        response.content.decode(), base_url="http://testserver" + url, syntaxes=["json-ld"]
    )["json-ld"]
    found: dict[str, list[dict]] = {}
    for item in data:
        found.setdefault(item["@type"], []).append(item)
    return found


def check_news_article(article: dict, base: str) -> None:
    """Google: headline, image, datePublished, dateModified, author (name, url), publisher."""
    assert article["@context"] == "https://schema.org"
    assert article["headline"] and len(article["headline"]) <= 110
    for key in ("datePublished", "dateModified"):
        assert JST.fullmatch(article[key]), key
    assert article["dateModified"] >= article["datePublished"]
    assert article["author"] and all(a["name"] for a in article["author"])
    publisher = article["publisher"]
    assert publisher["name"] == "週刊キシャ"
    assert publisher["logo"]["url"].startswith(f"{base}/") and publisher["logo"]["url"].endswith(
        ".png"
    )
    assert article["isAccessibleForFree"] is True
    assert article["mainEntityOfPage"]["@id"] == article["url"]
    assert article["url"].startswith(f"{base}/")


def test_an_article_carries_a_complete_news_article(client, settings, article, author, authors):
    article.authors.add(author)
    article.save_revision().publish()
    publish_at(article, dt.datetime(2019, 12, 10, 6, 0, tzinfo=dt.UTC))
    base = settings.KISHA_SITE_URL
    found = json_ld(client, article.url)
    (data,) = found["NewsArticle"]
    check_news_article(data, base)
    assert data["headline"] == "米朝首脳、非核化の行程で合意できず　協議は継続へ"
    assert data["datePublished"] == "2019-12-10T15:00:00+09:00"
    assert data["articleSection"] == "ワールド"
    assert data["author"] == [
        {"@type": "Person", "name": "山田花子", "url": f"{base}/authors/yamada-hanako/"}
    ]
    assert data["sourceOrganization"] == {"@type": "NewsMediaOrganization", "name": "ロイター"}
    # Three renditions of the hero: 16:9, 4:3 and 1:1, absolute.
    assert len(data["image"]) == 3 and all(u.startswith(f"{base}/media/") for u in data["image"])
    ratios = []
    for url in data["image"]:
        from PIL import Image

        rendition = article.hero_image.renditions.get(file__endswith=url.rsplit("/", 1)[1])
        with Image.open(rendition.file.path) as img:
            ratios.append(round(img.width / img.height, 2))
    assert ratios == [round(16 / 9, 2), round(4 / 3, 2), 1.0]

    (crumbs,) = found["BreadcrumbList"]
    assert [(i["position"], i["name"], i["item"]) for i in crumbs["itemListElement"]] == [
        (1, "週刊キシャ", f"{base}/"),
        (2, "ワールド", f"{base}/world/"),
        (3, "米朝首脳、非核化の行程で合意できず　協議は継続へ", f"{base}/world/us-dprk-talks/"),
    ]


def test_a_wire_story_without_a_byline_credits_the_agency(client, settings, world):
    page = ArticlePageFactory(parent=world, wire_credit="共同", title="地方の鉄道、存続へ協議")
    (data,) = json_ld(client, page.url)["NewsArticle"]
    check_news_article(data, settings.KISHA_SITE_URL)
    assert data["author"] == [{"@type": "NewsMediaOrganization", "name": "共同"}]
    assert "image" not in data  # no photo: nothing made up


def test_a_staff_story_without_a_byline_names_the_publisher(client, settings, world):
    page = ArticlePageFactory(parent=world, title="編集部から：年末年始の更新について")
    (data,) = json_ld(client, page.url)["NewsArticle"]
    check_news_article(data, settings.KISHA_SITE_URL)
    assert data["author"][0]["name"] == "週刊キシャ"


def test_a_multi_page_article_is_one_work_on_every_page(client, settings, world):
    long = ArticlePageFactory(
        parent=world,
        slug="long-read",
        title="長編ルポ　海峡の町の冬",
        body=[
            ("paragraph", "<p>一。</p>"),
            ("page_break", None),
            ("paragraph", "<p>二。</p>"),
            ("page_break", None),
            ("paragraph", "<p>三。</p>"),
        ],
    )
    first = json_ld(client, long.url)["NewsArticle"][0]
    third = json_ld(client, long.url + "3/")["NewsArticle"][0]
    assert first == third
    url = f"{settings.KISHA_SITE_URL}/world/long-read/"
    assert first["url"] == url and first["@id"] == f"{url}#article"
    assert [p["url"] for p in first["hasPart"]] == [url, f"{url}2/", f"{url}3/"]


def test_an_edited_article_has_a_later_date_modified(client, article):
    first = timezone.now() - dt.timedelta(hours=3)
    publish_at(article, first)
    # A republication alone (a typo fix) leaves dateModified alone; the editor's 更新を表示
    # (kisha.news.forms.ArticlePageForm) moves it.
    page_update(article, last_published_at=first + dt.timedelta(hours=2))
    (data,) = json_ld(client, article.url)["NewsArticle"]
    assert data["dateModified"] == data["datePublished"]
    page_update(article, substantive_update_at=first + dt.timedelta(hours=2))
    (data,) = json_ld(client, article.url)["NewsArticle"]
    assert data["dateModified"] > data["datePublished"]


def test_home_has_the_website_with_a_search_action_and_the_organization(client, settings, home):
    base = settings.KISHA_SITE_URL
    found = json_ld(client, "/")
    (site,) = found["WebSite"]
    assert site["url"] == f"{base}/" and site["name"] == "週刊キシャ"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == f"{base}/search/?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"
    (org,) = found["NewsMediaOrganization"]
    assert org["url"] == f"{base}/" and org["logo"]["url"] == f"{base}/static/seo/logo.png"


@pytest.fixture
def authors(home):
    return home.add_child(instance=AuthorIndexPage(title="執筆者", slug="authors"))


def test_listings_have_breadcrumbs(client, settings, article, topic, authors):
    AuthorFactory(name="佐藤一郎", slug="sato-ichiro")
    base = settings.KISHA_SITE_URL
    expected = {
        "/world/": [("週刊キシャ", "/"), ("ワールド", "/world/")],
        "/topics/us-north-korea/": [
            ("週刊キシャ", "/"),
            ("トピック", "/topics/"),
            ("米朝関係", "/topics/us-north-korea/"),
        ],
        "/authors/sato-ichiro/": [
            ("週刊キシャ", "/"),
            ("執筆者", "/authors/"),
            ("佐藤一郎", "/authors/sato-ichiro/"),
        ],
    }
    for url, trail in expected.items():
        (crumbs,) = json_ld(client, url)["BreadcrumbList"]
        assert [(i["name"], i["item"]) for i in crumbs["itemListElement"]] == [
            (name, f"{base}{path}") for name, path in trail
        ]


def test_a_headline_cannot_end_the_script_element(client, world):
    page = ArticlePageFactory(parent=world, title="</script><script>alert(1)</script>見出し")
    html = client.get(page.url).content.decode()
    assert "</script><script>alert(1)" not in html
    (data,) = json_ld(client, page.url)["NewsArticle"]
    assert data["headline"] == "</script><script>alert(1)</script>見出し"


def test_a_corrected_article_carries_its_corrections(client, settings, article):
    from kisha.news.models import ArticleCorrection

    first = timezone.now() - dt.timedelta(hours=3)
    publish_at(article, first)
    noted = first + dt.timedelta(hours=1)
    ArticleCorrection.objects.create(article=article, noted_at=noted, text="人数を訂正しました。")
    type(article).objects.filter(pk=article.pk).update(substantive_update_at=noted)
    (data,) = json_ld(client, article.url)["NewsArticle"]
    check_news_article(data, settings.KISHA_SITE_URL)
    (correction,) = data["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "【訂正】人数を訂正しました。"
    assert JST.fullmatch(correction["datePublished"])
    assert correction["datePublished"] == data["dateModified"]
