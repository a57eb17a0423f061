"""An editor signs in, writes and publishes an article with an image, and finds it on the site.

`page_at` fails the test if the admin's or the site's Content-Security-Policy refuses anything
on the way (the page editor, the image chooser, publishing, the public pages with the userbar)."""

import pytest

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
