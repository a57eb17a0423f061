# ruff: noqa: F811 - the browser fixtures are imported by name, then requested as arguments
"""The newsroom's journey in Chromium, in Japanese: a writer writes and submits an article, the
desk finds it on the dashboard, approves it with a comment and a publication time, and the
wire desk and the authors are a click away. On every screen of the way the visible text may
hold no Latin-script UI words beyond a short allow-list; screenshots go to docs/newsroom/."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path

import pytest

from kisha.core.text import JST
from kisha.news.factories import AuthorFactory
from kisha.news.models import ArticlePage
from kisha.newsroom.roles import roles_ensure
from tests.browser.conftest import (  # noqa: F401
    DESKTOP,
    browser,
    page_at,
    wagtail_initial_data,
)

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# KISHA_DOCS_SCREENSHOTS=1 renews docs/newsroom/*.png; otherwise they go to the artifacts.
ROOT = Path(__file__).resolve().parents[2]
DOCS = (
    ROOT / "docs" / "newsroom"
    if os.environ.get("KISHA_DOCS_SCREENSHOTS") == "1"
    else ROOT / "artifacts" / "screenshots" / "newsroom"
)

# Latin-script words allowed on a Japanese screen, each for a reason:
ALLOWED = {
    "Kisha",  # the product's name
    "Wagtail",  # the CMS's name, in the editor-guide link
    "URL",  # what Japanese editors call a URL
    "SNS",  # Japanese for social media (the promote tab's SNS 共有 fields)
    "MOOK",  # the print product type, a Japanese publishing term
    "Web",  # the Web編集 role's own name
    "RSS",
    "JST",
    "Mook",  # as MOOK, in the print product page type's name 出版物（Mook・別冊）
    "CSV",  # the reports' download formats, named as every spreadsheet names them
    "XLSX",
}
# Elements whose text is data, not UI: the time zones' names (tz database identifiers) and the
# admin languages, each named in its own language so that a reader of it finds it.
DATA = ["select[name$='current_time_zone']", "select[name$='preferred_language']"]
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


def latin_words(page, *, user_data: set[str]) -> set[str]:
    """Latin-script words in what the user sees: visible text and placeholders, less the
    elements that show data (DATA) and the test's own data (`user_data`: words or phrases)."""
    text = page.evaluate(
        """(data) => {
            const hidden = [...document.querySelectorAll(data.join(','))];
            const shown = hidden.map((el) => el.style.display);
            hidden.forEach((el) => { el.style.display = 'none'; });
            const parts = [document.body.innerText];
            hidden.forEach((el, n) => { el.style.display = shown[n]; });
            for (const el of document.querySelectorAll('[placeholder]')) {
                if (el.offsetParent !== null) parts.push(el.getAttribute('placeholder'));
            }
            return parts.join('\\n');
        }""",
        DATA,
    )
    for phrase in user_data:  # data of several words ("Moderators approval") goes as a whole
        if not WORD.fullmatch(phrase):
            text = text.replace(phrase, " ")
    return {w for w in WORD.findall(text) if w not in ALLOWED and w not in user_data}


def _shot(page, name):
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"{name}.png"), type="png")


def _login(page, base, user):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")


def test_writer_to_desk_to_scheduled_publication_in_japanese(
    live_server, page_at, home, world, staff, settings
):
    roles_ensure()
    writer = staff("記者", "tanaka")
    desk = staff("デスク", "suzuki")
    AuthorFactory(name="田中 花子", name_reading="たなかはなこ", slug="tanaka")  # slug: user data
    AuthorFactory(name="佐藤 一郎", name_reading="さとういちろう", slug="sato-ichiro")
    user_data = {"tanaka", "suzuki", "sato", "ichiro", "example", "jp"}
    base = live_server.url
    found: dict[str, set[str]] = {}

    def check(page, screen):
        # Loaded, and the sidebar (drawn by script, from the JavaScript catalogue) is there.
        page.wait_for_load_state("load")
        page.wait_for_selector(".sidebar-main-menu", state="attached")
        words = latin_words(page, user_data=user_data)
        if words:
            found[screen] = words

    page = page_at(DESKTOP)
    _login(page, base, writer)
    check(page, "writer dashboard")

    page.goto(f"{base}/admin/pages/{world.id}/")
    check(page, "section explorer")

    page.goto(f"{base}/admin/pages/add/news/articlepage/{world.id}/")
    page.fill("#id_title", "大雨で在来線が運転見合わせ　午後に再開へ")
    page.fill("#id_lead", "梅雨前線の影響で、在来線の一部区間が朝から運転を見合わせている。")
    page.get_by_role("tab", name="プロモート").click()
    page.fill("#id_slug", "heavy-rain-trains")
    page.get_by_role("tab", name="コンテンツ").click()
    check(page, "new article")
    _shot(page, "1-writer-new-article")

    # The byline: a row, its chooser, a search by reading (たなか finds 田中 花子 alone).
    page.locator("#id_author_links-ADD").click()
    page.locator("#id_author_links-0-author-chooser [data-chooser-action-choose]").first.click()
    page.wait_for_selector(".modal input[name='q']")
    page.fill(".modal input[name='q']", "たなか")
    page.wait_for_function(
        "() => !document.querySelector('.modal').innerText.includes('佐藤 一郎')"
        " && document.querySelector('.modal').innerText.includes('田中 花子')"
    )
    check(page, "author chooser")
    _shot(page, "6-author-chooser")
    page.locator(".modal [data-chooser-modal-choice]", has_text="田中 花子").click()
    page.wait_for_selector(".modal", state="detached")
    page.locator("#id_author_links-0-author-chooser").scroll_into_view_if_needed()
    check(page, "authors panel")
    _shot(page, "7-authors-panel")

    # Submit to the desk: the footer's dropdown holds the workflow action.
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    page.locator("button[name='action-submit']").click()
    page.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/.*|.*/admin/pages/\d+/$"))
    article = ArticlePage.objects.get(slug="heavy-rain-trains")
    assert article.owner == writer and not article.live
    assert [a.name for a in article.authors.all()] == ["田中 花子"]
    assert article.current_workflow_state is not None
    page.goto(f"{base}/admin/pages/{article.id}/edit/")
    check(page, "submitted article")
    _shot(page, "2-writer-submitted")

    page = page_at(DESKTOP)  # the desk at another desk: a browser context of its own
    _login(page, base, desk)
    check(page, "desk dashboard")
    assert page.get_by_text("大雨で在来線が運転見合わせ").first.is_visible()
    _shot(page, "3-desk-dashboard")

    page.goto(f"{base}/admin/pages/{article.id}/edit/")
    # Schedule: 公開予定を設定 in the status side panel, an hour from now (JST, the browser's
    # and the admin's time zone), saved with the draft.
    go_live = (dt.datetime.now(JST) + dt.timedelta(hours=1)).replace(second=37, microsecond=0)
    page.get_by_role("button", name="状態パネルの開閉").first.click()
    page.get_by_role("button", name="公開予定を設定").first.click()
    page.fill("#id_go_live_at", go_live.strftime("%Y-%m-%d %H:%M:%S"))  # to the second
    check(page, "desk schedule dialog")
    _shot(page, "4-desk-schedule")
    # The date picker can still cover the dialog's button: press it from the page's side.
    page.locator("#schedule-publishing-dialog button.action-save").evaluate("b => b.click()")
    page.wait_for_load_state("networkidle")

    page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    page.locator(
        "button[data-workflow-action-name='approve'][data-workflow-action-modal-url]"
    ).first.click()
    page.wait_for_selector("textarea[name='comment']")
    page.fill("textarea[name='comment']", "見出しを確認しました。1時間後に公開します。")
    check(page, "desk approve dialog")
    _shot(page, "5-desk-approve")
    page.locator(".modal button[type='submit']").first.click()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        state = article.workflow_states.order_by("-created_at").first()
        if state.status != "in_progress":
            break
        time.sleep(0.2)
    assert state.status == "approved"
    article.refresh_from_db()
    # Scheduled, not live: Wagtail publishes it at the approved time.
    assert not article.live
    assert article.latest_revision.approved_go_live_at == go_live

    page.goto(f"{base}/admin/wire/items/")
    check(page, "wire desk")
    page.goto(f"{base}/admin/snippets/news/author/")
    check(page, "authors")

    assert found == {}, found


def _scan_screen(page, user_data: set[str]) -> set[str]:
    """The screen's Latin words, with each of its tabs shown, the listing's filter menu opened
    (each filter too) and the page header's action menu open: all of them are the screen."""
    page.wait_for_load_state("load")
    page.wait_for_selector(".sidebar-main-menu", state="attached")
    words = latin_words(page, user_data=user_data)
    tabs = page.locator("main [role='tab']")
    for n in range(tabs.count()):
        if tabs.nth(n).is_visible():
            tabs.nth(n).click()
            words |= latin_words(page, user_data=user_data)
    opener = page.locator("#filters-drilldown .w-slim-header-action-button")
    if opener.count():
        opener.first.click()
        words |= latin_words(page, user_data=user_data)
        filters = page.locator("#filters-drilldown [data-w-drilldown-target='toggle']")
        for n in range(filters.count()):
            filters.nth(n).click()
            words |= latin_words(page, user_data=user_data)
            page.locator(
                "#filters-drilldown .w-drilldown__submenu:not([hidden]) .w-drilldown__back"
            ).click()
        page.keyboard.press("Escape")
    more = page.locator("header .w-dropdown [data-w-dropdown-target='toggle']:visible")
    for n in range(more.count()):
        more.nth(n).click()
        words |= latin_words(page, user_data=user_data)
        page.keyboard.press("Escape")
    return words


def test_screens_outside_the_journey_are_japanese(live_server, page_at, home, world, staff):
    """Screens a chief or an administrator opens besides the journey: an article's workflow
    history and its detail, the page history, the page search and the explorer, the image and
    document search, users and groups (with the permission labels), the account settings,
    sites, workflows and tasks, the reports and the kill list. Each with its tabs shown and its
    filters and menus opened; the same scan: no Latin-script UI word beyond the allow-list."""
    from django.urls import reverse
    from django.utils import timezone

    from wagtail.models import Site, Task, Workflow

    from kisha.news.factories import ArticlePageFactory
    from kisha.news.services import article_kill

    roles_ensure()
    admin = staff(None, "watanabe")
    admin.is_superuser = True
    admin.is_staff = True
    admin.save()
    writer = staff("記者", "tanaka")
    desk_group = writer.groups.model.objects.get(name="デスク")
    article = ArticlePageFactory(
        parent=world, owner=writer, live=False, title="市立美術館、改修後の再開日を発表"
    )
    article.save_revision(user=writer)
    article.get_workflow().start(article, writer)
    # A second article went through the desk: approved with a comment, so its workflow
    # history's detail and the page history hold a task's review and the workflow's events.
    reviewed = ArticlePageFactory(
        parent=world, owner=writer, live=False, title="市立図書館の開館時間を延長"
    )
    reviewed.save_revision(user=writer)
    state = reviewed.get_workflow().start(reviewed, writer)
    state.current_task_state.task.specific.on_action(
        state.current_task_state, admin, "approve", comment="確認しました。"
    )
    reviewed.refresh_from_db()
    # A locked article for the locked pages report, a killed one for the kill list.
    locked = ArticlePageFactory(parent=world, owner=writer, title="駅前再開発の説明会")
    locked.locked, locked.locked_by, locked.locked_at = True, admin, timezone.now()
    locked.save()
    killed = ArticlePageFactory(parent=world, owner=writer, title="誤った日付の告知記事")
    article_kill(article=killed, user=admin, reason="日付の誤りのため取り消し。")
    AuthorFactory(name="田中 花子", name_reading="たなかはなこ", slug="tanaka")
    # Two wire items for the wire desk's search ("There are 2 matches").
    from kisha.wire.models import WireSource
    from kisha.wire.services import wire_ingest_bytes
    from tests.wire.conftest import ninjs_batch, ninjs_item

    wire = WireSource.objects.create(
        name="共同", format="ninjs", credit="共同", default_section=world
    )
    items = [ninjs_item(f"urn:ja26:{n}", headline=f"市立病院の外来を再開 {n}") for n in (1, 2)]
    wire_ingest_bytes(source=wire, data=ninjs_batch(*items))
    # The test's data: user names, the kill's URL path, Wagtail's own initial data (the groups
    # Editors and Moderators, the switched-off task "Moderators approval", the welcome page
    # whose deletion the site history lists) and the page types' code names (news.articlepage)
    # in the page types report's アプリ column.
    user_data = {"tanaka", "watanabe", "example", "jp", "Root", "localhost", "world", "article"}
    user_data |= {
        "Editors",
        "Moderators",
        "Moderators approval",
        "Welcome to your new Wagtail site!",
    }
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import get_page_models

    for model in get_page_models():
        content_type = ContentType.objects.get_for_model(model)
        user_data |= {content_type.app_label, content_type.model}
    base = live_server.url
    workflow = Workflow.objects.get(name="デスク審査")
    task = Task.objects.get(name="デスク確認")
    site = Site.objects.get(is_default_site=True)
    screens = {
        "workflow history": reverse("wagtailadmin_pages:workflow_history", args=(reviewed.pk,)),
        "workflow history detail": reverse(
            "wagtailadmin_pages:workflow_history_detail", args=(reviewed.pk, state.pk)
        ),
        "page history": reverse("wagtailadmin_pages:history", args=(reviewed.pk,)),
        "page search": reverse("wagtailadmin_pages:search") + "?q=市立",
        "explorer": reverse("wagtailadmin_explore", args=(world.pk,)),
        "explorer search": reverse("wagtailadmin_explore", args=(world.pk,)) + "?q=市立",
        "explorer search, whole site": reverse("wagtailadmin_explore", args=(world.pk,))
        + "?q=市立&search_all=1",
        "wire desk search": reverse("wire_items:index") + "?q=市立病院",
        "images search": reverse("wagtailimages:index") + "?q=会談",
        "documents search": reverse("wagtaildocs:index") + "?q=資料",
        "users": reverse("wagtailusers_users:index"),
        "users search": reverse("wagtailusers_users:index") + "?q=tanaka",
        "user add": reverse("wagtailusers_users:add"),
        "user edit": reverse("wagtailusers_users:edit", args=(writer.pk,)),
        "groups": reverse("wagtailusers_groups:index"),
        "group edit": reverse("wagtailusers_groups:edit", args=(desk_group.pk,)),
        "account": reverse("wagtailadmin_account"),
        "sites": reverse("wagtailsites:index"),
        "site edit": reverse("wagtailsites:edit", args=(site.pk,)),
        "workflows": reverse("wagtailadmin_workflows:index"),
        "workflow edit": reverse("wagtailadmin_workflows:edit", args=(workflow.pk,)),
        "workflow usage": reverse("wagtailadmin_workflows:usage", args=(workflow.pk,)),
        "tasks": reverse("wagtailadmin_workflows:task_index"),
        "task edit": reverse("wagtailadmin_workflows:edit_task", args=(task.pk,)),
        "aging pages": reverse("wagtailadmin_reports:aging_pages"),
        "locked pages": reverse("wagtailadmin_reports:locked_pages"),
        "page types usage": reverse("wagtailadmin_reports:page_types_usage"),
        "site history": reverse("wagtailadmin_reports:site_history"),
        "workflows report": reverse("wagtailadmin_reports:workflow"),
        "workflow tasks report": reverse("wagtailadmin_reports:workflow_tasks"),
        "kill list": reverse("newsroom_kills:index"),
        "kill list search": reverse("newsroom_kills:index") + "?q=日付",
    }
    SHOTS = {"kill list": "8-kill-list", "group edit": "9-group-edit", "page history": "10-history"}
    page = page_at(DESKTOP)
    _login(page, base, admin)
    found: dict[str, set[str]] = {}
    for screen, path in screens.items():
        response = page.goto(base + path)
        assert response.status == 200, (screen, response.status)
        page.wait_for_load_state("load")
        if screen in SHOTS:
            _shot(page, SHOTS[screen])
        words = _scan_screen(page, user_data)
        if words:
            found[screen] = words
    # The sidebar's page explorer (drawn by script): the root's and a section's listing.
    page.goto(base + reverse("wagtailadmin_home"))
    page.wait_for_selector(".sidebar-main-menu", state="attached")
    page.locator(".sidebar-main-menu button", has_text="ページ").first.click()
    page.wait_for_selector(".c-page-explorer")
    words = latin_words(page, user_data=user_data)
    if words:
        found["sidebar explorer"] = words
    assert not found, "\n".join(f"{screen}: {sorted(words)}" for screen, words in found.items())
