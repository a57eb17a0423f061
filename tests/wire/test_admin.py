"""The newsroom admin: item listing with filters and search, item view with versions, 記事化,
banner steering, source validation and 今すぐ取得, the run log — and who may do what."""

from __future__ import annotations

import pytest

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kisha.news.models import ArticlePage
from kisha.wire.models import BannerState, WireIngestRun, WireItem, WireSource
from kisha.wire.services import wire_ingest_bytes
from tests.wire.conftest import LocalServer, ninjs_batch, ninjs_item, respond

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, django_user_model):
    user = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw")
    client.force_login(user)
    return user


@pytest.fixture
def items(source):
    wire_ingest_bytes(
        source=source,
        data=ninjs_batch(
            ninjs_item(
                "urn:1",
                1,
                headline="日銀が利上げ決定",
                urgency=2,
                subjects=[{"code": "subj:04000000"}],
            ),
            ninjs_item("urn:2", 1, headline="大統領選の結果", urgency=5),
        ),
    )
    wire_ingest_bytes(
        source=source,
        data=ninjs_batch(
            ninjs_item(
                "urn:1",
                2,
                headline="日銀が利上げ決定　0.25%",
                urgency=2,
                subjects=[{"code": "subj:04000000"}],
            )
        ),
    )
    return {item.guid: item for item in WireItem.objects.all()}


def test_listing_filters_and_searches(client, desk, items, business):
    html = client.get("/admin/wire/items/").content.decode()
    assert "日銀が利上げ決定　0.25%" in html and "大統領選の結果" in html
    assert f'href="/admin/wire/items/inspect/{items["urn:2"].pk}/"' in html
    html = client.get("/admin/wire/items/", {"q": "大統領"}).content.decode()
    assert "大統領選の結果" in html and "日銀" not in html
    html = client.get("/admin/wire/items/", {"section": business.pk}).content.decode()
    assert "日銀" in html and "大統領選" not in html
    html = client.get("/admin/wire/items/", {"urgency__lte": 2}).content.decode()
    assert "日銀" in html and "大統領選" not in html
    html = client.get("/admin/wire/items/", {"item_time__gte": "2099-01-01 00:00"}).content.decode()
    assert "日銀" not in html and "大統領選" not in html
    assert client.get("/admin/wire/items/", {"urgency": "abc"}).status_code == 200
    # Long, but under KISHA_MAX_URL_BYTES (longer URLs get the 414 page).
    assert client.get("/admin/wire/items/", {"q": "x" * 1900}).status_code == 200


def test_listing_costs_a_fixed_number_of_queries(client, desk, source, items):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/wire/items/").status_code == 200
        return len(queries)

    count()  # warms the per-process section list the section filter offers
    few = count()
    wire_ingest_bytes(
        source=source, data=ninjs_batch(*[ninjs_item(f"urn:m{n}") for n in range(30)])
    )
    assert count() == few


def test_item_view_shows_versions_and_promotes_to_a_draft(client, desk, items, business):
    item = items["urn:1"]
    html = client.get(f"/admin/wire/items/inspect/{item.pk}/").content.decode()
    assert "版の履歴" in html and "記事化" in html
    assert "2026年11月26日(木)13時00分" in html  # 04:00 UTC shown in JST
    assert "None" not in html.split("版の履歴")[0].split("<dl>")[-1]
    assert html.count("日銀が利上げ決定") >= 3  # current + two versions
    response = client.post(f"/admin/wire/items/promote/{item.pk}/")
    page = ArticlePage.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{page.pk}/edit/"
    assert page.get_parent().pk == business.pk and not page.live
    # The draft's edit page links back to the item; the item links to its draft.
    assert (
        f"/admin/wire/items/inspect/{item.pk}/" in client.get(response["Location"]).content.decode()
    )
    assert "記事を開く" in client.get(f"/admin/wire/items/inspect/{item.pk}/").content.decode()


def test_promote_is_post_only_and_reports_problems(client, desk, db, home):
    bare = WireSource.objects.create(name="AP", format="ninjs")
    wire_ingest_bytes(source=bare, data=ninjs_batch(ninjs_item("urn:z")))
    item = WireItem.objects.get()
    assert client.get(f"/admin/wire/items/promote/{item.pk}/").status_code == 405
    response = client.post(f"/admin/wire/items/promote/{item.pk}/", follow=True)
    assert "セクションが決まっていません" in response.content.decode()
    assert client.post("/admin/wire/items/promote/999999/").status_code == 404


def test_banner_pin_and_dismiss(client, desk, items):
    item = items["urn:2"]
    client.post(f"/admin/wire/items/banner/{item.pk}/pinned/")
    item.refresh_from_db()
    assert item.banner == BannerState.PINNED
    assert "大統領選の結果" in client.get("/fragments/banner/").content.decode()
    client.post(f"/admin/wire/items/banner/{item.pk}/dismissed/")
    item.refresh_from_db()
    assert item.banner == BannerState.DISMISSED
    assert client.post(f"/admin/wire/items/banner/{item.pk}/evil/").status_code in (302, 403)
    item.refresh_from_db()
    assert item.banner == BannerState.DISMISSED


def test_items_cannot_be_added_or_deleted_by_hand(client, desk, items):
    item = items["urn:2"]
    assert client.get("/admin/wire/items/new/").status_code in (302, 403)
    assert client.post(f"/admin/wire/items/delete/{item.pk}/").status_code in (302, 403)
    assert WireItem.objects.filter(pk=item.pk).exists()


def test_editing_an_items_section_refreshes_the_ticker(client, desk, items, business):
    item = items["urn:2"]

    def label_before_headline() -> str:
        html = client.get("/fragments/ticker/").content.decode()
        return html.split("大統領選の結果")[0].rsplit('wire-ticker__item">', 1)[1]

    assert "ワールド" in label_before_headline()  # and now cached
    response = client.post(
        f"/admin/wire/items/edit/{item.pk}/", {"section": business.pk, "banner": "auto"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.section_id == business.pk
    assert "ビジネス" in label_before_headline()


def test_a_user_without_wire_permissions_is_refused(client, django_user_model, items):
    user = django_user_model.objects.create_user("reader", "r@example.com", "pw")
    group = Group.objects.create(name="admins-only")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    item = items["urn:1"]
    runs = WireIngestRun.objects.count()
    assert client.get("/admin/wire/items/").status_code in (302, 403)
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
    assert client.post(f"/admin/wire/items/promote/{item.pk}/").status_code in (302, 403)
    assert client.post(f"/admin/wire/items/banner/{item.pk}/pinned/").status_code in (302, 403)
    assert client.post(f"/admin/wire/sources/poll/{item.source_id}/").status_code in (302, 403)
    item.refresh_from_db()
    assert item.banner == BannerState.AUTO and WireIngestRun.objects.count() == runs
    assert ArticlePage.objects.count() == 0


def source_form(**overrides):
    data = {
        "name": "時事通信",
        "format": "rss",
        "url": "https://example.com/feed.xml",
        "drop_folder": "",
        "poll_interval": "300",
        "enabled": "on",
        "credit": "時事",
        "default_section": "",
        "mappings-TOTAL_FORMS": "0",
        "mappings-INITIAL_FORMS": "0",
        "mappings-MIN_NUM_FORMS": "0",
        "mappings-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_a_source_with_a_mapping_is_created_in_the_admin(client, desk, world):
    data = source_form(
        **{
            "mappings-TOTAL_FORMS": "1",
            "mappings-0-code": "World",
            "mappings-0-section": str(world.pk),
            "mappings-0-ORDER": "1",
            "mappings-0-id": "",
            "mappings-0-DELETE": "",
        }
    )
    response = client.post("/admin/wire/sources/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    source = WireSource.objects.get(name="時事通信")
    assert [(m.code, m.section_id) for m in source.mappings.all()] == [("World", world.pk)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"url": "ftp://example.com/feed"}, "URL"),
        ({"url": "http://2130706433/feed"}, "URL"),
        ({"url": "http://0177.0.0.1/feed"}, "URL"),
        ({"url": "http://[::ffff:127.0.0.1]:80@evil/"}, "URL"),
        ({"url": "", "drop_folder": "/no/such/folder"}, "の中に置いてください"),
        ({"url": "", "drop_folder": "relative/path"}, "絶対パス"),
        ({"drop_folder": "/tmp"}, "どちらか一方"),
        ({"poll_interval": "5"}, "30秒以上"),
        ({"name": ""}, "必須"),
        ({"name": "x" * 500}, "100"),
    ],
)
def test_source_validation(client, desk, overrides, message):
    response = client.post("/admin/wire/sources/new/", source_form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not WireSource.objects.exists()


def test_drop_folder_must_be_inside_the_allowed_root(client, desk, tmp_path, settings):
    (tmp_path / "drops" / "kyodo").mkdir(parents=True)
    settings.KISHA_WIRE_DROP_ROOT = str(tmp_path / "drops")
    response = client.post("/admin/wire/sources/new/", source_form(url="", drop_folder="/etc"))
    assert "の中に置いてください" in response.content.decode()
    escape = str(tmp_path / "drops" / ".." / "drops-evil")
    response = client.post("/admin/wire/sources/new/", source_form(url="", drop_folder=escape))
    assert "の中に置いてください" in response.content.decode()
    inside = str(tmp_path / "drops" / "kyodo")
    response = client.post("/admin/wire/sources/new/", source_form(url="", drop_folder=inside))
    assert response.status_code == 302
    assert WireSource.objects.get().drop_folder == inside


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/feed", "公開されていないアドレス"),
        ("http://169.254.169.254/latest/meta-data/", "公開されていないアドレス"),
        ("http://[::1]:8000/", "公開されていないアドレス"),
        ("http://localhost/feed", "公開されていないアドレス"),
        ("ftp://example.com/feed", "http(s) の公開アドレスだけ"),
        ("file:///etc/passwd", "URLを正しく入力してください"),
    ],
)
def test_feed_urls_the_fetcher_would_refuse_are_refused_on_save(client, desk, url, reason):
    response = client.post("/admin/wire/sources/new/", source_form(url=url))
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not WireSource.objects.exists()


def test_poll_now_reports_counts_and_errors(
    client, desk, source, local_server: LocalServer, settings
):
    settings.KISHA_WIRE_ALLOW_PRIVATE_FETCH = True
    local_server.routes["/f.json"] = lambda r: respond(
        r, 200, ninjs_batch(ninjs_item("urn:p")), {"Content-Type": "application/json"}
    )
    WireSource.objects.filter(pk=source.pk).update(url=local_server.url("/f.json"))
    html = client.post(f"/admin/wire/sources/poll/{source.pk}/", follow=True).content.decode()
    assert "新規 1件" in html and "最近の取り込み" in html
    WireSource.objects.filter(pk=source.pk).update(url=local_server.url("/missing"))
    html = client.post(f"/admin/wire/sources/poll/{source.pk}/", follow=True).content.decode()
    assert "取得に失敗しました" in html and "HTTP 404" in html
    assert client.get(f"/admin/wire/sources/edit/{source.pk}/").status_code == 200


def test_run_log_lists_runs_and_shows_entry_errors(client, desk, source):
    wire_ingest_bytes(
        source=source,
        data=ninjs_batch(ninjs_item("urn:ok"), {"uri": "urn:bad", "type": "text", "urgency": 12}),
    )
    run = WireIngestRun.objects.get()
    assert "一部エラー" in client.get("/admin/wire/runs/").content.decode()
    html = client.get(f"/admin/wire/runs/inspect/{run.pk}/").content.decode()
    assert "urn:bad" in html
    assert client.get("/admin/wire/runs/new/").status_code in (302, 403)
    assert client.post(f"/admin/wire/runs/edit/{run.pk}/", {"message": "x"}).status_code in (
        302,
        403,
    )


def test_promotion_needs_permission_to_add_pages_in_the_items_section(
    client, django_user_model, items, business, world
):
    from wagtail.models import GroupPagePermission

    user = django_user_model.objects.create_user("wiredesk", "w@example.com", "pw")
    group = Group.objects.create(name="wire desk")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="wire", codename__endswith="wireitem"),
    )
    add_page = Permission.objects.get(codename="add_page")
    GroupPagePermission.objects.create(group=group, page=world, permission=add_page)
    user.groups.add(group)
    client.force_login(user)
    in_business, in_world = items["urn:1"], items["urn:2"]
    assert client.get("/admin/wire/items/").status_code == 200
    client.post(f"/admin/wire/items/promote/{in_business.pk}/")
    assert not ArticlePage.objects.exists()  # may not write in ビジネス
    response = client.post(f"/admin/wire/items/promote/{in_world.pk}/")
    page = ArticlePage.objects.get()
    assert response["Location"] == f"/admin/pages/{page.pk}/edit/" and page.owner == user
