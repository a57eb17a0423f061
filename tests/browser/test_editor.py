"""An editor signs in, writes and publishes an article with an image, and finds it on the site.

`page_at` fails the test if the admin's or the site's Content-Security-Policy refuses anything
on the way (the page editor, the image chooser, publishing, the public pages with the userbar)."""

import pytest
from playwright.sync_api import expect

from kisha.news.models import ArticlePage

from .conftest import DESKTOP

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct-horse-battery-9"


def test_editor_writes_and_publishes_an_article(
    live_server, page_at, screenshot, world, image, django_user_model
):
    django_user_model.objects.create_superuser("desk", "desk@example.com", PASSWORD)
    page = page_at(DESKTOP)
    # The admin's and the site's Content-Security-Policy must not block anything they use.
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    page.goto(f"{live_server.url}/admin/pages/add/news/articlepage/{world.id}/")
    page.fill("#id_title", "台風10号、九州に上陸へ　交通機関に大きな影響")
    page.fill("#id_short_headline", "台風10号が九州上陸へ")
    page.fill("#id_lead", "大型で強い台風10号は、あす未明にも九州南部に上陸する見込みだ。")

    # Hero image through Wagtail's image chooser.
    page.locator(
        "#panel-child-content-hero_image-section button, [data-chooser-action-choose]"
    ).first.click()
    page.get_by_role("link", name=image.title).first.click()
    page.wait_for_selector(".chooser__title", state="visible")

    # The promote tab holds the slug.
    page.get_by_role("tab", name="プロモート").click()
    page.fill("#id_slug", "typhoon-no10")
    screenshot(page, "admin-editor")

    # Publish sits in the footer's dropdown menu.
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    page.locator("button[name='action-publish']").click()
    page.wait_for_url("**/admin/pages/**")

    article = ArticlePage.objects.get(slug="typhoon-no10")
    assert article.live and article.hero_image_id == image.id

    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name="台風10号、九州に上陸へ").first.is_visible()
    page.goto(live_server.url + world.url)
    assert page.get_by_role("link", name="台風10号、九州に上陸へ").first.is_visible()
    page.get_by_role("link", name="台風10号、九州に上陸へ").first.click()
    assert "大型で強い台風10号" in page.locator(".article__lead").inner_text()
    assert (
        "(2019年 ロイター/Kevin Lamarque)" in page.locator(".article__hero figcaption").inner_text()
    )


TERMS = "報道目的のみ。2027年3月31日まで。広告・販売促進には使用不可"


def test_an_images_terms_show_where_an_editor_edits_and_chooses_it(
    live_server, page_at, screenshot, world, django_user_model
):
    """The agency's 利用条件 stay with a library image: on its edit page, in the chooser, under
    an article's chosen hero image and under a body image block (Wagtail's two chooser widgets,
    kisha/core/static/kisha/admin/image-chooser-rights.js)."""
    from kisha.news.factories import ArticlePageFactory, KishaImageFactory

    django_user_model.objects.create_superuser("desk", "desk@example.com", PASSWORD)
    restricted = KishaImageFactory(
        title="峠の紅葉",
        credit_agency="キシャ通信",
        credit_photographer="紅葉 撮",
        usage_terms=TERMS,
        copyright_notice="© 2026 キシャ通信",
    )
    KishaImageFactory(title="制限のない写真")
    article = ArticlePageFactory(
        parent=world,
        title="峠の紅葉が見ごろ",
        body=[
            ("paragraph", "<p>峠の紅葉が見ごろを迎えた。</p>"),
            ("image", {"image": restricted, "caption": "色づいた峠", "alt": ""}),
        ],
    )
    page = page_at(DESKTOP)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    page.goto(f"{live_server.url}/admin/images/{restricted.pk}/")
    notice = page.locator("[data-kisha-image-rights-notice]")
    assert "この画像には利用条件があります" in notice.inner_text()
    assert "広告・販売促進には使用不可" in notice.inner_text()
    assert page.locator("#id_usage_terms").input_value() == TERMS
    screenshot(page, "admin-image-rights")
    page.locator("#id_usage_terms").scroll_into_view_if_needed()
    screenshot(page, "admin-image-rights-fields")

    # The body's image block (a StreamField widget) shows the terms of the image it holds.
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    block_rights = page.locator("[data-contentpath='body'] [data-kisha-image-rights]").first
    block_rights.wait_for(state="visible")
    assert "報道目的のみ" in block_rights.inner_text()

    # Choosing the hero image: the chooser lists the terms, the chosen widget shows them.
    page.locator("#id_hero_image-chooser .unchosen [data-chooser-action-choose]").first.click()
    modal = page.locator(".modal-content")
    modal.get_by_role("link", name="峠の紅葉").first.wait_for()
    assert "報道目的のみ" in modal.locator("[data-kisha-image-rights]").first.inner_text()
    assert modal.locator("[data-kisha-image-rights]").count() == 1  # only the restricted one
    modal.get_by_role("link", name="峠の紅葉").first.click()
    hero_rights = page.locator("#id_hero_image-chooser [data-kisha-image-rights]")
    hero_rights.wait_for(state="visible")
    assert TERMS in hero_rights.inner_text() and "© 2026 キシャ通信" in hero_rights.inner_text()
    page.locator(".modal-backdrop").wait_for(state="detached")
    hero_rights.scroll_into_view_if_needed()
    screenshot(page, "admin-image-rights-chosen")

    # Another image, without terms: the line goes away.
    hero = page.locator("#id_hero_image-chooser")
    hero.locator(".chosen [data-w-dropdown-target='toggle']").first.click()
    hero.locator(".chosen [data-chooser-action-choose]").first.click()
    page.locator(".modal-content").get_by_role("link", name="制限のない写真").first.click()
    expect(hero.locator("[data-chooser-title]")).to_have_text("制限のない写真")
    expect(hero_rights).to_be_hidden()
