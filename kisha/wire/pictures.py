"""Pictures that travel with wire items: downloaded after the ingest, stored as Wagtail images.

A task (``tasks.wire_download_pictures``) runs after each ingest that brought new pictures, so
the text of a poll is on the desk before any picture is fetched. Each download goes through the
SSRF-safe fetcher with its own size cap, must be a JPEG, PNG, GIF or WebP that Pillow can read
within the site's pixel limit (``KISHA_IMAGES_MAX_PIXELS``, the rule the admin upload form
applies), and becomes a ``KishaImage`` with the agency's credit, its rights (copyright notice,
usage terms) and the caption as alt text.
Deduplication: one download per (source, agency id) — the WirePicture row — and one image per
file content (Wagtail's SHA-1 ``file_hash``), so a picture resent under another id or URL is
not stored twice; the rights of each picture that finds its file already stored are added to
that image (kisha.core.images), so no restriction is lost. A refused picture keeps its reason on
the row and in the ingest log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import warnings

from PIL import Image, UnidentifiedImageError

from django.conf import settings
from django.core.files.images import ImageFile
from django.db.models import Q
from django.utils import timezone

from kisha.core.images import image_rights_add
from kisha.core.models import COPYRIGHT_NOTICE_MAX, USAGE_TERMS_MAX, KishaImage
from kisha.wire.conf import conf
from kisha.wire.fetch import FetchError, fetch
from kisha.wire.models import WireIngestError, WireIngestRun, WirePicture, allow_private_fetch

# Pillow format → file extension; the same set the admin accepts (WAGTAILIMAGES_EXTENSIONS).
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
_GENERIC_TYPES = ("application/octet-stream", "binary/octet-stream", "")


class PictureRefused(Exception):
    """A picture that cannot be stored; the message is the reason shown to the desk.
    ``transient``: the agency's server may answer later (kisha.wire.fetch.FetchError)."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


def _max_pixels() -> int:
    return int(getattr(settings, "KISHA_IMAGES_MAX_PIXELS", 40_000_000))


def check_image(data: bytes) -> tuple[str, int, int]:
    """(extension, width, height) of an acceptable image, or :class:`PictureRefused`."""
    limit = _max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format or ""
                width, height = image.size
                if kind not in FORMATS:
                    raise PictureRefused(
                        f"画像の形式 {kind or '不明'} は受け付けません (JPEG/PNG/GIF/WebP)"
                    )
                if width * height > limit:
                    raise PictureRefused(
                        f"画素数が多すぎます: {width}×{height} は {limit:,} 画素を超えています"
                    )
                image.verify()  # a truncated or corrupt file fails here, not in a rendition later
    except PictureRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureRefused(f"画素数が多すぎます ({limit:,} 画素まで)") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PictureRefused(f"画像として読めません: {exc}") from None
    return FORMATS[kind], width, height


def split_credit(credit: str, agency: str) -> tuple[str, str]:
    """(agency, photographer) from an agency's credit line such as ``共同通信/山田太郎``."""
    credit = credit.strip()
    if "/" in credit:
        left, _, right = credit.partition("/")
        return (left.strip() or agency)[:100], right.strip()[:100]
    if not credit or credit == agency:
        return agency[:100], ""
    return agency[:100], credit[:100]


def download(picture: WirePicture) -> KishaImage:
    """Fetch, check and store one picture (or find the same file already stored)."""
    try:
        result = fetch(
            picture.url,
            max_bytes=int(conf("KISHA_WIRE_PICTURE_MAX_BYTES")),
            timeout=float(conf("KISHA_WIRE_FETCH_TIMEOUT")),
            allow_private=allow_private_fetch(),
        )
    except FetchError as exc:
        raise PictureRefused(f"取得できません: {exc.message}", transient=exc.transient) from None
    if not result.content:
        raise PictureRefused("取得できません: 中身が空です")
    media_type = (result.content_type or "").split(";", 1)[0].strip().lower()
    if not media_type.startswith("image/") and media_type not in _GENERIC_TYPES:
        raise PictureRefused(f"画像ではありません (Content-Type: {media_type[:80]})")
    data = result.content
    extension, _width, _height = check_image(data)
    sha1 = hashlib.sha1(data).hexdigest()  # noqa: S324 - Wagtail's own content hash, not security
    existing = KishaImage.objects.filter(file_hash=sha1).order_by("pk").first()
    if existing is not None:
        # The same file again, perhaps from another agency: its rights join the stored ones.
        image_rights_add(
            image=existing,
            copyright_notice=picture.copyright_notice,
            usage_terms=picture.usage_terms,
        )
        return existing
    agency, photographer = split_credit(picture.credit, picture.source.credit_text)
    caption = picture.caption.strip()
    image = KishaImage(
        title=(caption or picture.guid)[:255],
        file=ImageFile(io.BytesIO(data), name=f"wire-{picture.guid_hash[:20]}.{extension}"),
        credit_year=timezone.localtime(picture.received_at).year,
        credit_agency=agency,
        credit_photographer=photographer,
        default_alt_text=caption[:255],
        copyright_notice=picture.copyright_notice.strip()[:COPYRIGHT_NOTICE_MAX],
        usage_terms=picture.usage_terms.strip()[:USAGE_TERMS_MAX],
    )
    image._set_image_file_metadata()
    image.save()
    return image


def download_pending(*, source_id: int, limit: int | None = None) -> tuple[int, int, bool]:
    """Download up to ``limit`` due pending pictures of a source: (stored, refused, more left).

    A failure that may pass (a timeout, the agency's 5xx) keeps the picture pending and tries
    again after KISHA_WIRE_PICTURE_BACKOFF_SECONDS × 2^(attempts−1), up to
    KISHA_WIRE_PICTURE_ATTEMPTS tries; any other refusal is final. Refusals are written to the
    picture row and, with their reason, to one ingest-log run.
    """
    limit = limit or int(conf("KISHA_WIRE_PICTURE_BATCH"))
    now = timezone.now()
    pending = list(
        WirePicture.objects.filter(source_id=source_id, download="pending")
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .select_related("source")
        .order_by("pk")[: limit + 1]
    )
    more = len(pending) > limit
    stored = refused = 0
    failures: list[tuple[WirePicture, str]] = []
    attempts_max = int(conf("KISHA_WIRE_PICTURE_ATTEMPTS"))
    backoff = float(conf("KISHA_WIRE_PICTURE_BACKOFF_SECONDS"))
    for picture in pending[:limit]:
        try:
            image = download(picture)
        except PictureRefused as exc:
            refused += 1
            attempts = picture.attempts + 1
            if exc.transient and attempts < attempts_max:
                delay = dt.timedelta(seconds=backoff * 2 ** (attempts - 1))
                failures.append((picture, f"{exc}（{attempts}回目、あとで再試行します）"))
                WirePicture.objects.filter(pk=picture.pk).update(
                    attempts=attempts, next_attempt_at=now + delay, download_error=str(exc)[:2000]
                )
                continue
            failures.append((picture, str(exc)))
            WirePicture.objects.filter(pk=picture.pk).update(
                download="failed", attempts=attempts, download_error=str(exc)[:2000]
            )
            continue
        stored += 1
        WirePicture.objects.filter(pk=picture.pk).update(
            download="ok", download_error="", image=image, attempts=picture.attempts + 1
        )
    if failures:
        source = failures[0][0].source
        run = WireIngestRun.objects.create(
            source=source,
            origin="写真の取得",
            finished_at=timezone.now(),
            status=WireIngestRun.Status.PARTIAL if stored else WireIngestRun.Status.FAILED,
            ingested=stored,
            errors=refused,
        )
        WireIngestError.objects.bulk_create(
            WireIngestError(
                run=run, source=source, guid=picture.guid[:2000], message=f"写真: {reason}"
            )
            for picture, reason in failures
        )
    return stored, refused, more
