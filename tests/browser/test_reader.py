"""A reader on a phone opens the home page, follows an article and reads it."""

import datetime as dt

import pytest

from kisha.news.factories import ArticlePageFactory, publish_at

from .conftest import DESKTOP, PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def content(article, world, business):
    publish_at(article, dt.datetime(2019, 12, 10, 6, 0, tzinfo=dt.UTC))
    for n in range(8):
        other = ArticlePageFactory(
            parent=business if n % 2 else world,
            title=f"日銀、金融政策の現状維持を決定　市場は円安を警戒 {n}",
            short_headline=f"日銀が現状維持 {n}",
            hero_image=article.hero_image,
        )
        publish_at(other, dt.datetime(2019, 12, 9, 1 + n, 0, tzinfo=dt.UTC))
    return article


def test_reader_follows_an_article_from_the_home_page(live_server, page_at, screenshot, content):
    page = page_at(PHONE)
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    screenshot(page, "home-phone")
    page.get_by_role("link", name="米朝首脳、非核化の行程で合意できず").first.click()
    page.wait_for_url("**/world/us-dprk-talks/")
    assert page.locator("h1").inner_text() == "米朝首脳、非核化の行程で合意できず\u3000協議は継続へ"
    assert page.locator("time.article__date").inner_text() == "2019年12月10日(火)15時00分"
    assert "(2019年 ロイター/Kevin Lamarque)" in page.locator("figcaption").first.inner_text()
    # the hero image really loaded
    assert page.locator(".article__hero img").evaluate(
        "img => img.complete && img.naturalWidth > 0"
    )
    # nothing is wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "article-phone")


def test_desktop_layout(live_server, page_at, screenshot, content):
    page = page_at(DESKTOP)
    page.goto(live_server.url + "/")
    screenshot(page, "home-desktop")
    page.goto(live_server.url + content.url)
    assert page.locator("h1").is_visible()
    screenshot(page, "article-desktop")
