# ruff: noqa: F811 - the browser fixtures are imported by name, then requested as arguments
"""In a real browser: the share buttons on an article, on a phone (375 px) and a desktop."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from kisha.news.factories import publish_at
from tests.browser.conftest import (  # noqa: F401
    DESKTOP,
    browser,
    page_at,
    screenshot,
    wagtail_initial_data,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 375, "height": 812}
NAMES = {
    "line": "LINEで送る（新しいタブで開きます）",
    "x": "Xでポスト（新しいタブで開きます）",
    "hatena": "はてブ（はてなブックマーク）に追加（新しいタブで開きます）",
    "facebook": "Facebookでシェア（新しいタブで開きます）",
    "copy": "URLコピー（記事のリンクをコピー）",
}


@pytest.fixture
def story(article):
    publish_at(article, dt.datetime(2019, 12, 10, 6, 0, tzinfo=dt.UTC))
    return article


def open_article(opener, live_server, story, viewport):
    page = opener(viewport)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + story.url)
    page.wait_for_load_state("networkidle")
    return page, requested


@pytest.mark.parametrize("viewport", [SMALL_PHONE, DESKTOP], ids=["phone", "desktop"])
def test_share_buttons_are_plain_links_that_fit(
    live_server, page_at, screenshot, settings, story, viewport
):
    page, requested = open_article(page_at, live_server, story, viewport)
    url = f"{settings.KISHA_SITE_URL}/world/us-dprk-talks/"
    share = page.locator(".share")
    share.scroll_into_view_if_needed()
    for network, name in NAMES.items():
        link = page.get_by_role("link", name=name, exact=True)
        assert link.is_visible(), network
        box = link.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, network  # a finger's target
    x = urlsplit(page.get_by_role("link", name=NAMES["x"]).get_attribute("href"))
    assert parse_qs(x.query)["url"] == [url]
    line = page.get_by_role("link", name=NAMES["line"]).get_attribute("href")
    assert parse_qs(urlsplit(line).query) == {"url": [url]}
    # One row of five, inside the page, on the phone as on the desktop.
    tops = {
        round(b["y"])
        for b in page.locator(".share__link").evaluate_all(
            "links => links.map(l => l.getBoundingClientRect().toJSON())"
        )
    }
    assert len(tops) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # Nothing was asked of another origin (no network's script, image or frame).
    assert all(u.startswith((live_server.url, "data:")) for u in requested), requested
    name = "share-phone" if viewport is SMALL_PHONE else "share-desktop"
    screenshot(page, name)
    share.screenshot(path=str(screenshot(page, name).with_name(f"{name}-buttons.png")))


def test_copy_link_copies_the_url_and_says_so(live_server, page_at, screenshot, settings, story):
    page, requested = open_article(page_at, live_server, story, SMALL_PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    status = page.get_by_role("status")
    assert status.inner_text() == ""
    page.get_by_role("link", name=NAMES["copy"]).click()
    page.wait_for_function("document.getElementById('share-status').textContent !== ''")
    assert status.inner_text() == "コピーしました"
    assert page.evaluate("navigator.clipboard.readText()") == (
        f"{settings.KISHA_SITE_URL}/world/us-dprk-talks/"
    )
    assert page.url == live_server.url + story.url  # the click did not navigate
    page.locator(".share").screenshot(
        path=str(screenshot(page, "share-copied").with_name("share-copied-buttons.png"))
    )
    assert all(u.startswith((live_server.url, "data:")) for u in requested), requested


def test_without_script_copy_is_the_link_itself(browser, live_server, settings, story):
    context = browser.new_context(java_script_enabled=False, viewport=SMALL_PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + story.url)
        link = page.get_by_role("link", name=NAMES["copy"])
        assert link.get_attribute("href") == f"{settings.KISHA_SITE_URL}/world/us-dprk-talks/"
        assert page.get_by_role("link", name=NAMES["line"]).get_attribute("target") == "_blank"
    finally:
        context.close()
