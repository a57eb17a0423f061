"""The ticker slot, the breaking banner, the fragments a script refreshes and the /sokuho/ page."""

from __future__ import annotations

import datetime as dt

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kisha.core.text import JST, display_width
from kisha.wire.models import BannerState, WireItem
from kisha.wire.selectors import TICKER_WIDTH, banner_item, ticker_items, wire_listing
from kisha.wire.services import wire_ingest_bytes, wire_item_set_banner
from tests.html import unphrase
from tests.wire.conftest import ninjs_batch, ninjs_item

pytestmark = pytest.mark.django_db

LONG = "米大統領、北朝鮮の非核化をめぐる首脳会談の日程を来週にも発表する見通しと政府高官が明らかに"


def ingest(source, *items):
    return wire_ingest_bytes(source=source, data=ninjs_batch(*items))


def at(minutes_ago: int) -> str:
    return (timezone.now() - dt.timedelta(minutes=minutes_ago)).isoformat()


def test_ticker_on_every_page_shows_label_jst_time_and_cut_headline(client, source, article):
    when = dt.datetime(2026, 11, 26, 6, 5, tzinfo=dt.UTC)  # 15:05 JST
    ingest(
        source,
        ninjs_item("urn:1", headline=LONG, versioncreated=when.isoformat()),
        ninjs_item(
            "urn:2",
            headline="日経平均が反発",
            subjects=[{"code": "subj:04000000"}],
            versioncreated=(when - dt.timedelta(minutes=1)).isoformat(),
        ),
    )
    for url in ("/", article.url):
        html = client.get(url).content.decode()
        assert 'id="wire-ticker"' in html and "ニュース速報" in html
    cards = ticker_items()
    assert [c.section_label for c in cards] == ["ワールド", "ビジネス"]
    # The ticker covers 48 hours: a time of another day (JST) carries its date.
    today = timezone.localdate(timezone.now(), timezone=JST) == dt.date(2026, 11, 26)
    assert cards[0].time_label == ("15:05" if today else "11/26 15:05")
    assert cards[0].short_headline.endswith("…")
    assert display_width(cards[0].short_headline) <= TICKER_WIDTH
    # Set by phrase: the text is there with <wbr> between phrases.
    assert f'title="{LONG}"' in html
    assert cards[0].short_headline in unphrase(html)
    assert "wire/ticker.js" in html and "wire/wire.css" in html


def test_no_items_no_ticker(client, home):
    assert 'id="wire-ticker"' not in client.get("/").content.decode()


def test_the_ticker_is_cached_and_refreshed_by_ingest(client, source, home):
    ingest(source, ninjs_item("urn:1", headline="一本目"))
    assert "一本目" in client.get("/fragments/ticker/").content.decode()
    # Cached: a change that bypasses services is not seen until the fragment expires...
    WireItem.objects.update(headline="書き換え")
    assert "一本目" in client.get("/fragments/ticker/").content.decode()
    # ...while an ingest drops the cached fragment at once.
    ingest(source, ninjs_item("urn:2", headline="二本目"))
    html = client.get("/fragments/ticker/").content.decode()
    assert "二本目" in html and "書き換え" in html


def test_fragment_endpoints_are_cacheable_for_at_most_a_minute(client, source):
    ingest(source, ninjs_item("urn:1", urgency=1, versioncreated=at(1)))
    for url in ("/fragments/ticker/", "/fragments/banner/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "public" in response["Cache-Control"]
        max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
        assert 0 < max_age <= 60
        assert client.post(url).status_code == 405


def test_urgent_items_raise_the_banner_and_editors_steer_it(client, source, home):
    ingest(
        source,
        ninjs_item("urn:calm", urgency=5, headline="通常のニュース", versioncreated=at(1)),
        ninjs_item("urn:urgent", urgency=1, headline="大地震発生", versioncreated=at(2)),
    )
    html = client.get("/").content.decode()
    assert 'id="wire-banner"' in html and "大地震発生" in html
    urgent = WireItem.objects.get(guid="urn:urgent")
    wire_item_set_banner(item=urgent, state=BannerState.DISMISSED)
    assert banner_item() is None
    assert 'id="wire-banner"' not in client.get("/").content.decode()

    calm = WireItem.objects.get(guid="urn:calm")
    wire_item_set_banner(item=calm, state=BannerState.PINNED)
    assert banner_item().headline == "通常のニュース"
    wire_item_set_banner(item=urgent, state=BannerState.PINNED)  # one pin at a time
    calm.refresh_from_db()
    assert calm.banner == BannerState.AUTO and banner_item().headline == "大地震発生"
    with pytest.raises(ValueError):
        wire_item_set_banner(item=urgent, state="bogus")


def test_old_urgent_items_do_not_hold_the_banner(source, settings):
    settings.KISHA_WIRE_BANNER_HOURS = 1
    ingest(source, ninjs_item("urn:old", urgency=1, versioncreated=at(120)))
    assert banner_item() is None


def test_listing_page_groups_recent_items_by_section(client, source, world, business):
    ingest(
        source,
        ninjs_item("urn:w", headline="ワールドの話", versioncreated=at(5)),
        ninjs_item(
            "urn:b",
            headline="ビジネスの話",
            subjects=[{"code": "subj:04000000"}],
            versioncreated=at(6),
        ),
        ninjs_item("urn:old", headline="三日前の話", versioncreated=at(60 * 72)),
        ninjs_item("urn:x", headline="取消の話", pubstatus="canceled", versioncreated=at(7)),
    )
    response = client.get("/sokuho/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>ニュース速報 |" in html
    html = html.split('class="layout__main"')[1].split("</main>")[0]  # not the sidebar ticker
    html = unphrase(html)  # headlines are set by phrase
    assert html.index("ワールドの話") < html.index("ビジネスの話")
    assert "三日前の話" not in html and "取消の話" not in html
    assert [group.label for group in wire_listing()] == ["ワールド", "ビジネス"]


def test_items_without_a_live_section_are_listed_under_sonota(client, db, home):
    from kisha.wire.models import WireSource

    bare = WireSource.objects.create(name="AP", format="ninjs")
    ingest(bare, ninjs_item("urn:n", headline="分類なし", versioncreated=at(1)))
    assert [group.label for group in wire_listing()] == ["その他"]
    assert "分類なし" in client.get("/sokuho/").content.decode()


def test_a_promoted_live_article_is_linked_from_the_ticker(source, article):
    ingest(source, ninjs_item("urn:p", versioncreated=at(1)))
    WireItem.objects.update(article=article)
    (card,) = ticker_items()
    assert card.url == article.url == card.article_url


@pytest.mark.parametrize("selector", ["ticker", "listing", "banner"])
def test_reads_cost_a_fixed_number_of_queries(source, article, selector):
    def run():
        if selector == "ticker":
            return ticker_items(limit=50)
        if selector == "listing":
            return wire_listing()
        return banner_item()

    def count() -> int:
        run()  # warm the section and site-root caches
        with CaptureQueriesContext(connection) as queries:
            run()
        return len(queries)

    ingest(source, *[ninjs_item(f"urn:a{n}", urgency=1, versioncreated=at(n)) for n in range(3)])
    WireItem.objects.filter(guid="urn:a0").update(article=article)
    few = count()
    ingest(source, *[ninjs_item(f"urn:b{n}", urgency=1, versioncreated=at(n)) for n in range(40)])
    WireItem.objects.filter(guid__startswith="urn:b1").update(article=article)
    assert count() == few <= 2


def test_a_ticker_entry_without_an_article_leads_to_the_items_own_page(client, source):
    ingest(
        source,
        ninjs_item(
            "urn:own",
            headline="ｽﾏｰﾄﾌｫﾝで動く小型ＡＩ、提供開始",
            versioncreated=at(3),
            byline="ジョン・スミス",
            bodies=[
                {
                    "role": "main",
                    "contenttype": "text/html",
                    "value": "<p>本文の一段落目。</p><script>x()</script>",
                }
            ],
        ),
    )
    (card,) = ticker_items()
    item = WireItem.objects.get()
    assert card.url == f"/sokuho/{item.id}/" and card.article_url == ""
    assert f'href="/sokuho/{item.id}/"' in client.get("/fragments/ticker/").content.decode()
    response = client.get(card.url)
    assert response.status_code == 200
    html = response.content.decode().split('class="layout__main"')[1].split("</main>")[0]
    # The text in house style, its source, credit, byline and full JST time; no agency script.
    assert "スマートフォンで動く小型AI" in unphrase(html)
    assert "本文の一段落目。" in html and "<script>x()" not in html
    assert "（ロイター）" in html and "ジョン・スミス" in html
    assert "年" in html and "時" in html and "分" in html
    assert "wire" in response.get("xkey", "wire")
    # The listing links each item to its page as well.
    assert f'href="/sokuho/{item.id}/"' in client.get("/sokuho/").content.decode()


@pytest.mark.parametrize("path", ["/sokuho/999999/", "/sokuho/0/", "/sokuho/abc/", "/sokuho/-1/"])
def test_unknown_item_pages_are_404(client, source, path):
    assert client.get(path).status_code == 404


def test_withheld_and_embargoed_items_have_no_page(client, source):
    future = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    ingest(
        source,
        ninjs_item("urn:gone", pubstatus="withheld", versioncreated=at(1)),
        ninjs_item("urn:later", versioncreated=at(1), embargoed=future),
    )
    for item in WireItem.objects.all():
        assert client.get(f"/sokuho/{item.id}/").status_code == 404


def test_the_item_page_refuses_writes(client, source):
    ingest(source, ninjs_item("urn:w", versioncreated=at(1)))
    item = WireItem.objects.get()
    assert client.post(f"/sokuho/{item.id}/").status_code == 405
