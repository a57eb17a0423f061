# ruff: noqa: F811 - the browser fixtures are imported by name, then requested as arguments
"""A reader on a phone types what they remember of a headline into the header box and finds it."""

import datetime as dt

import pytest

from kisha.news.factories import ArticlePageFactory, publish_at
from tests.browser.conftest import (  # noqa: F401 - fixtures used by name
    DESKTOP,
    PHONE,
    browser,
    page_at,
    screenshot,
    wagtail_initial_data,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsroom(world, business):
    stories = [
        (business, "引越しシーズン到来、業者の予約が逼迫　料金は通常の2倍に", "moving"),
        (world, "金正恩総書記、非核化協議への復帰を示唆", "kim"),
        (business, "日本株が続伸、半導体関連に買い", "stocks"),
        (world, "習近平国家主席、欧州3か国を歴訪へ", "xi"),
    ]
    pages = {}
    for n, (section, title, slug) in enumerate(stories):
        page = ArticlePageFactory(
            parent=section,
            title=title,
            slug=slug,
            lead=f"{title}。関係者への取材で分かった。",
        )
        publish_at(page, dt.datetime(2026, 11, 20, 1 + n, tzinfo=dt.UTC))
        pages[slug] = page
    return pages


def test_reader_finds_a_half_remembered_headline(live_server, page_at, screenshot, newsroom):
    page = page_at(PHONE)
    page.goto(live_server.url + "/")
    box = page.locator("#site-search-q")
    # Remembered with another spelling (引っ越し, not 引越し) and one word of the rest.
    box.fill("引っ越し　予約")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    hits = page.locator(".search-hit")
    assert hits.count() == 1
    assert "引越しシーズン到来" in hits.first.inner_text()
    assert page.locator(".search-hit mark").first.inner_text() in ("引越し", "予約")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "search-results-phone")
    hits.first.locator("a").first.click()
    page.wait_for_url("**/business/moving/")
    assert "引越しシーズン到来" in page.locator("h1").inner_text()


def test_reader_with_a_name_the_dictionary_lacks(live_server, page_at, newsroom):
    page = page_at(PHONE)
    page.goto(live_server.url + "/")
    page.locator("#site-search-q").fill("金正恩 非核")
    page.locator("#site-search-q").press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.locator(".search-hit").count() == 1
    assert page.locator(".search-hit mark").all_inner_texts()[:2] == ["金正恩", "非核"]


def test_empty_state_and_desktop(live_server, page_at, screenshot, newsroom):
    page = page_at(PHONE)
    page.goto(live_server.url + "/search/?q=金正恩+半導体")
    assert "見つかりませんでした" in page.locator(".search-empty").inner_text()
    screenshot(page, "search-empty-phone")
    page.get_by_role("link", name="金正恩").click()
    page.wait_for_url("**/search/?q=*")
    assert page.locator(".search-hit").count() == 1

    desktop = page_at(DESKTOP)
    desktop.goto(live_server.url + "/search/?q=株&section=business&sort=newest")
    assert desktop.locator(".search-hit").count() == 1
    assert desktop.locator("details.search-form__filters").get_attribute("open") is not None
    screenshot(desktop, "search-results-desktop")
    desktop.goto(live_server.url + "/search/?q=存在しない語句")
    screenshot(desktop, "search-empty-desktop")
