"""Polling sources end to end over real HTTP on 127.0.0.1 and real drop folders, and hostile
feeds that must change nothing but the source's own error log."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from django.utils import timezone

from kisha.wire import tasks
from kisha.wire.models import WireIngestError, WireIngestRun, WireItem, WireSource
from kisha.wire.selectors import ticker_items, wire_sources_due
from kisha.wire.services import wire_ingest_bytes, wire_source_poll
from tests.wire.conftest import LocalServer, ninjs_batch, ninjs_item, respond
from tests.wire.test_xml_safety import NEWSML_BOMB, RSS_BOMB, _xxe

pytestmark = pytest.mark.django_db

RSS = """<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>速報</title>
<item><title>{title}</title><guid>urn:rss:1</guid><category>World</category>
<pubDate>Wed, 26 Nov 2026 03:00:00 GMT</pubDate><description>要約です。</description></item>
<item><title>二本目のニュース</title><guid>urn:rss:2</guid>
<pubDate>Wed, 26 Nov 2026 03:05:00 GMT</pubDate></item>
</channel></rss>"""


def rss(title: str = "日銀、金融政策を据え置き", encoding: str = "UTF-8") -> bytes:
    codec = {"UTF-8": "utf-8", "Shift_JIS": "cp932", "EUC-JP": "euc_jp"}[encoding]
    return RSS.format(title=title, encoding=encoding).encode(codec)


@pytest.fixture
def allow_loopback(settings):
    settings.KISHA_WIRE_ALLOW_PRIVATE_FETCH = True


@pytest.fixture
def feed_source(source):
    source.format = ""
    source.url = "http://feed.invalid/"
    source.save()
    return source


def state_besides_the_log(source: WireSource) -> tuple:
    source.refresh_from_db()
    return (
        list(WireItem.objects.values_list("guid", "version", "headline", "pubstatus")),
        source.etag,
        source.last_modified,
        source.folder_state,
        source.last_ok_at,
    )


def test_poll_ingests_a_feed_then_uses_a_conditional_get(
    feed_source, local_server: LocalServer, allow_loopback
):
    def handler(request):
        if request.headers.get("If-None-Match") == '"v1"':
            respond(request, 304, headers={"ETag": '"v1"'})
        else:
            respond(
                request,
                200,
                rss(),
                {"Content-Type": "application/rss+xml", "ETag": '"v1"', "Last-Modified": "x"},
            )

    local_server.routes["/feed.xml"] = handler
    feed_source.url = local_server.url("/feed.xml")
    feed_source.save()

    summary = wire_source_poll(source=feed_source)
    assert summary.ingested == 2 and not summary.failed_documents
    feed_source.refresh_from_db()
    assert feed_source.etag == '"v1"' and feed_source.last_ok_at and not feed_source.last_error
    assert "日銀、金融政策を据え置き" in [card.headline for card in ticker_items()]
    assert WireItem.objects.get(guid="urn:rss:1").section == feed_source.default_section

    WireSource.objects.filter(pk=feed_source.pk).update(last_polled_at=None)
    feed_source.refresh_from_db()
    again = wire_source_poll(source=feed_source)
    assert again.not_modified and again.ingested == 0
    assert local_server.requests[-1][1]["if-none-match"] == '"v1"'
    assert WireIngestRun.objects.order_by("-id").first().status == "not_modified"


@pytest.mark.parametrize("encoding", ["Shift_JIS", "EUC-JP"])
def test_japanese_encodings_declared_only_in_http_or_nowhere_decode_right(
    feed_source, local_server: LocalServer, allow_loopback, encoding
):
    body = rss("東京株式市場、日経平均が反発", encoding).replace(
        f' encoding="{encoding}"'.encode(), b""
    )
    content_type = "application/rss+xml" + (
        f"; charset={encoding}" if encoding == "Shift_JIS" else ""
    )
    local_server.routes["/jp.xml"] = lambda r: respond(r, 200, body, {"Content-Type": content_type})
    feed_source.url = local_server.url("/jp.xml")
    feed_source.save()
    wire_source_poll(source=feed_source)
    assert WireItem.objects.get(guid="urn:rss:1").headline == "東京株式市場、日経平均が反発"


def _serve(local_server: LocalServer, body: bytes, content_type="application/xml") -> str:
    local_server.routes["/hostile"] = lambda r: respond(
        r, 200, body, {"Content-Type": content_type}
    )
    return local_server.url("/hostile")


HOSTILE = {
    "billion-laughs-newsml": (NEWSML_BOMB, "entit"),
    "billion-laughs-rss": (RSS_BOMB, "entit"),
    "xxe": (
        _xxe(
            '<rss version="2.0"><channel><item><title>&xxe;</title><guid>x</guid></item>'
            "</channel></rss>"
        ),
        "entit",
    ),
    "not-a-feed": (b"<html><body>hello</body></html>", "形式を判別できません"),
    "truncated-json": (b'[{"uri": "urn:x", "type": "te', "ninjs"),
    # The same 2,000 random bytes every run (no { or [ that could start JSON), and a NUL.
    "binary-garbage": (
        random.Random(2026).randbytes(2000).replace(b"{", b"").replace(b"[", b"") + b"\x00",
        "形式を判別できません / unknown document format",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_feeds_change_nothing_but_the_error_log(
    feed_source, local_server: LocalServer, allow_loopback, name
):
    # A good item already ingested: it must survive, untouched, on the ticker.
    wire_ingest_bytes(source=feed_source, data=ninjs_batch(ninjs_item("urn:keep")), format="ninjs")
    body, expected = HOSTILE[name]
    feed_source.url = _serve(local_server, body)
    feed_source.etag = '"old"'
    feed_source.save()
    before = state_besides_the_log(feed_source)
    errors_before = WireIngestError.objects.count()

    started = time.monotonic()
    summary = wire_source_poll(source=feed_source)
    assert time.monotonic() - started < 2
    assert summary.failed_documents == 1
    assert state_besides_the_log(feed_source) == before
    assert WireIngestError.objects.count() == errors_before + 1
    error = WireIngestError.objects.order_by("-id").first()
    assert error.position is None and expected in error.message
    assert feed_source.last_error and feed_source.last_error_at
    assert [card.headline for card in ticker_items()] == ["見出し urn:keep 第1版"]


def test_an_oversized_feed_is_refused(feed_source, local_server, allow_loopback, settings):
    settings.KISHA_WIRE_MAX_BYTES = 10_000
    feed_source.url = _serve(local_server, rss() + b"<!--" + b"x" * 20_000 + b"-->")
    feed_source.save()
    before = state_besides_the_log(feed_source)
    summary = wire_source_poll(source=feed_source)
    assert summary.failed_documents == 1 and "cap" in summary.message
    assert state_besides_the_log(feed_source) == before


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/feed",
        "http://2130706433/feed",
        "http://0177.0.0.1/feed",
        "http://[::ffff:127.0.0.1]/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://10.0.0.1/",
        "file:///etc/passwd",
        "gopher://example.com/",
    ],
)
def test_an_ssrf_url_on_a_source_is_refused_and_logged(feed_source, url):
    WireSource.objects.filter(pk=feed_source.pk).update(url=url)
    feed_source.refresh_from_db()
    before = state_besides_the_log(feed_source)
    summary = wire_source_poll(source=feed_source)
    assert summary.failed_documents == 1
    assert state_besides_the_log(feed_source) == before
    assert WireIngestError.objects.filter(source=feed_source).count() == 1


def test_http_errors_are_logged(feed_source, local_server, allow_loopback):
    local_server.routes["/500"] = lambda r: respond(r, 500, b"oops")
    feed_source.url = local_server.url("/500")
    feed_source.save()
    summary = wire_source_poll(source=feed_source)
    assert "HTTP 500" in summary.message
    feed_source.refresh_from_db()
    assert "HTTP 500" in feed_source.last_error


def test_drop_folder_ingests_each_file_once_and_again_when_it_changes(source, tmp_path: Path):
    source.drop_folder = str(tmp_path)
    source.save()
    (tmp_path / "a.json").write_bytes(ninjs_batch(ninjs_item("urn:a"), ninjs_item("urn:b")))
    (tmp_path / "b.json.part").write_bytes(b"[{")  # still being written
    (tmp_path / ".hidden.json").write_bytes(b"[{")
    (tmp_path / "link.json").symlink_to("/etc/passwd")
    (tmp_path / "broken.json").write_bytes(b"{not json")

    summary = wire_source_poll(source=source)
    assert (summary.ingested, summary.failed_documents) == (2, 1)
    assert WireIngestRun.objects.count() == 2

    WireSource.objects.filter(pk=source.pk).update(last_polled_at=None)
    source.refresh_from_db()
    assert wire_source_poll(source=source).ingested == 0
    assert WireIngestRun.objects.count() == 2  # nothing re-read

    (tmp_path / "a.json").write_bytes(ninjs_batch(ninjs_item("urn:a", 2)))
    WireSource.objects.filter(pk=source.pk).update(last_polled_at=None)
    source.refresh_from_db()
    assert wire_source_poll(source=source).updated == 1


def test_a_vanished_drop_folder_is_an_error(source, tmp_path):
    WireSource.objects.filter(pk=source.pk).update(drop_folder=str(tmp_path / "gone"))
    source.refresh_from_db()
    summary = wire_source_poll(source=source)
    assert summary.failed_documents == 1 and "存在しません" in summary.message


def test_concurrent_polls_of_one_source_run_once(source, tmp_path):
    source.drop_folder = str(tmp_path)
    source.save()
    stale = WireSource.objects.get(pk=source.pk)
    wire_source_poll(source=source)
    assert "another worker" in wire_source_poll(source=stale).message


def test_the_periodic_task_polls_only_due_sources(source, tmp_path, local_server, allow_loopback):
    local_server.routes["/f"] = lambda r: respond(r, 200, rss(), {"Content-Type": "text/xml"})
    due = WireSource.objects.create(name="due", url=local_server.url("/f"), poll_interval=60)
    recent = WireSource.objects.create(
        name="recent", url=local_server.url("/f"), last_polled_at=timezone.now()
    )
    WireSource.objects.create(name="off", url=local_server.url("/f"), enabled=False)
    assert set(wire_sources_due()) == {due.pk}  # `source` has neither URL nor folder
    result = tasks.wire_poll_due_sources.enqueue()
    assert result.return_value == 1
    assert WireItem.objects.filter(source=due).count() == 2
    assert not WireItem.objects.filter(source=recent).exists()


def test_the_scheduler_knows_the_wire_task():
    from kisha.core.management.commands.kisha_scheduler import periodic_tasks

    assert periodic_tasks()["kisha.wire.tasks.wire_poll_due_sources"] <= 60


def test_relative_item_links_resolve_against_the_feed_url(
    feed_source, local_server: LocalServer, allow_loopback
):
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>relative</title><link>/news/1.html</link>"
        b'<guid isPermaLink="false">g1</guid></item></channel></rss>'
    )
    local_server.routes["/feeds/rss.xml"] = lambda r: respond(
        r, 200, body, {"Content-Type": "application/rss+xml"}
    )
    feed_source.url = local_server.url("/feeds/rss.xml")
    feed_source.save()
    wire_source_poll(source=feed_source)
    assert WireItem.objects.get(guid="g1").link == local_server.url("/news/1.html")


@pytest.mark.parametrize(
    ("declared", "codec", "header"),
    [
        ("UTF-8", "cp932", "application/rss+xml"),  # declared UTF-8, sent as Shift_JIS
        ("x-no-such-codec", "euc_jp", "application/rss+xml"),  # a codec that does not exist
        ("Shift_JIS", "utf-8", "text/xml; charset=bogus"),  # declaration and header both wrong
    ],
)
def test_wrongly_declared_encodings_still_decode_right(
    feed_source, local_server: LocalServer, allow_loopback, declared, codec, header
):
    title = "台風10号、九州に上陸へ"
    body = RSS.format(title=title, encoding=declared).encode(codec)
    local_server.routes["/enc.xml"] = lambda r: respond(r, 200, body, {"Content-Type": header})
    feed_source.url = local_server.url("/enc.xml")
    feed_source.save()
    summary = wire_source_poll(source=feed_source)
    assert not summary.failed_documents, summary.message
    assert WireItem.objects.get(guid="urn:rss:1").headline == title


def test_undecodable_bytes_in_json_are_ingested_not_crashed_on(
    feed_source, local_server, allow_loopback
):
    body = b'[{"uri": "urn:x", "type": "text", "headline": "\xff\xfe\x80 broken"}]'
    local_server.routes["/bad.json"] = lambda r: respond(
        r, 200, body, {"Content-Type": "application/json; charset=utf-8"}
    )
    feed_source.url = local_server.url("/bad.json")
    feed_source.save()
    summary = wire_source_poll(source=feed_source)
    # Not UTF-8 despite the header: decoded by the Japanese fallback instead of lost or crashing.
    assert summary.ingested == 1 and not summary.failed_documents
    assert WireItem.objects.get(guid="urn:x").headline.endswith("broken")


def test_old_runs_are_pruned_but_items_kept(source):
    import datetime as dt

    from kisha.wire import tasks as wire_tasks

    wire_ingest_bytes(source=source, data=ninjs_batch(ninjs_item("urn:a"), {"type": "text"}))
    wire_ingest_bytes(source=source, data=ninjs_batch(ninjs_item("urn:b")))
    old = WireIngestRun.objects.order_by("id").first()
    WireIngestRun.objects.filter(pk=old.pk).update(
        started_at=timezone.now() - dt.timedelta(days=40)
    )
    assert wire_tasks.wire_prune_old_runs.enqueue().return_value == 2  # the run and its error
    assert list(WireIngestRun.objects.values_list("pk", flat=True)) != [old.pk]
    assert WireIngestRun.objects.count() == 1 and not WireIngestError.objects.exists()
    assert WireItem.objects.count() == 2


def test_old_items_are_pruned_by_setting_but_promoted_ones_kept(
    source, settings, django_user_model
):
    import datetime as dt

    from kisha.wire import tasks as wire_tasks
    from kisha.wire.models import WireItemVersion, WirePicture
    from kisha.wire.services import wire_item_promote

    images = [
        {
            "name": "p",
            "uri": "urn:p",
            "type": "picture",
            "renditions": [{"name": "main", "href": "https://img.example/p.jpg"}],
        }
    ]
    wire_ingest_bytes(
        source=source,
        data=ninjs_batch(
            ninjs_item("urn:old"),
            ninjs_item("urn:promoted"),
            ninjs_item("urn:new", associations=images),
        ),
    )
    editor = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw")
    wire_item_promote(item=WireItem.objects.get(guid="urn:promoted"), editor=editor)
    long_ago = timezone.now() - dt.timedelta(days=400)
    WireItem.objects.exclude(guid="urn:new").update(item_time=long_ago)
    # Off by default: nothing goes.
    assert wire_tasks.wire_prune_old_items.enqueue().return_value == 0
    settings.KISHA_WIRE_ITEM_DAYS = 365
    assert wire_tasks.wire_prune_old_items.enqueue().return_value == 1
    assert sorted(WireItem.objects.values_list("guid", flat=True)) == ["urn:new", "urn:promoted"]
    assert not WireItemVersion.objects.filter(item__guid="urn:old").exists()
    assert WirePicture.objects.count() == 1  # updated recently: kept
    WirePicture.objects.update(updated_at=long_ago)
    wire_tasks.wire_prune_old_items.enqueue()
    assert not WirePicture.objects.exists()
