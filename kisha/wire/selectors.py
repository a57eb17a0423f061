"""Reads for the wire: the ticker, the breaking banner, the ニュース速報 listing, due sources.

Each public listing is one query whatever its length: section labels come from the news app's
cached ``sections()`` and promoted articles' URLs from a select_related join plus Wagtail's
cached site root paths (tests/wire/test_selectors.py counts the queries).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from prometheus_client.core import GaugeMetricFamily

from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from kisha.core.characters import newspaper_text
from kisha.core.models import KishaImage
from kisha.core.phrases import truncate_phrases
from kisha.core.text import jst_datetime, jst_iso, jst_time_dated
from kisha.news.selectors import SectionInfo, sections
from kisha.wire.conf import conf
from kisha.wire.models import (
    BannerState,
    WireIngestRun,
    WireItem,
    WireItemVersion,
    WirePackage,
    WirePicture,
    WireSource,
    guid_digest,
)
from kisha.wire.providers.common import sanitize_html

TICKER_LIMIT = 8
# Display columns for a ticker headline in the 320px sidebar: two lines of about 20 kanji.
TICKER_WIDTH = 40
BANNER_WIDTH = 70
LISTING_HOURS = 48
LISTING_LIMIT = 300


@dataclass(frozen=True)
class WireCard:
    """What the ticker, banner and listing show of one item."""

    id: int
    headline: str
    short_headline: str
    section_label: str
    time_label: str
    time_iso: str
    url: str
    article_url: str
    credit: str
    urgency: int | None


_CARD_FIELDS = (
    "id",
    "headline",
    "item_time",
    "urgency",
    "section_id",
    "banner",
    "source__name",
    "source__credit",
    "article__id",
    "article__live",
    "article__url_path",
)


def public_items(*, now: dt.datetime | None = None) -> QuerySet[WireItem]:
    """Items readers may see: usable and past any embargo, newest first."""
    now = now or timezone.now()
    return (
        WireItem.objects.filter(pubstatus="usable")
        .filter(Q(embargoed__isnull=True) | Q(embargoed__lte=now))
        .select_related("source", "article")
        .only(*_CARD_FIELDS)
        .order_by("-item_time", "-id")
    )


def _card(
    item: WireItem, labels: dict[int, SectionInfo], width: int, now: dt.datetime | None = None
) -> WireCard:
    """A reader's view of one item: its link goes to the promoted article when one is live,
    otherwise to the item's own page (/sokuho/<id>/); its time carries the date unless today."""
    article = item.article
    url = (article.get_url() or "") if article is not None and article.live else ""
    section = labels.get(item.section_id) if item.section_id else None
    # Agency text is shown in house style (ｽﾏｰﾄﾌｫﾝ → スマートフォン, ＡＩ → AI) but stored as sent,
    # so the ingest's versions and hashes stay the agency's.
    headline = newspaper_text(item.headline)
    return WireCard(
        id=item.id,
        headline=headline,
        short_headline=truncate_phrases(headline, width),
        section_label=section.label if section else "",
        time_label=jst_time_dated(item.item_time, now=now),
        time_iso=jst_iso(item.item_time),
        url=url or reverse("wire:item", args=[item.id]),
        article_url=url,
        credit=item.source.credit_text,
        urgency=item.urgency,
    )


def _labels() -> dict[int, SectionInfo]:
    return {section.id: section for section in sections()}


def ticker_items(*, limit: int = TICKER_LIMIT, width: int = TICKER_WIDTH) -> list[WireCard]:
    """The latest items for the ニュース速報 block, headlines cut to ``width`` columns."""
    labels = _labels()
    return [_card(item, labels, width) for item in public_items()[:limit]]


def banner_item(*, now: dt.datetime | None = None) -> WireCard | None:
    """The breaking banner: the pinned item, else the newest urgency 1–2 item of the last
    ``KISHA_WIRE_BANNER_HOURS`` hours that no editor dismissed."""
    now = now or timezone.now()
    hours = float(conf("KISHA_WIRE_BANNER_HOURS"))
    candidates = public_items(now=now).filter(
        Q(banner=BannerState.PINNED)
        | Q(
            banner=BannerState.AUTO,
            urgency__in=(1, 2),
            item_time__gte=now - dt.timedelta(hours=hours),
        )
    )
    # Pinned first ("auto" < "pinned" alphabetically, hence descending), then newest.
    item = candidates.order_by("-banner", "-item_time", "-id").first()
    return _card(item, _labels(), BANNER_WIDTH) if item else None


@dataclass(frozen=True)
class ListingGroup:
    label: str
    url: str
    cards: list[WireCard]


def wire_listing(
    *, hours: int = LISTING_HOURS, limit: int = LISTING_LIMIT, now: dt.datetime | None = None
) -> list[ListingGroup]:
    """Recent items grouped by section in the site's section order; unmapped ones last."""
    now = now or timezone.now()
    items = public_items(now=now).filter(item_time__gte=now - dt.timedelta(hours=hours))[:limit]
    ordered = sections()
    labels = {section.id: section for section in ordered}
    groups: dict[int | None, list[WireCard]] = {}
    for item in items:
        key = item.section_id if item.section_id in labels else None
        groups.setdefault(key, []).append(_card(item, labels, 200, now))
    result = [
        ListingGroup(label=section.label, url=section.url, cards=groups[section.id])
        for section in ordered
        if section.id in groups
    ]
    if None in groups:
        result.append(ListingGroup(label="その他", url="", cards=groups[None]))
    return result


@dataclass(frozen=True)
class WireItemPage:
    """What a wire item's own page shows: the text, source, credit and time."""

    card: WireCard
    summary: str
    body_html: str
    byline: str
    source_name: str
    time_full: str


def wire_item_page(*, item_id: int, now: dt.datetime | None = None) -> WireItemPage | None:
    """A public item's page, or None when it is unknown, withheld, canceled or embargoed."""

    item = (
        public_items(now=now)
        .only(*_CARD_FIELDS, "summary", "body_html", "byline")
        .filter(id=item_id)
        .first()
    )
    if item is None:
        return None
    return WireItemPage(
        card=_card(item, _labels(), 200, now),
        summary=item.summary,
        body_html=sanitize_html(item.body_html),
        byline=item.byline,
        source_name=item.source.name,
        time_full=jst_datetime(item.item_time),
    )


def wire_sources_due(*, now: dt.datetime | None = None) -> list[int]:
    """Ids of enabled sources whose poll interval has passed (a site has a handful)."""
    now = now or timezone.now()
    return [source.pk for source in WireSource.objects.filter(enabled=True) if source.is_due(now)]


# A pending picture never tried this long after it arrived was left by a worker that stopped
# (the ingest enqueues its download at once).
PICTURE_STRANDED = dt.timedelta(minutes=5)


def picture_sources_due(*, now: dt.datetime | None = None) -> list[int]:
    """Ids of sources with a pending picture due again, or stranded untried."""
    now = now or timezone.now()
    due = Q(next_attempt_at__lte=now) | Q(
        next_attempt_at__isnull=True, received_at__lte=now - PICTURE_STRANDED
    )
    return sorted(
        set(
            WirePicture.objects.filter(download="pending", source__enabled=True)
            .filter(due)
            .values_list("source_id", flat=True)
        )
    )


def wire_item_versions(*, item: WireItem) -> QuerySet[WireItemVersion]:
    return item.versions.order_by("-version")


@dataclass(frozen=True)
class StoryPicture:
    """One picture of a story, in order; ``received`` is False for a package member not here yet."""

    guid: str
    url: str
    caption: str
    credit: str
    received: bool
    # The downloaded Wagtail image (None until the download task has stored it) and, when the
    # download was refused, why.
    image: KishaImage | None = None
    download: str = ""
    download_error: str = ""
    copyright_notice: str = ""
    usage_terms: str = ""


@dataclass(frozen=True)
class StoryPictures:
    """A story's pictures: from its package when it has one (in the package's order), else the
    ones that came inside the item. ``waiting`` counts package members not yet received."""

    package: WirePackage | None
    pictures: list[StoryPicture]

    @property
    def received(self) -> list[StoryPicture]:
        return [picture for picture in self.pictures if picture.received]

    @property
    def waiting(self) -> int:
        return sum(1 for picture in self.pictures if not picture.received)


def wire_item_package(*, item: WireItem) -> WirePackage | None:
    """The newest usable package whose story is this item (one indexed query)."""
    return (
        WirePackage.objects.filter(
            source_id=item.source_id, story_guid_hash=item.guid_hash, pubstatus="usable"
        )
        .order_by("-updated_at", "-id")
        .first()
    )


def wire_item_pictures(*, item: WireItem) -> StoryPictures:
    """The story's pictures, joined to the package's members when read: members that arrive
    after the package appear without anything being rewritten, and a new version of the
    package (other members, another order) shows at once. Withheld or canceled pictures and
    members that turned out to be text items are left out. Three queries at most."""
    package = wire_item_package(item=item)
    if package is None:
        urls = [
            image["url"]
            for image in item.images
            if isinstance(image, dict) and isinstance(image.get("url"), str) and image["url"]
        ]
        rows = {
            picture.guid_hash: picture
            for picture in WirePicture.objects.filter(
                source_id=item.source_id, guid_hash__in=[guid_digest(url) for url in urls]
            ).select_related("image")
        }
        own = [
            _story_picture(rows[guid_digest(url)])
            for url in urls
            if guid_digest(url) in rows and rows[guid_digest(url)].pubstatus == "usable"
        ]
        return StoryPictures(None, own)
    members = [
        member
        for member in package.members.order_by("position")
        if member.kind in ("picture", "") and member.guid_hash != item.guid_hash
    ]
    hashes = [member.guid_hash for member in members]
    pictures = {
        picture.guid_hash: picture
        for picture in WirePicture.objects.filter(
            source_id=item.source_id, guid_hash__in=hashes
        ).select_related("image")
    }
    unknown = [m.guid_hash for m in members if m.kind == "" and m.guid_hash not in pictures]
    texts = set(
        WireItem.objects.filter(source_id=item.source_id, guid_hash__in=unknown).values_list(
            "guid_hash", flat=True
        )
        if unknown
        else ()
    )
    result: list[StoryPicture] = []
    for member in members:
        picture = pictures.get(member.guid_hash)
        if picture is None:
            if member.guid_hash not in texts:
                result.append(StoryPicture(member.guid, "", "", "", False))
        elif picture.pubstatus == "usable":
            result.append(_story_picture(picture))
    return StoryPictures(package, result)


def picture_usage_terms(*, item: WireItem) -> list[str]:
    """The distinct usage terms (with the copyright notice, when sent) of the story's received
    pictures, in order: what the editor must be told when the pictures go into a draft."""
    found: list[str] = []
    for picture in wire_item_pictures(item=item).received:
        if not picture.usage_terms:
            continue
        terms = picture.usage_terms
        if picture.copyright_notice:
            terms = f"{terms}({picture.copyright_notice})"
        if terms not in found:
            found.append(terms)
    return found


def _story_picture(picture: WirePicture) -> StoryPicture:
    return StoryPicture(
        guid=picture.guid,
        url=picture.url,
        caption=picture.caption,
        credit=picture.credit,
        received=True,
        image=picture.image,
        download=picture.download,
        download_error=picture.download_error,
        copyright_notice=picture.copyright_notice,
        usage_terms=picture.usage_terms,
    )


# Ingest metrics cover a window rather than all time: runs are pruned after KISHA_WIRE_LOG_DAYS,
# and a counter that shrank at every prune would read to Prometheus as a reset.
INGEST_METRICS_HOURS = 24


def ingest_totals(*, since: dt.datetime) -> dict[str, int]:
    """Items by outcome in the ingest runs started since `since`; "failed" counts the
    documents or entries that could not be ingested (each has a WireIngestError row)."""
    sums = WireIngestRun.objects.filter(started_at__gte=since).aggregate(
        ingested=Sum("ingested"),
        updated=Sum("updated"),
        unchanged=Sum("unchanged"),
        ignored_older=Sum("ignored_older"),
        failed=Sum("errors"),
    )
    return {outcome: value or 0 for outcome, value in sums.items()}


def ingest_run_counts(*, since: dt.datetime) -> dict[str, int]:
    counts = dict.fromkeys(WireIngestRun.Status.values, 0)
    rows = (
        WireIngestRun.objects.filter(started_at__gte=since)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


def ingest_metrics():
    """Wire ingest for /-/metrics (kisha.core.metrics), over the last INGEST_METRICS_HOURS."""
    since = timezone.now() - dt.timedelta(hours=INGEST_METRICS_HOURS)
    items = GaugeMetricFamily(
        "kisha_wire_items_24h",
        "Wire items by ingest outcome in the last 24 hours (failed: not ingested)",
        labels=["outcome"],
    )
    for outcome, value in ingest_totals(since=since).items():
        items.add_metric([outcome], value)
    runs = GaugeMetricFamily(
        "kisha_wire_runs_24h", "Wire ingest runs by result in the last 24 hours", labels=["status"]
    )
    for status, value in ingest_run_counts(since=since).items():
        runs.add_metric([status], value)
    yield items
    yield runs


def wire_items_unpromoted(*, now: dt.datetime | None = None, hours: int = 24, limit: int = 8):
    """Usable items of the last `hours` not yet made into an article and past any embargo, the
    most urgent first (IPTC urgency 1 is the highest), then the newest: one query (the
    newsroom dashboard's 記事化待ち)."""
    since = (now or timezone.now()) - dt.timedelta(hours=hours)
    return list(
        WireItem.objects.filter(article__isnull=True, pubstatus="usable", item_time__gte=since)
        .filter(Q(embargoed__isnull=True) | Q(embargoed__lte=now or timezone.now()))
        .select_related("source")
        .only("id", "headline", "urgency", "item_time", "source__name")
        .order_by(F("urgency").asc(nulls_last=True), "-item_time")[:limit]
    )


def wire_has_items() -> bool:
    """Whether any wire item was received: a restore must not silently overwrite it
    (kisha.core.backup)."""
    return WireItem.objects.exists()
