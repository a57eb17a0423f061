"""In a real browser: reading articles moves them up the rankings once the periodic tasks run;
reloads and bots do not; the three lists work with and without JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest

from django.utils import timezone

from kisha.news.factories import ArticlePageFactory, publish_at
from kisha.rankings import backends
from kisha.rankings.backends.base import jst_hour
from kisha.rankings.backends.database import DatabaseCounter
from kisha.rankings.factories import DailyViewsFactory, HourlyViewsFactory
from kisha.rankings.metrics import metrics_totals
from kisha.rankings.models import Ranking
from kisha.rankings.tasks import fold_views, refresh_rankings
from tests.browser.conftest import (  # noqa: F401
    DESKTOP,
    PHONE,
    browser,
    page_at,
    screenshot,
    wagtail_initial_data,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Headless Chromium says "HeadlessChrome", which crawlerdetect rightly calls a bot; these tests
# play readers, so their browsers present an ordinary Chrome user agent.
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def site(home):
    from kisha.news.factories import SectionPageFactory

    world = SectionPageFactory(parent=home, title="ワールド", slug="world")
    pages = []
    for n in range(12):
        page = ArticlePageFactory(
            parent=world,
            title=f"第{n}回 日銀が金融政策決定会合で現状維持を決めた理由と市場の反応",
            short_headline=f"日銀、現状維持の理由と市場の反応を詳しく読み解く その{n}",
            slug=f"boj-{n}",
        )
        publish_at(page, dt.datetime(2026, 11, 1, n, 0, tzinfo=dt.UTC))
        pages.append(page)
    # Yesterday's readers: articles 0–9 have 10 down to 1 views in every window.
    hour = jst_hour(timezone.now()) - dt.timedelta(hours=1)
    for n, page in enumerate(pages[:10]):
        HourlyViewsFactory(page_id=page.id, hour=hour, views=10 - n)
        DailyViewsFactory(page_id=page.id, day=hour.date(), views=10 - n)
    refresh_rankings.enqueue()
    return pages


@pytest.fixture
def counter():
    counter = DatabaseCounter(flush_thread=False)
    backends._backend = counter
    return counter


def reader(browser, *, user_agent=CHROME, viewport=DESKTOP, javascript=True):  # noqa: F811
    context = browser.new_context(
        viewport=viewport,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        user_agent=user_agent,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15_000)
    return context


def read(page, url) -> int:
    """Open an article and wait for its beacon's answer."""
    with page.expect_response(lambda r: r.url.endswith("/api/views/")) as answer:
        page.goto(url)
    return answer.value.status


def ranked_ids(window="24h") -> list[int]:
    from kisha.rankings.selectors import rankings_get

    return [item.article.id for item in rankings_get()[window]]


def test_reading_moves_an_article_up_but_reloads_and_bots_do_not(
    live_server,
    browser,  # noqa: F811
    site,
    counter,
    screenshot,  # noqa: F811
):
    target = site[11]  # unread so far: not in the top ten
    assert target.id not in ranked_ids()
    contexts = []
    try:
        # Twelve readers, each in their own browser (own localStorage), read the article.
        for _ in range(12):
            context = reader(browser)
            contexts.append(context)
            assert read(context.new_page(), live_server.url + target.url) == 204
        assert counter.buffered() == 12
        fold_views.enqueue()
        refresh_rankings.enqueue()
        assert ranked_ids()[0] == target.id  # 12 views beat yesterday's best 10

        # One of them reloads five times: still twelve views.
        page = contexts[0].new_page()
        for _ in range(5):
            assert read(page, live_server.url + target.url) == 204
        # A crawler reads the runner-up three times: nothing moves.
        bot = reader(browser, user_agent=GOOGLEBOT)
        contexts.append(bot)
        bot_page = bot.new_page()
        for _ in range(3):
            assert read(bot_page, live_server.url + site[1].url) == 204
        fold_views.enqueue()
        refresh_rankings.enqueue()
        entries = Ranking.objects.get(window="24h").entries
        assert entries[0] == [target.id, 12]
        assert entries[2] == [site[1].id, 9]
        assert metrics_totals()["bot"] == 3

        # The reader sees it in the sidebar, as tabs.
        page.goto(live_server.url + "/")
        tabs = page.get_by_role("tab")
        assert tabs.all_inner_texts() == ["24時間", "週間", "月間"]
        first = page.locator("#rankings-24h .rankings__item").first
        assert target.title in first.inner_text()
        screenshot(page, "rankings-home-desktop")
        page.locator(".rankings").screenshot(path=_shot_path("rankings-block-desktop"))
    finally:
        for context in contexts:
            context.close()


def _shot_path(name: str) -> str:
    import os

    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "-pg" if os.environ.get("DATABASE_URL") else ""
    return str(SCREENSHOTS / f"{name}{suffix}.png")


def test_tabs_work_with_the_keyboard_on_a_phone(live_server, browser, site, screenshot):  # noqa: F811
    context = reader(browser, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + site[0].url)
        tablist = page.get_by_role("tablist")
        assert tablist.get_attribute("aria-label") == "集計期間"
        week = page.get_by_role("tab", name="週間")
        week.click()
        assert week.get_attribute("aria-selected") == "true"
        assert page.locator("#rankings-week").is_visible()
        assert not page.locator("#rankings-24h").is_visible()
        page.keyboard.press("ArrowRight")
        assert page.get_by_role("tab", name="月間").get_attribute("aria-selected") == "true"
        assert page.evaluate("document.activeElement.textContent") == "月間"
        page.keyboard.press("Home")
        assert page.get_by_role("tab", name="24時間").get_attribute("aria-selected") == "true"
        # ranks 6–10 are cut with an ellipsis and never wrap
        sixth = page.locator("#rankings-24h .rankings__item").nth(5)
        assert sixth.locator("[aria-hidden=true]").last.inner_text().endswith("…")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.locator(".rankings").scroll_into_view_if_needed()
        screenshot(page, "rankings-article-phone")
        page.locator(".rankings").screenshot(path=_shot_path("rankings-block-phone"))
    finally:
        context.close()


def test_without_javascript_the_block_is_three_plain_lists(live_server, browser, site):  # noqa: F811
    context = reader(browser, javascript=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        assert page.get_by_role("tablist").count() == 0
        titles = page.locator(".rankings__title")
        assert titles.all_inner_texts() == ["24時間", "週間", "月間"]
        for key in ("24h", "week", "month"):
            assert page.locator(f"#rankings-{key} .rankings__item").count() == 10
            assert page.locator(f"#rankings-{key}").is_visible()
        page.locator(".rankings").screenshot(path=_shot_path("rankings-block-nojs"))
    finally:
        context.close()


def test_the_newsroom_chart(live_server, browser, site, django_user_model):  # noqa: F811
    django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-editor-1")
    now = timezone.now()
    for days in range(30):
        HourlyViewsFactory(
            page_id=site[0].id,
            hour=jst_hour(now) - dt.timedelta(days=days, hours=2),
            views=5 + (days * 7) % 23,
        )
    for n, page in enumerate(site[:4]):  # read today
        HourlyViewsFactory(page_id=page.id, hour=jst_hour(now), views=40 - n * 7)
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context = reader(browser, viewport=viewport)
        try:
            page = context.new_page()
            page.goto(live_server.url + "/admin/login/")
            page.fill("input[name=username]", "editor")
            page.fill("input[name=password]", "pw-editor-1")
            page.click("button[type=submit]")
            page.wait_for_url("**/admin/")
            assert page.get_by_text("今日よく読まれている記事").first.is_visible()
            assert page.locator("table.rankings-today tbody tr").count() >= 4
            page.screenshot(path=_shot_path(f"rankings-admin-dashboard-{name}"), full_page=True)
            page.goto(live_server.url + f"/admin/rankings/{site[0].id}/")
            assert page.locator("svg[role=img] rect").count() == 30
            page.screenshot(path=_shot_path(f"rankings-admin-chart-{name}"), full_page=True)
        finally:
            context.close()
