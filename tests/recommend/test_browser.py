# ruff: noqa: F811 - fixtures imported from tests/browser are requested by name below.
"""A reader in Chromium against gunicorn with Kisha's page cache: reading three stories of one
topic changes what the next page suggests, while that page itself is served from the cache.

Screenshots (phone and desktop) go to artifacts/screenshots/recommend-* and, when the folder
exists, /work/shots/recommend/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kisha.recommend.services import related_refresh
from tests.browser.conftest import (  # noqa: F401
    DESKTOP,
    PHONE,
    browser,
    screenshot,
    wagtail_initial_data,
)

from .conftest import topic_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/shots/recommend")
# Headless Chromium says "HeadlessChrome", which the crawler list takes for a bot (bots get the
# lists for nobody): the readers here say what a desktop Chrome says.
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def reader_at(browser):
    """`reader_at(viewport)`: a fresh page with its own storage and a browser's user agent; a
    Content-Security-Policy refusal in its console fails the test."""
    contexts, refused = [], []

    def open_page(viewport=DESKTOP):
        context = browser.new_context(
            viewport=viewport, locale="ja-JP", timezone_id="Asia/Tokyo", user_agent=CHROME
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda m: (
                ("Content Security Policy" in m.text or m.text.startswith("Refused to"))
                and refused.append(m.text)
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert refused == [], "\n".join(refused)


MAIN = ".recommend--main [data-recommend-part='main']"


def main_links(page) -> list[str]:
    return page.eval_on_selector_all(f"{MAIN} a", "links => links.map(a => a.getAttribute('href'))")


def keep(path: Path, name: str) -> None:
    if SHOTS.is_dir():
        shutil.copy(path, SHOTS / f"{name}.png")


def test_three_reads_of_one_topic_change_the_block_on_a_cached_page(
    app_server, reader_at, newsroom, screenshot
):
    related_refresh()
    server = app_server()
    target = newsroom["markets"][0]
    url = server.url + target.url

    # Another reader makes the page's cached copy; without history the block is its related list.
    first = reader_at(DESKTOP)
    first.goto(url)
    cached_list = main_links(first)
    assert {topic_of_url(newsroom, link) for link in cached_list[:3]} == {"markets"}

    reader = reader_at(DESKTOP)
    for story in newsroom["typhoon"][:3]:
        reader.goto(server.url + story.url)
        reader.wait_for_selector(f"{MAIN}[data-recommend-personal]")
    height_before = first.eval_on_selector(".recommend--main", "e => e.offsetHeight")
    response = reader.goto(url)
    assert response.headers.get("x-kisha-cache") == "HIT"
    reader.wait_for_selector(f"{MAIN}[data-recommend-personal]")
    personal = main_links(reader)
    assert personal != cached_list
    # The one typhoon story not read yet comes in; the page's own related list had none.
    assert newsroom["typhoon"][3].url in personal[:3]
    assert not {topic_of_url(newsroom, link) for link in cached_list} & {"typhoon"}
    read = {story.url for story in newsroom["typhoon"][:3]} | {target.url}
    assert not read & set(personal)
    assert len(personal) == len(cached_list)
    assert reader.eval_on_selector(".recommend--main", "e => e.offsetHeight") == height_before
    # Nothing of it was in a cookie.
    assert reader.context.cookies() == []
    keep(screenshot(reader, "recommend-desktop"), "article-desktop")

    phone = reader_at(PHONE)
    phone.goto(server.url + newsroom["typhoon"][0].url)
    phone.goto(url)
    phone.wait_for_selector(f"{MAIN}[data-recommend-personal]")
    keep(screenshot(phone, "recommend-phone"), "article-phone")
    phone.locator(".recommend--main").screenshot(
        path=str(SHOTS / "block-phone.png")
    ) if SHOTS.is_dir() else None


def test_without_javascript_or_api_the_related_list_stays(app_server, browser, reader_at, newsroom):
    related_refresh()
    server = app_server()
    target = newsroom["korea"][0]
    url = server.url + target.url

    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        plain = context.new_page()
        plain.goto(url)
        server_list = main_links(plain)
        assert len(server_list) == 6
        assert {topic_of_url(newsroom, link) for link in server_list[:3]} == {"korea"}
    finally:
        context.close()

    down = reader_at(PHONE)
    down.route("**/api/recommend/", lambda route: route.abort())
    down.goto(server.url + newsroom["markets"][0].url)
    down.goto(url)
    down.wait_for_load_state("load")
    down.wait_for_timeout(300)
    assert main_links(down) == server_list
    assert down.query_selector(f"{MAIN}[data-recommend-personal]") is None


def topic_of_url(newsroom, url: str) -> str:
    for group in newsroom.values():
        for page in group:
            if page.url == url:
                return topic_of(newsroom, page.id)
    return "?"
