"""Pictures: downloaded after the text through the SSRF-safe fetcher, checked (type, size,
pixels), stored as KishaImages with the agency credit, deduplicated by agency id and content,
and carried into the 記事化 draft with the credit in the reference format."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from kisha.core.models import KishaImage
from kisha.wire.models import WireIngestError, WireItem, WirePicture
from kisha.wire.pictures import check_image, download_pending, split_credit
from kisha.wire.services import wire_ingest_bytes, wire_item_promote
from tests.wire.conftest import LocalServer, respond
from tests.wire.test_packages import MAIN, message, package, picture_item, text_item

pytestmark = pytest.mark.django_db


def jpeg(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width×height: what a decompression bomb looks like."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0"))


@pytest.fixture
def picture_server(local_server: LocalServer, settings):
    settings.KISHA_WIRE_ALLOW_PRIVATE_FETCH = True
    settings.KISHA_WIRE_DOWNLOAD_PICTURES = True
    routes = {
        "/red.jpg": (jpeg("red"), "image/jpeg"),
        "/red-again.jpg": (jpeg("red"), "image/jpeg"),
        "/blue.jpg": (jpeg("blue"), "image/jpeg"),
        "/page.jpg": (b"<html><body>not a picture</body></html>", "image/jpeg"),
        "/page.html": (b"<html></html>", "text/html"),
        "/bomb.png": (png_header_only(60_000, 60_000), "image/png"),
        "/big.jpg": (jpeg("green", (400, 400)), "image/jpeg"),
        "/doc.pdf": (b"%PDF-1.4\n", "application/octet-stream"),
    }
    for path, (body, kind) in routes.items():
        local_server.routes[path] = lambda r, body=body, kind=kind: respond(
            r, 200, body, {"Content-Type": kind}
        )

    def huge(handler) -> None:
        # Claims 2 GB and streams until the client gives up: the cap must stop it early.
        handler.send_response(200)
        handler.send_header("Content-Type", "image/jpeg")
        handler.send_header("Content-Length", str(2 * 1024**3))
        handler.end_headers()
        block = b"\xff" * 65536
        for _ in range(2000):
            handler.wfile.write(block)

    local_server.routes["/huge.jpg"] = huge
    return local_server


@pytest.fixture
def ingest(django_capture_on_commit_callbacks):
    """Ingest and run what waits for the commit (the download task, immediate in tests)."""

    def run(source, *items: str, data: bytes | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            return wire_ingest_bytes(source=source, data=data or message(*items), origin="test")

    return run


def test_text_is_stored_before_any_picture_is_fetched(
    g2_source, picture_server, django_capture_on_commit_callbacks
):
    pictures = [
        picture_item(f"urn:pic:{n}", href=picture_server.url(path))
        for n, path in ((1, "/red.jpg"), (2, "/blue.jpg"), (3, "/red-again.jpg"))
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        summary = wire_ingest_bytes(
            source=g2_source,
            data=message(text_item("urn:story"), *pictures, package("urn:pkg", MAIN)),
        )
    # The ingest is done, its text readable, and nothing has been requested from the picture
    # server yet: the download is a task queued for after the commit.
    assert summary.ingested == 5 and WireItem.objects.filter(guid="urn:story").exists()
    assert picture_server.requests == [] and len(callbacks) == 1
    assert set(WirePicture.objects.values_list("download", flat=True)) == {"pending"}
    callbacks[0]()  # the task (immediate backend in tests)
    assert sorted(path for path, _ in picture_server.requests) == [
        "/blue.jpg",
        "/red-again.jpg",
        "/red.jpg",
    ]
    # Three pictures, two distinct files: one image per content.
    assert KishaImage.objects.count() == 2
    rows = {p.guid: p for p in WirePicture.objects.all()}
    assert {p.download for p in rows.values()} == {"ok"}
    assert rows["urn:pic:1"].image_id == rows["urn:pic:3"].image_id != rows["urn:pic:2"].image_id
    image = rows["urn:pic:1"].image
    assert (image.credit_agency, image.credit_photographer) == ("サンプル通信", "写真部")
    assert image.credit_text.endswith("サンプル通信/写真部)")
    assert image.default_alt_text == "説明 urn:pic:1" and image.width == 64


def test_an_unchanged_picture_is_not_fetched_again(ingest, g2_source, picture_server):
    item = picture_item("urn:pic:1", href=picture_server.url("/red.jpg"))
    ingest(g2_source, item)
    ingest(g2_source, item)
    assert len(picture_server.requests) == 1
    # A new version pointing at another file is fetched again.
    ingest(g2_source, picture_item("urn:pic:1", version="2", href=picture_server.url("/blue.jpg")))
    assert [path for path, _ in picture_server.requests] == ["/red.jpg", "/blue.jpg"]
    assert WirePicture.objects.get().image.file_hash != ""


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/page.jpg", "画像として読めません"),
        ("/page.html", "画像ではありません (Content-Type: text/html)"),
        ("/doc.pdf", "画像として読めません"),
        ("/bomb.png", "画素数が多すぎます"),
        ("/huge.jpg", "取得できません"),
        ("/missing.jpg", "取得できません"),
    ],
)
def test_refused_pictures_keep_their_reason_and_store_nothing(
    ingest, g2_source, picture_server, settings, path, reason
):
    settings.KISHA_WIRE_PICTURE_MAX_BYTES = 1_000_000
    ingest(g2_source, picture_item("urn:pic:1", href=picture_server.url(path)))
    picture = WirePicture.objects.get()
    assert picture.download == "failed" and reason in picture.download_error
    assert picture.image is None and not KishaImage.objects.exists()
    error = WireIngestError.objects.get(guid="urn:pic:1")
    assert reason in error.message and error.run.origin == "写真の取得"


def test_pixel_limit_is_the_sites_image_rule(ingest, g2_source, picture_server, settings):
    settings.KISHA_IMAGES_MAX_PIXELS = 100_000  # the 400×400 picture is 160,000 pixels
    ingest(g2_source, picture_item("urn:pic:1", href=picture_server.url("/big.jpg")))
    assert "400×400" in WirePicture.objects.get().download_error


def test_private_addresses_are_refused_without_the_test_switch(
    ingest, g2_source, picture_server, settings
):
    settings.KISHA_WIRE_ALLOW_PRIVATE_FETCH = False
    ingest(g2_source, picture_item("urn:pic:1", href=picture_server.url("/red.jpg")))
    assert WirePicture.objects.get().download == "failed"
    assert picture_server.requests == []


def test_a_batch_at_a_time(ingest, g2_source, picture_server, settings):
    settings.KISHA_WIRE_DOWNLOAD_PICTURES = False
    ingest(
        g2_source,
        *(picture_item(f"urn:p{n}", href=picture_server.url("/red.jpg")) for n in range(3)),
    )
    assert download_pending(source_id=g2_source.pk, limit=2) == (2, 0, True)
    assert download_pending(source_id=g2_source.pk, limit=2) == (1, 0, False)
    assert KishaImage.objects.count() == 1


def test_promote_carries_pictures_in_package_order_with_credit(
    ingest, g2_source, picture_server, django_user_model
):
    pictures = [
        picture_item(f"urn:pic:{n}", href=picture_server.url(path))
        for n, path in ((1, "/red.jpg"), (2, "/blue.jpg"), (3, "/big.jpg"))
    ]
    ingest(g2_source, text_item("urn:story"), *pictures, package("urn:pkg", MAIN))
    editor = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw")
    page = wire_item_promote(item=WireItem.objects.get(guid="urn:story"), editor=editor)
    rows = {p.guid: p for p in WirePicture.objects.all()}
    assert page.hero_image_id == rows["urn:pic:1"].image_id
    assert page.hero_caption == "説明 urn:pic:1"
    figures = [block for block in page.body if block.block_type == "image"]
    assert [block.value["image"].pk for block in figures] == [
        rows["urn:pic:2"].image_id,
        rows["urn:pic:3"].image_id,
    ]
    assert figures[0].value["caption"] == "説明 urn:pic:2"
    assert page.hero_image.credit_text.startswith("(20") and "サンプル通信/写真部" in (
        page.hero_image.credit_text
    )


def test_embedded_nitf_pictures_are_downloaded_too(ingest, picture_server, db, world):
    from kisha.wire.models import WireSource
    from tests.wire.test_newsml1 import document

    source = WireSource.objects.create(name="NewsML1", format="newsml1", credit="サンプル通信")
    content = (
        "<ContentItem><MediaType FormalName='Text'/><DataContent><nitf><body><body.content>"
        f"<p>本文</p><media media-type='image'><media-reference source='{picture_server.url('/blue.jpg')}'/>"
        "<media-caption>港の写真</media-caption><media-producer>山田 撮影</media-producer></media>"
        "</body.content></body></nitf></DataContent></ContentItem>"
    )
    summary = ingest(source, data=document(content=content).encode())
    assert summary.ingested == 1  # the picture is not an item of the document
    picture = WirePicture.objects.get()
    assert picture.download == "ok" and picture.image.credit_photographer == "山田 撮影"
    item = WireItem.objects.get()
    from kisha.wire.selectors import wire_item_pictures

    (shown,) = wire_item_pictures(item=item).received
    assert shown.image == picture.image and shown.caption == "港の写真"


def test_check_image_and_split_credit_units() -> None:
    assert check_image(jpeg())[0] == "jpg"
    with pytest.raises(Exception, match="画像として読めません"):
        check_image(b"GIF89a" + b"\0" * 3)
    assert split_credit("共同通信/山田太郎", "ロイター") == ("共同通信", "山田太郎")
    assert split_credit("ロイター", "ロイター") == ("ロイター", "")
    assert split_credit("", "ロイター") == ("ロイター", "")
    assert split_credit("Jane Example", "AP") == ("AP", "Jane Example")


# --- Retries: a failure that may pass is tried again later, a final one is not ---------------


@pytest.fixture
def flaky(picture_server):
    """/flaky.jpg answers 503 `failures` times, then the picture; /down.jpg always 503."""
    state = {"failures": 1, "calls": 0, "url": picture_server.url}

    def handler(request) -> None:
        state["calls"] += 1
        if state["calls"] <= state["failures"]:
            respond(request, 503, b"busy", {"Retry-After": "60"})
        else:
            respond(request, 200, jpeg("purple"), {"Content-Type": "image/jpeg"})

    picture_server.routes["/flaky.jpg"] = handler
    picture_server.routes["/down.jpg"] = lambda r: respond(r, 503, b"down")
    return state


def _due_now(picture: WirePicture) -> None:
    """What the clock does between tries: the retry time comes."""
    from django.utils import timezone

    WirePicture.objects.filter(pk=picture.pk).update(next_attempt_at=timezone.now())


def test_a_busy_agency_server_is_tried_again_after_a_backoff(ingest, g2_source, flaky, settings):
    from django.utils import timezone

    settings.KISHA_WIRE_PICTURE_BACKOFF_SECONDS = 60
    ingest(g2_source, picture_item("urn:pic:1", href=flaky["url"]("/flaky.jpg")))
    picture = WirePicture.objects.get()
    assert picture.download == "pending" and picture.attempts == 1
    assert "HTTP 503" in picture.download_error
    wait = (picture.next_attempt_at - timezone.now()).total_seconds()
    assert 50 < wait <= 60
    error = WireIngestError.objects.get(guid="urn:pic:1")
    assert "再試行" in error.message
    # Not due yet: nothing is fetched.
    assert download_pending(source_id=g2_source.pk) == (0, 0, False)
    _due_now(picture)
    assert download_pending(source_id=g2_source.pk) == (1, 0, False)
    picture.refresh_from_db()
    assert picture.download == "ok" and picture.image is not None and picture.attempts == 2


def test_tries_stop_at_the_limit_and_the_picture_is_failed(ingest, g2_source, flaky, settings):
    settings.KISHA_WIRE_PICTURE_ATTEMPTS = 3
    ingest(g2_source, picture_item("urn:pic:1", href=flaky["url"]("/down.jpg")))
    picture = WirePicture.objects.get()
    for tries in (2, 3):
        _due_now(picture)
        download_pending(source_id=g2_source.pk)
        picture.refresh_from_db()
        assert picture.attempts == tries
    assert picture.download == "failed" and "HTTP 503" in picture.download_error
    _due_now(picture)
    assert download_pending(source_id=g2_source.pk) == (0, 0, False)


def test_a_timeout_is_tried_again_and_a_404_is_not(ingest, g2_source, picture_server, settings):
    import time

    settings.KISHA_WIRE_FETCH_TIMEOUT = 0.5

    def slow(request) -> None:
        time.sleep(2)
        respond(request, 200, jpeg(), {"Content-Type": "image/jpeg"})

    picture_server.routes["/slow.jpg"] = slow
    ingest(
        g2_source,
        picture_item("urn:pic:slow", href=picture_server.url("/slow.jpg")),
        picture_item("urn:pic:gone", href=picture_server.url("/gone.jpg")),
    )
    rows = {p.guid: p for p in WirePicture.objects.all()}
    assert rows["urn:pic:slow"].download == "pending" and rows["urn:pic:slow"].attempts == 1
    assert rows["urn:pic:gone"].download == "failed" and rows["urn:pic:gone"].attempts == 1


def test_the_periodic_job_finds_sources_due_again_and_stranded_pictures(ingest, g2_source, flaky):
    import datetime as dt

    from django.utils import timezone

    from kisha.wire.selectors import picture_sources_due
    from kisha.wire.tasks import wire_retry_pictures

    ingest(g2_source, picture_item("urn:pic:1", href=flaky["url"]("/flaky.jpg")))
    assert picture_sources_due() == []  # waiting for its retry time
    picture = WirePicture.objects.get()
    _due_now(picture)
    assert picture_sources_due() == [g2_source.pk]
    wire_retry_pictures.call()  # enqueues the batch; the immediate back end runs it
    picture.refresh_from_db()
    assert picture.download == "ok"
    # A picture a stopped worker never tried: found once it has waited a while.
    stranded = WirePicture.objects.create(
        source=g2_source,
        guid="urn:pic:stranded",
        version=1,
        url=flaky["url"]("/red.jpg"),
        received_at=timezone.now() - dt.timedelta(minutes=10),
    )
    assert picture_sources_due() == [g2_source.pk]
    wire_retry_pictures.call()
    stranded.refresh_from_db()
    assert stranded.download == "ok"


# --- Rights travel with the file into the image library --------------------------------------


def rights(terms: str = "", notice: str = "") -> str:
    """A G2 rightsInfo for picture_item."""
    parts = f"<usageTerms>{terms}</usageTerms>" if terms else ""
    parts += f"<copyrightNotice>{notice}</copyrightNotice>" if notice else ""
    return f"<rightsInfo>{parts}</rightsInfo>"


def test_a_downloaded_picture_keeps_its_rights_in_the_image(ingest, g2_source, picture_server):
    ingest(
        g2_source,
        picture_item(
            "urn:pic:1",
            href=picture_server.url("/red.jpg"),
            rights=rights("報道目的のみ。2027年3月31日まで", "© 2026 サンプル通信"),
        ),
    )
    image = WirePicture.objects.get().image
    assert image.usage_terms == "報道目的のみ。2027年3月31日まで"
    assert image.copyright_notice == "© 2026 サンプル通信"


def test_the_same_file_again_adds_its_terms_to_the_stored_image(ingest, g2_source, picture_server):
    ingest(
        g2_source,
        picture_item(
            "urn:pic:1", href=picture_server.url("/red.jpg"), rights=rights("報道目的のみ")
        ),
    )
    # The same bytes under another id and URL, with a restriction the stored image lacks.
    ingest(
        g2_source,
        picture_item(
            "urn:pic:2",
            href=picture_server.url("/red-again.jpg"),
            rights=rights("2027年3月31日まで", "© 2026 別の通信"),
        ),
    )
    # And a third time with nothing new, and once with no rights at all: nothing changes.
    ingest(
        g2_source,
        picture_item(
            "urn:pic:3", href=picture_server.url("/red.jpg?3"), rights=rights("報道目的のみ")
        ),
        picture_item("urn:pic:4", href=picture_server.url("/red.jpg?4")),
    )
    (image,) = KishaImage.objects.all()
    assert set(WirePicture.objects.values_list("image_id", flat=True)) == {image.pk}
    assert image.usage_terms == "報道目的のみ\n2027年3月31日まで"
    assert image.copyright_notice == "© 2026 別の通信"


def test_a_later_restriction_reaches_the_image_without_fetching_again(
    ingest, g2_source, picture_server
):
    href = picture_server.url("/blue.jpg")
    ingest(g2_source, picture_item("urn:pic:1", href=href, rights=rights("報道目的のみ")))
    ingest(
        g2_source,
        picture_item("urn:pic:1", version="2", href=href, rights=rights("報道目的のみ。広告不可")),
    )
    assert len(picture_server.requests) == 1
    picture = WirePicture.objects.get()
    assert picture.download == "ok" and picture.usage_terms == "報道目的のみ。広告不可"
    # The old line is contained in the new one: replaced, not repeated.
    assert picture.image.usage_terms == "報道目的のみ。広告不可"
    # A version that drops the terms: the row follows the agency, the image keeps them.
    ingest(g2_source, picture_item("urn:pic:1", version="3", href=href))
    picture.refresh_from_db()
    assert picture.usage_terms == "" and picture.image.usage_terms == "報道目的のみ。広告不可"


def test_embedded_pictures_bring_their_rights_into_the_image(ingest, source, picture_server):
    from tests.wire.conftest import ninjs_batch, ninjs_item

    story = ninjs_item("urn:story:rights", headline="山あいの集落に初雪")
    story["associations"] = [
        {
            "name": "main",
            "type": "picture",
            "headline": "雪化粧の集落",
            "by": "サンプル通信/雪野 写",
            "copyrightnotice": "© 2026 サンプル通信",
            "usageterms": "報道目的のみ",
            "renditions": [{"name": "main", "href": picture_server.url("/blue.jpg")}],
        }
    ]
    ingest(source, data=ninjs_batch(story))
    picture = WirePicture.objects.get()
    assert (picture.usage_terms, picture.copyright_notice) == (
        "報道目的のみ",
        "© 2026 サンプル通信",
    )
    assert picture.download == "ok"
    assert picture.image.usage_terms == "報道目的のみ"
    assert picture.image.credit_photographer == "雪野 写"
