"""Decompression bombs are refused at upload, a new rendition is built once across workers, and
an image's rights (利用条件, 著作権表示) are merged without loss and shown where it is chosen."""

import io
import json
import struct
import threading
import zlib

import pytest
from PIL import Image

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from wagtail.models import Collection

from kisha.core.images import copyright_notice_merged, image_rights_add, usage_terms_merged
from kisha.core.models import USAGE_TERMS_MAX, KishaImage
from kisha.news.factories import KishaImageFactory
from tests.logs import warnings_of

SIDE = 11_000  # 121 million pixels, three times KISHA_IMAGES_MAX_PIXELS


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb() -> bytes:
    """A valid PNG header for an 11,000 × 11,000 1-bit image with a few bytes of data."""
    header = struct.pack(">IIBBBBB", SIDE, SIDE, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 2000, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def jpeg_bomb() -> bytes:
    """A tiny real JPEG whose SOF header is rewritten to claim 11,000 × 11,000."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG", quality=10)
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", SIDE, SIDE)
    return bytes(data)


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("photo", "photo@example.com", "pw")
    client.force_login(user)
    return user


@pytest.mark.parametrize(("name", "make"), [("bomb.png", png_bomb), ("bomb.jpg", jpeg_bomb)])
def test_the_add_image_form_refuses_too_many_pixels_in_japanese(client, editor, name, make):
    data = make()
    assert len(data) < 4000  # tiny on disk, 121 million pixels once decoded
    upload = SimpleUploadedFile(name, data, content_type="image/png")
    response = client.post("/admin/images/add/", {"title": "爆弾", "file": upload})
    assert response.status_code == 200  # the form again, with the error
    html = response.content.decode()
    assert "画素数が多すぎます" in html and "40000000画素以下" in html
    assert not KishaImage.objects.exists()


@pytest.mark.parametrize(("name", "make"), [("bomb.png", png_bomb), ("bomb.jpg", jpeg_bomb)])
def test_the_multiple_upload_refuses_too_many_pixels(client, editor, name, make):
    upload = SimpleUploadedFile(name, make(), content_type="image/jpeg")
    response = client.post(
        "/admin/images/multiple/add/",
        {"files[]": upload},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    body = json.loads(response.content)
    assert body["success"] is False and "画素数が多すぎます" in body["error_message"]
    assert not KishaImage.objects.exists()


def test_an_ordinary_photo_is_still_accepted(client, editor):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), "navy").save(buffer, "JPEG")
    upload = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post("/admin/images/add/", {"title": "会見", "file": upload})
    assert response.status_code == 302
    assert KishaImage.objects.get().width == 1600


def test_pillow_refuses_to_decode_above_the_limit_too():
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(png_bomb()))


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_a_new_rendition_build_it_once(monkeypatch):
    # Committed rows, so the threads' own connections see the image; an earlier transactional
    # test's flush may have removed the root collection that a migration made.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    image = KishaImageFactory()
    builds: list[str] = []
    original = KishaImage.generate_rendition_file

    def counting_build(self, filter, *, source=None):
        builds.append(filter.spec)
        threading.Event().wait(0.3)  # a real build takes a while; keep the others waiting
        return original(self, filter, source=source)

    monkeypatch.setattr(KishaImage, "generate_rendition_file", counting_build)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def ask():
        try:
            own = KishaImage.objects.get(pk=image.pk)
            barrier.wait()
            results.append(own.get_rendition("fill-320x180|format-webp").pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert builds == ["fill-320x180|format-webp"]
    assert len(set(results)) == 1 and image.renditions.count() == 1


@pytest.mark.django_db
def test_a_broken_cache_means_building_without_a_lock(monkeypatch):
    image = KishaImageFactory()

    def unavailable(*args, **kwargs):
        raise ConnectionError("cache down")

    # Only the lock's call fails: Wagtail's own rendition cache shares the default cache.
    monkeypatch.setattr(cache, "add", unavailable)
    rendition = image.get_rendition("fill-100x100")
    assert rendition.width == 100


@pytest.mark.django_db
def test_a_dead_redis_cache_means_building_at_once(settings, own_redis):
    """The Redis cache answers a failed `add` with None (a miss), not False: the request must
    build the rendition, not wait for a builder that does not exist."""
    import time

    from kisha.core.cache import _breakers

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "kisha.core.cache.ResilientRedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        },
    }
    image = KishaImageFactory()
    own_redis.kill()
    try:
        started = time.monotonic()
        rendition = image.get_rendition("fill-100x100")
        elapsed = time.monotonic() - started
    finally:
        _breakers.pop(own_redis.url, None)
    assert rendition.width == 100
    # Waiting for a lock holder would take RENDITION_WAIT_SECONDS (10 s).
    assert elapsed < 5, elapsed


# --- Rights: kept with the file, merged and never lost, shown where an image is chosen --------

TERMS = "報道目的のみ。2027年3月31日まで"


def test_usage_terms_merge_adds_what_is_new_once() -> None:
    assert usage_terms_merged("", "報道目的のみ") == "報道目的のみ"
    assert usage_terms_merged("報道目的のみ", "") == "報道目的のみ"
    assert usage_terms_merged("報道目的のみ", "報道目的のみ") == "報道目的のみ"
    # Another spacing of the same words is the same statement.
    assert usage_terms_merged("報道目的のみ　広告不可", "報道目的のみ 広告不可") == (
        "報道目的のみ　広告不可"
    )
    assert usage_terms_merged("報道目的のみ", "広告不可") == "報道目的のみ\n広告不可"
    # A line the new one repeats word for word gives way to it; nothing else is dropped.
    assert usage_terms_merged("報道目的のみ\n広告不可", TERMS) == f"広告不可\n{TERMS}"
    assert usage_terms_merged(TERMS, "報道目的のみ") == TERMS


def test_copyright_notices_merge_without_repeating() -> None:
    assert copyright_notice_merged("", "© 2026 キシャ通信") == "© 2026 キシャ通信"
    assert copyright_notice_merged("© 2026 キシャ通信", "© 2026 キシャ通信") == "© 2026 キシャ通信"
    assert copyright_notice_merged("キシャ通信", "© 2026 キシャ通信") == "© 2026 キシャ通信"
    assert copyright_notice_merged("© 2026 キシャ通信", "© 2026 峠写真館") == (
        "© 2026 キシャ通信 / © 2026 峠写真館"
    )


@pytest.mark.django_db
def test_image_rights_add_only_adds_and_refuses_what_does_not_fit() -> None:
    image = KishaImageFactory(usage_terms="報道目的のみ")
    assert image_rights_add(image=image, usage_terms="広告不可", copyright_notice="© 2026 キシャ")
    image.refresh_from_db()
    assert (image.usage_terms, image.copyright_notice) == (
        "報道目的のみ\n広告不可",
        "© 2026 キシャ",
    )
    assert not image_rights_add(image=image, usage_terms="広告不可")
    assert not image_rights_add(image=image)
    # Past the field's room the image keeps what it has (the wire picture keeps its own terms).
    with warnings_of("kisha.core.images") as warnings:
        assert not image_rights_add(image=image, usage_terms="条" * USAGE_TERMS_MAX)
    image.refresh_from_db()
    assert image.usage_terms == "報道目的のみ\n広告不可"
    assert warnings == [f"image {image.pk}: usage terms not added (too long)"]


@pytest.mark.django_db
def test_the_edit_page_shows_the_terms_and_saves_them(client, editor):
    image = KishaImageFactory(title="峠の紅葉", usage_terms=TERMS, copyright_notice="© 2026 キシャ")
    url = f"/admin/images/{image.pk}/"
    html = client.get(url).content.decode()
    assert "data-kisha-image-rights-notice" in html and "この画像には利用条件があります" in html
    assert TERMS in html and "© 2026 キシャ" in html
    assert 'name="usage_terms"' in html and "利用条件" in html and "著作権表示" in html
    response = client.post(
        url,
        {
            "title": "峠の紅葉",
            "collection": image.collection_id,
            "tags": "",
            "credit_year": 2019,
            "credit_agency": "ロイター",
            "credit_photographer": "",
            "default_alt_text": "",
            "copyright_notice": "© 2026 峠写真館",
            "usage_terms": "二次利用不可",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image.refresh_from_db()
    assert (image.usage_terms, image.copyright_notice) == ("二次利用不可", "© 2026 峠写真館")
    # Cleared by the editor: the notice above the form goes too.
    plain = KishaImageFactory(title="空")
    assert (
        "data-kisha-image-rights-notice"
        not in client.get(f"/admin/images/{plain.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_the_edit_form_refuses_terms_longer_than_the_field(client, editor):
    image = KishaImageFactory(title="長い条件")
    response = client.post(
        f"/admin/images/{image.pk}/",
        {
            "title": "長い条件",
            "collection": image.collection_id,
            "credit_year": 2019,
            "credit_agency": "ロイター",
            "usage_terms": "条" * (USAGE_TERMS_MAX + 1),
        },
    )
    assert response.status_code == 200  # the form again, with the error
    image.refresh_from_db()
    assert image.usage_terms == ""


@pytest.mark.django_db
def test_the_library_and_the_chooser_show_the_terms(client, editor):
    restricted = KishaImageFactory(title="峠の紅葉", usage_terms=TERMS)
    KishaImageFactory(title="制限なし")
    pages = {
        "/admin/images/": client.get("/admin/images/").content.decode(),
        "/admin/images/?layout=list": client.get("/admin/images/?layout=list").content.decode(),
        # The chooser modal answers JSON with its HTML inside.
        "/admin/images/chooser/": client.get("/admin/images/chooser/").json()["html"],
        "/admin/images/chooser/?layout=list": client.get(
            "/admin/images/chooser/?layout=list"
        ).json()["html"],
    }
    for url, html in pages.items():
        assert html.count("data-kisha-image-rights") == 1, url
        assert "報道目的のみ" in html, url
    # What the modal answers when the editor picks the image, and what the widget draws.
    chosen = client.get(f"/admin/images/chooser/chosen/{restricted.pk}/").json()
    assert chosen["step"] == "chosen" and chosen["result"]["usage_terms"] == TERMS


@pytest.mark.django_db
def test_an_articles_image_field_shows_the_chosen_images_terms(client, editor, article):
    article.hero_image.usage_terms = TERMS
    article.hero_image.save()
    html = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert "data-kisha-image-rights" in html and TERMS in html
    assert "kisha/admin/image-chooser-rights.js" in html


@pytest.mark.django_db
def test_rights_for_an_image_deleted_meanwhile_are_no_error() -> None:
    image = KishaImageFactory()
    KishaImage.objects.filter(pk=image.pk).delete()
    assert not image_rights_add(image=image, usage_terms="報道目的のみ")
