"""An editor schedules an article in Wagtail 8's admin as docs/operations.md tells them to: the
status side panel, 公開予定を設定 ("Set schedule"), a go-live typed in Japan time, then
"Schedule to publish". The revision is approved for that JST time (stored in UTC), the panel
shows it back in JST, and the article is not live before it."""

import datetime as dt
import zoneinfo

import pytest

from django.utils import timezone

from kisha.news.factories import ArticlePageFactory
from kisha.news.models import ArticlePage

from .conftest import DESKTOP, PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct-horse-battery-9"
JST = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_editor_schedules_an_article_in_japan_time(
    live_server, page_at, screenshot, world, django_user_model, viewport
):
    django_user_model.objects.create_superuser("desk", "desk@example.com", PASSWORD)
    article = ArticlePageFactory(
        parent=world, title="新駅、来春開業へ　県が計画を正式決定", slug="new-station", live=False
    )
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=None, last_published_at=None
    )
    # Tomorrow at 09:00 in Tokyo, typed as the editor reads a clock in the newsroom.
    go_live = (timezone.now().astimezone(JST) + dt.timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    typed = go_live.strftime("%Y-%m-%d %H:%M")

    page = page_at(viewport)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    page.locator("[data-side-panel-toggle='status']").first.click()
    page.get_by_role("button", name="公開予定を設定").first.click()  # Set schedule (ja)
    page.fill("#id_go_live_at", typed)
    page.get_by_role("heading", name="公開予定を設定").first.click()  # closes the date picker
    screenshot(page, f"admin-schedule-dialog-{'phone' if viewport is PHONE else 'desktop'}")
    # On a phone the date picker may still cover the button: click it as the keyboard would.
    with page.expect_navigation():
        page.get_by_role("button", name="公開予定を保存").dispatch_event("click")

    # The footer's publish action now schedules. On a phone the side panel, which stays open
    # across the save, covers the footer: close it first.
    panel = page.locator("[data-side-panel='status']")
    if panel.is_visible():
        page.locator("[data-form-side-close-button]").first.click()
        panel.wait_for(state="hidden")
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    page.locator("button[name='action-publish']").click()
    page.wait_for_url("**/admin/pages/**")

    article = ArticlePage.objects.get(pk=article.pk)
    assert not article.live
    revision = article.revisions.get(approved_go_live_at__isnull=False)
    assert revision.approved_go_live_at == go_live.astimezone(dt.UTC)
    assert revision.approved_go_live_at.astimezone(JST).hour == 9

    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    panel = page.locator("[data-side-panel='status']")
    page.wait_for_timeout(300)  # the admin restores the side panel it had open, if any
    if not panel.is_visible():
        page.locator("[data-side-panel-toggle='status']").first.click()
    panel.wait_for(state="visible")
    page.wait_for_timeout(600)  # the panel slides in
    # Wagtail's Japanese date format, in Japan time: 2026年12月1日9:00 (spacing aside)
    shown = f"{go_live.year}年{go_live.month}月{go_live.day}日9:00"
    text = "".join(panel.inner_text().split())
    assert shown in text, text
    screenshot(page, f"admin-schedule-status-{'phone' if viewport is PHONE else 'desktop'}")
