"""Decompression bombs are refused at upload, and a new rendition is built once across workers."""

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

from kisha.core.models import KishaImage
from kisha.news.factories import KishaImageFactory

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
