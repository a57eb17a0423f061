# ruff: noqa: F811 - the browser fixtures are imported by name, then requested as arguments
"""In a real browser: a correction at an article's foot and on /corrections/, on a phone and a
desktop; an editor withdraws an article from the admin and readers get the 410 notice."""

from __future__ import annotations

import datetime as dt

import pytest

from kisha.news.models import ArticleCorrection, ArticlePage
from tests.browser.conftest import (  # noqa: F401
    DESKTOP,
    PHONE,
    browser,
    page_at,
    screenshot,
    wagtail_initial_data,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
TEXT = "初出時、採決の日付を「28日」としていましたが「27日」の誤りでした。訂正しておわびします。"


@pytest.fixture
def corrected(article):
    ArticleCorrection.objects.create(
        article=article, noted_at=dt.datetime(2026, 11, 29, 6, 30, tzinfo=dt.UTC), text=TEXT
    )
    ArticleCorrection.objects.create(
        article=article,
        noted_at=dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC),
        kind=ArticleCorrection.Kind.ADDENDUM,
        text="市の担当者のコメントを追加しました。",
    )
    return article


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_correction_is_readable_on_phone_and_desktop(
    live_server, page_at, screenshot, corrected, viewport
):
    page = page_at(viewport)
    page.goto(live_server.url + corrected.url)
    block = page.locator(".corrections")
    assert block.is_visible()
    assert "【訂正】2026年11月29日(日)15時30分" in block.inner_text()
    assert TEXT in block.inner_text()
    # Nothing sticks out of a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    block.scroll_into_view_if_needed()
    name = "phone" if viewport is PHONE else "desktop"
    screenshot(page, f"corrections-article-{name}")
    page.get_by_role("link", name="訂正・おわび").last.click()
    page.wait_for_url("**/corrections/")
    assert TEXT in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"corrections-list-{name}")


def test_an_editor_withdraws_an_article(
    live_server, page_at, screenshot, article, django_user_model
):
    article.save_revision().publish()
    django_user_model.objects.create_superuser("desk", "desk@example.com", PASSWORD)
    page = page_at(DESKTOP)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    page.goto(f"{live_server.url}/admin/pages/{article.id}/edit/")
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("link", name="記事を取り消す").click()
    page.wait_for_url(f"**/admin/news/kill/{article.id}/")
    page.fill("#id_reason", "事実関係の確認が不十分でした。")
    page.check("#id_confirm")
    screenshot(page, "kill-admin-form")
    page.get_by_role("button", name="記事を取り消す").click()
    page.wait_for_url("**/admin/pages/**")
    assert not ArticlePage.objects.get(pk=article.id).live

    reader = page_at(PHONE)
    response = reader.goto(live_server.url + article.url)
    assert response.status == 410
    assert "この記事は取り消しました" in reader.locator("main").inner_text()
    assert "事実関係の確認が不十分でした。" in reader.locator("main").inner_text()
    screenshot(reader, "kill-notice-phone")
