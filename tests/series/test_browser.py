# ruff: noqa: F811 - the browser fixtures are imported by name, then requested as arguments
"""In a real browser, on a phone and a desktop: the series page, この連載の他の記事 and the
sidebar block fit the screen and pass the Content-Security-Policy (page_at checks it)."""

from __future__ import annotations

import pytest

from kisha.series.factories import SeriesSeasonFactory, series_fill
from tests.browser.conftest import (  # noqa: F401
    DESKTOP,
    PHONE,
    browser,
    page_at,
    screenshot,
    wagtail_initial_data,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def travel(series_index, make_articles, image):
    from kisha.series.factories import SeriesPageFactory

    series = SeriesPageFactory(
        parent=series_index,
        title="ローカル線でめぐる移住の町",
        slug="journey",
        kicker="旅の連載",
        cover_image=image,
    )
    SeriesSeasonFactory(series=series, number=1, title="海沿いの町へ")
    SeriesSeasonFactory(series=series, number=2, title="山あいの村へ")
    sea = make_articles(3, prefix="潮見町で出会った移住者の暮らし　その")
    mountain = make_articles(3, prefix="峠を越えた先の村で聞いた話　その")
    for page in (*sea, *mountain):
        page.hero_image = image
        page.save()
    series_fill(series, sea, season=1)
    series_fill(series, mountain, season=2)
    return series, sea + mountain


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_series_page_and_article_nav_fit(live_server, page_at, screenshot, travel, viewport):
    series, articles = travel
    page = page_at(viewport)
    page.goto(live_server.url + series.url)
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="シーズン2 山あいの村へ").is_visible()
    assert page.locator(".series-entry").count() == 6
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    side = page.locator(".series-side")
    assert side.get_by_role("link", name="旅の連載 ローカル線でめぐる移住の町").count() == 1
    name = "series-phone" if viewport is PHONE else "series-desktop"
    screenshot(page, name)

    page.goto(live_server.url + articles[3].url)
    page.wait_for_load_state("networkidle")
    nav = page.locator(".series-nav")
    nav.scroll_into_view_if_needed()
    assert nav.get_by_text("シーズン2・全6本中4本目").is_visible()
    page.get_by_role("link", name="次の記事").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(articles[4].url)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, name.replace("series", "series-article"))
