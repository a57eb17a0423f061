# ruff: noqa: F811 - fixtures imported from tests/browser are requested by name below.
"""An editor points Kisha at a feed served over real HTTP on 127.0.0.1, runs the poll, and the
items appear on the ticker of a page; then promotes one and steers the breaking banner.

Screenshots of every wire block at phone and desktop size go to artifacts/screenshots/wire-*.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from kisha.news.models import ArticlePage
from kisha.wire.models import WireItem, WireSource

# Imported here, not in conftest: wagtail_initial_data is autouse and transactional, which only
# the browser tests of this folder want.
from tests.browser.conftest import (  # noqa: F401
    DESKTOP,
    PHONE,
    browser,
    page_at,
    screenshot,
    wagtail_initial_data,
)
from tests.wire.conftest import FIXTURE_DIR, LocalServer, respond

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"


def japanese_feed() -> bytes:
    """The IPTC ninjs 3.1 fixture article plus two Japanese items (one breaking), in one batch."""
    fixture = json.loads((FIXTURE_DIR / "ninjs/3.1/004_simple_text_article.json").read_bytes())
    now = timezone.now()
    items = [
        fixture,
        {
            "uri": "urn:kyodo:1",
            "type": "text",
            "version": "1",
            "headlines": [
                {"value": "日銀、追加利上げを決定　政策金利0.75%に　物価上昇の定着を確認"}
            ],
            "versionCreated": (now - dt.timedelta(minutes=3)).isoformat(),
            "urgency": 1,
            "subjects": [{"code": "subj:04000000", "name": "経済"}],
            "bodies": [{"role": "main", "contentType": "text/html", "value": "<p>日銀は…</p>"}],
        },
        {
            "uri": "urn:kyodo:2",
            "type": "text",
            "version": "1",
            "headlines": [{"value": "米大統領、来週にもアジア歴訪へ　同盟国と経済安保を協議"}],
            "versionCreated": (now - dt.timedelta(minutes=8)).isoformat(),
            "urgency": 4,
            "subjects": [{"code": "World"}],
        },
    ]
    return json.dumps(items, ensure_ascii=False).encode()


@pytest.fixture
def feed(local_server: LocalServer, settings) -> str:
    settings.KISHA_WIRE_ALLOW_PRIVATE_FETCH = True  # the test server lives on 127.0.0.1
    body = japanese_feed()
    local_server.routes["/kyodo.json"] = lambda r: respond(
        r, 200, body, {"Content-Type": "application/json; charset=utf-8", "ETag": '"1"'}
    )
    return local_server.url("/kyodo.json")


def sign_in(page, live_server):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


def test_editor_points_kisha_at_a_feed_and_the_ticker_shows_it(
    live_server, page_at, screenshot, feed, world, business, article, django_user_model
):
    django_user_model.objects.create_superuser("desk", "desk@example.com", PASSWORD)
    page = page_at(DESKTOP)
    sign_in(page, live_server)

    page.goto(live_server.url + "/admin/wire/sources/new/")
    page.fill("#id_name", "共同通信")
    page.select_option("#id_format", "ninjs")
    page.fill("#id_url", feed)
    page.fill("#id_credit", "共同")
    page.select_option("#id_default_section", str(world.pk))
    page.get_by_role("button", name="対応を追加").or_(
        page.locator("#id_mappings-ADD")
    ).first.click()
    page.fill("#id_mappings-0-code", "subj:04000000")
    page.select_option("#id_mappings-0-section", str(business.pk))
    screenshot(page, "wire-admin-source")
    page.locator("footer button[type=submit]").first.click()
    page.wait_for_url("**/admin/wire/sources/")
    source = WireSource.objects.get(name="共同通信")
    assert source.mappings.get().section_id == business.pk

    page.goto(f"{live_server.url}/admin/wire/sources/inspect/{source.pk}/")
    page.click("[data-wire-poll]")
    page.wait_for_selector("text=取得しました")
    assert "新規 3件" in page.content()
    screenshot(page, "wire-admin-poll")

    # A reader's page: the ticker lists the new items with section label and JST time.
    reader = page_at(DESKTOP)
    reader.goto(live_server.url + article.url)
    ticker = reader.locator("#wire-ticker")
    ticker.wait_for()
    text = ticker.inner_text()
    assert "日銀、追加利上げを決定" in text and "ビジネス" in text and "ワールド" in text
    assert "Captain of wrecked cruise ship" in text
    banner = reader.locator("#wire-banner")
    assert "日銀、追加利上げを決定" in banner.inner_text()
    screenshot(reader, "wire-ticker-desktop")
    phone = page_at(PHONE)
    phone.goto(live_server.url + article.url)
    phone.locator("#wire-ticker").scroll_into_view_if_needed()
    screenshot(phone, "wire-ticker-phone")
    phone.goto(live_server.url + "/sokuho/")
    screenshot(phone, "wire-listing-phone")
    reader.goto(live_server.url + "/sokuho/")
    assert reader.locator(".wire-listing__section").all_inner_texts() == ["ワールド", "ビジネス"]
    screenshot(reader, "wire-listing-desktop")

    # 記事化: the item becomes a draft in its section and the editor lands on its edit page.
    item = WireItem.objects.get(guid="urn:kyodo:1")
    page.goto(f"{live_server.url}/admin/wire/items/?q=日銀")
    screenshot(page, "wire-admin-items")
    page.goto(f"{live_server.url}/admin/wire/items/inspect/{item.pk}/")
    screenshot(page, "wire-admin-item")
    page.click("[data-wire-promote]")
    page.wait_for_url("**/admin/pages/*/edit/")
    draft = ArticlePage.objects.get(original_headline__startswith="日銀、追加利上げ")
    assert draft.get_parent().pk == business.pk and draft.wire_credit == "共同" and not draft.live

    # The editor dismisses the banner; a reader's next page has none.
    page.goto(f"{live_server.url}/admin/wire/items/inspect/{item.pk}/")
    page.get_by_role("button", name="速報バナーに出さない").click()
    page.wait_for_selector("text=速報バナー: 表示しない")
    reader.goto(live_server.url + article.url + "?after=dismiss")  # not the browser's copy
    assert reader.locator("#wire-banner").count() == 0


def test_the_ticker_refreshes_in_place_without_a_reload(
    live_server, page_at, feed, world, business, article, settings
):
    settings.KISHA_WIRE_TICKER_SECONDS = 15
    source = WireSource.objects.create(
        name="共同通信", format="ninjs", url=feed, default_section=world
    )
    reader = page_at(DESKTOP)
    reader.goto(live_server.url + article.url)
    assert reader.locator("#wire-ticker").count() == 0  # nothing ingested yet

    from kisha.wire.services import wire_ingest_bytes
    from tests.wire.conftest import ninjs_batch, ninjs_item

    wire_ingest_bytes(source=source, data=ninjs_batch(ninjs_item("urn:first", headline="第一報")))
    reader.goto(live_server.url + article.url + "?v=2")  # past the browser's cached copy
    assert "第一報" in reader.locator("#wire-ticker").inner_text()
    wire_ingest_bytes(source=source, data=ninjs_batch(ninjs_item("urn:second", headline="第二報")))
    # No reload: the script swaps the fragment in within its interval (15 s here).
    # expect() polls from Playwright's own script; wait_for_function(str) evals in the page,
    # which the public Content-Security-Policy (no 'unsafe-eval') rightly refuses.
    expect(reader.locator("#wire-ticker")).to_contain_text("第二報", timeout=30_000)


def test_a_page_from_the_page_cache_brings_its_ticker_up_to_date_as_it_loads(
    app_server, page_at, feed, world, business, article, settings
):
    """The article stays in Kisha's page cache for an hour with the ticker it was rendered
    with; a reader who opens it after a new wire item sees the item without waiting for the
    30-second refresh."""
    from kisha.wire.services import wire_ingest_bytes
    from tests.wire.conftest import ninjs_batch, ninjs_item

    source = WireSource.objects.create(
        name="共同通信", format="ninjs", url=feed, default_section=world
    )
    wire_ingest_bytes(source=source, data=ninjs_batch(ninjs_item("urn:old", headline="旧報")))
    server = app_server()
    server.get(article.url)
    assert server.get(article.url).headers["X-Kisha-Cache"] == "HIT"
    wire_ingest_bytes(source=source, data=ninjs_batch(ninjs_item("urn:new", headline="新報")))
    cached = server.get(article.url)
    assert cached.headers["X-Kisha-Cache"] == "HIT" and "新報" not in cached.text
    reader = page_at(DESKTOP)
    reader.goto(server.url + article.url)
    expect(reader.locator("#wire-ticker")).to_contain_text("新報", timeout=5_000)


def test_a_package_shows_its_pictures_and_promotes_with_them(
    live_server, page_at, screenshot, world, django_user_model, local_server, settings
):
    """A G2 package whose story and three pictures arrive over real HTTP: the item view lists the
    downloaded pictures in order with their credit (and the one not yet received), and 記事化
    makes a draft with the hero image and the other pictures."""
    import io

    from PIL import Image

    from kisha.wire.services import wire_ingest_bytes
    from tests.wire.test_packages import MAIN, message, package, picture_item, text_item

    settings.KISHA_WIRE_ALLOW_PRIVATE_FETCH = True
    settings.KISHA_WIRE_DOWNLOAD_PICTURES = True
    for name, color in (("a", "#c0392b"), ("b", "#2e86c1")):
        out = io.BytesIO()
        Image.new("RGB", (320, 200), color).save(out, "JPEG")
        body = out.getvalue()
        local_server.routes[f"/{name}.jpg"] = lambda r, body=body: respond(
            r, 200, body, {"Content-Type": "image/jpeg"}
        )
    source = WireSource.objects.create(
        name="サンプル通信", format="newsml", credit="サンプル通信", default_section=world
    )
    wire_ingest_bytes(
        source=source,
        data=message(
            text_item("urn:story", headline="港町の朝市、三十年ぶりに平日開催へ"),
            picture_item("urn:pic:1", href=local_server.url("/a.jpg")),
            picture_item(
                "urn:pic:2",
                href=local_server.url("/b.jpg"),
                rights="<rightsInfo><copyrightNotice>© 2026 サンプル通信</copyrightNotice>"
                "<usageTerms>この記事に限り使用可</usageTerms></rightsInfo>",
            ),
            package("urn:pkg", MAIN),
        ),
    )
    item = WireItem.objects.get(guid="urn:story")
    django_user_model.objects.create_superuser("desk", "desk@example.com", PASSWORD)
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = page_at(viewport)
        sign_in(page, live_server)
        page.goto(f"{live_server.url}/admin/wire/items/inspect/{item.pk}/")
        pictures = page.locator("[data-wire-pictures] tr")
        expect(pictures).to_have_count(3)
        assert "説明 urn:pic:1" in pictures.nth(0).inner_text()
        assert "(2026年 サンプル通信/写真部)" in pictures.nth(
            0
        ).inner_text() or "サンプル通信/写真部" in (pictures.nth(0).inner_text())
        assert "未着: urn:pic:3" in pictures.nth(2).inner_text()
        expect(pictures.nth(1).locator("[data-wire-picture-terms]")).to_have_text(
            "利用条件: この記事に限り使用可"
        )
        expect(page.locator("[data-wire-waiting]")).to_contain_text("未着の写真が1件")
        assert page.locator("[data-wire-pictures] img").count() == 2
        # The admin scrolls inside its own container: bring the pictures into the shot.
        page.locator("[data-wire-waiting]").scroll_into_view_if_needed()
        screenshot(page, f"wire-admin-package-{name}")
    page.click("[data-wire-promote]")
    page.wait_for_url("**/edit/")
    draft = ArticlePage.objects.get()
    assert draft.hero_image is not None and draft.hero_caption == "説明 urn:pic:1"
    assert [b.block_type for b in draft.body][-1] == "image"
    # The picture's terms travel with it: the editor is told next to the new draft.
    expect(
        page.get_by_text("写真の利用条件: この記事に限り使用可(© 2026 サンプル通信)")
    ).to_be_visible()
    screenshot(page, "wire-admin-package-promoted-phone")


def test_the_wire_desk_reads_on_a_phone(live_server, page_at, screenshot, world, django_user_model):
    """On a phone the desk's table scrolls sideways in its own box: each headline keeps a
    readable width instead of being squeezed to a character a line beside seven columns."""
    from kisha.wire.services import wire_ingest_bytes
    from tests.wire.conftest import ninjs_batch, ninjs_item

    source = WireSource.objects.create(name="サンプル通信", format="ninjs", default_section=world)
    wire_ingest_bytes(
        source=source,
        data=ninjs_batch(
            *[
                ninjs_item(f"urn:phone:{n}", headline=f"港町の朝市が平日にも開催へ　その{n}")
                for n in range(3)
            ]
        ),
    )
    django_user_model.objects.create_superuser("desk", "desk@example.com", PASSWORD)
    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = page_at(viewport)
        sign_in(page, live_server)
        page.goto(f"{live_server.url}/admin/wire/items/?q=朝市")
        headline = page.locator("td.title a").first
        expect(headline).to_contain_text("港町の朝市")
        box = page.locator(".wire-desk-scroll")
        width = headline.bounding_box()["width"]
        assert width >= 200, width  # a headline of a few words a line, not a column of single kanji
        if viewport is PHONE:
            assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the rest scrolls
        else:
            assert box.evaluate("el => el.scrollWidth <= el.clientWidth")  # no scrolling needed
        screenshot(page, f"wire-admin-desk-{name}")
