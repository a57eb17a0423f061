"""Agencies' rights statements: G2 rightsInfo, ninjs copyrightholder/copyrightnotice/usageterms
(top level or in a rightsinfo object) and NewsML 1.2 RightsMetadata are read into the item,
shown on the wire desk and carried into the 記事化 draft's credit. Samples are our own."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest

from django.contrib.messages import get_messages
from django.urls import reverse

from kisha.wire.ingest import entry_hash
from kisha.wire.models import WireIngestError, WireItem, WirePicture
from kisha.wire.providers import WireImage, get_provider
from kisha.wire.providers.base import EntryInvalid
from kisha.wire.services import wire_ingest_bytes, wire_item_promote
from tests.wire.conftest import ninjs_batch, ninjs_item
from tests.wire.test_newsml import NAR
from tests.wire.test_newsml1 import document

G2_ITEM = f"""<?xml version="1.0" encoding="UTF-8"?>
<newsItem guid="urn:rights:g2" version="1" xml:lang="ja" xmlns="{NAR}">
  <rightsInfo>
    <copyrightHolder literal="Kisha Wire Ltd"><name>キシャ通信</name></copyrightHolder>
    <copyrightNotice xml:lang="en">Copyright 2026 Kisha Wire Ltd</copyrightNotice>
    <copyrightNotice xml:lang="ja">© 2026 キシャ通信</copyrightNotice>
    <usageTerms xml:lang="ja">国内の報道目的に限り使用可。販売・広告には使用不可。</usageTerms>
  </rightsInfo>
  <itemMeta><itemClass qcode="ninat:text"/><pubStatus qcode="stat:usable"/>
    <versionCreated>2026-11-26T13:00:00+09:00</versionCreated></itemMeta>
  <contentMeta><headline>新型ロケットの打ち上げに成功</headline></contentMeta>
  <contentSet><inlineXML contenttype="application/nitf+xml"><nitf><body><body.content>
    <p>本文です。</p></body.content></body></nitf></inlineXML></contentSet>
</newsItem>""".encode()

NEWSML1_RIGHTS = (
    "<RightsMetadata><Copyright><CopyrightHolder>Kisha Press</CopyrightHolder>"
    "<CopyrightDate>2026</CopyrightDate></Copyright><UsageRights><UsageType>News</UsageType>"
    "<Limitations>No archiving beyond 30 days</Limitations></UsageRights></RightsMetadata>"
    "<ContentItem><MediaType FormalName='Text'/><DataContent>本文。</DataContent></ContentItem>"
)


def test_g2_rights_info_in_the_item_language() -> None:
    (entry,) = get_provider("newsml").parse(G2_ITEM).entries
    assert entry.copyright_holder == "キシャ通信"
    assert entry.copyright_notice == "© 2026 キシャ通信"
    assert entry.usage_terms == "国内の報道目的に限り使用可。販売・広告には使用不可。"


def test_ninjs_rights_top_level_and_in_a_rightsinfo_object() -> None:
    data = ninjs_batch(
        ninjs_item(
            "urn:r1",
            copyrightholder="Kisha Wire",
            copyrightnotice="(c) 2026 Kisha Wire",
            usageterms="Editorial use only",
        ),
        ninjs_item(
            "urn:r2",
            rightsinfo={"copyrightHolder": "キシャ通信", "usageTerms": "報道目的のみ"},
        ),
    )
    first, second = get_provider("ninjs").parse(data).entries
    assert (first.copyright_holder, first.copyright_notice, first.usage_terms) == (
        "Kisha Wire",
        "(c) 2026 Kisha Wire",
        "Editorial use only",
    )
    assert (second.copyright_holder, second.usage_terms) == ("キシャ通信", "報道目的のみ")


def test_newsml1_rights_metadata() -> None:
    (entry,) = get_provider("newsml1").parse(document(content=NEWSML1_RIGHTS).encode()).entries
    assert entry.copyright_holder == "Kisha Press"
    assert entry.copyright_notice == "© 2026 Kisha Press"
    assert entry.usage_terms == "News / No archiving beyond 30 days"


def test_items_without_rights_hash_as_before() -> None:
    """Items stored before rights were read must not all turn into corrections."""
    (entry,) = get_provider("ninjs").parse(ninjs_batch(ninjs_item("urn:plain"))).entries
    assert entry.copyright_holder == entry.usage_terms == ""
    fields = dataclasses.asdict(entry)
    for name in ("copyright_holder", "copyright_notice", "usage_terms"):
        del fields[name]
    old = hashlib.sha256(json.dumps(fields, default=str, sort_keys=True).encode()).hexdigest()
    assert entry_hash(entry) == old


@pytest.mark.django_db
def test_hostile_rights_are_refused_with_a_reason(source) -> None:
    summary = wire_ingest_bytes(
        source=source,
        data=ninjs_batch(
            ninjs_item("urn:long", copyrightholder="著" * 1001),
            ninjs_item("urn:typed", usageterms={"text": "not a string"}),
            ninjs_item("urn:fine", usageterms="報道目的のみ"),
        ),
    )
    assert summary.ingested == 1 and summary.errors == 2
    reasons = " ".join(WireIngestError.objects.values_list("message", flat=True))
    assert "copyright holder" in reasons and "usageterms must be text" in reasons
    assert WireItem.objects.get().usage_terms == "報道目的のみ"


@pytest.mark.django_db
def test_desk_shows_terms_and_the_draft_carries_the_copyright(
    client, django_user_model, source, business
) -> None:
    user = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw")
    client.force_login(user)
    wire_ingest_bytes(source=source, data=G2_ITEM, format="newsml")
    item = WireItem.objects.get()
    listing = client.get("/admin/wire/items/").content.decode()
    assert "data-wire-usage-terms" in listing and "国内の報道目的に限り使用可" in listing
    inspect = client.get(f"/admin/wire/items/inspect/{item.pk}/").content.decode()
    assert "利用条件" in inspect and "販売・広告には使用不可" in inspect
    assert "© 2026 キシャ通信" in inspect
    page = wire_item_promote(item=item, editor=user)
    assert page.wire_credit == "ロイター / © 2026 キシャ通信"


@pytest.mark.django_db
def test_credit_is_the_source_alone_when_rights_say_nothing_more(source, django_user_model, world):
    user = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw")
    wire_ingest_bytes(
        source=source, data=ninjs_batch(ninjs_item("urn:same", copyrightholder="ロイター"))
    )
    page = wire_item_promote(item=WireItem.objects.get(), editor=user)
    assert page.wire_credit == "ロイター"


def _ninjs_story_with_picture(picture_rights: dict) -> bytes:
    story = ninjs_item("urn:rights:story", headline="港に新しい灯台")
    story["associations"] = [{"name": "main", "uri": "urn:rights:pic", "type": "picture"}]
    picture = {
        "uri": "urn:rights:pic",
        "type": "picture",
        "version": "1",
        "headline": "灯台の写真",
        "renditions": [{"name": "main", "href": "https://img.example/lighthouse.jpg"}],
        **picture_rights,
    }
    return ninjs_batch(story, picture)


def test_g2_picture_keeps_its_own_rights() -> None:
    picture = f"""<newsItem guid="urn:rights:g2pic" version="1" xml:lang="ja" xmlns="{NAR}">
      <rightsInfo><copyrightHolder><name>キシャ写真部</name></copyrightHolder>
        <copyrightNotice>© 2026 キシャ写真部</copyrightNotice>
        <usageTerms>この記事に限り使用可</usageTerms></rightsInfo>
      <itemMeta><itemClass qcode="ninat:picture"/><pubStatus qcode="stat:usable"/></itemMeta>
      <contentMeta><headline>写真</headline></contentMeta>
      <contentSet><remoteContent href="https://img.example/p.jpg"/></contentSet>
    </newsItem>""".encode()
    (entry,) = get_provider("newsml").parse(picture).pictures
    assert entry.usage_terms == "この記事に限り使用可"
    assert entry.copyright_notice == "© 2026 キシャ写真部"
    assert entry.credit == "キシャ写真部"  # no creditline: the holder is the credit


@pytest.mark.django_db
def test_picture_terms_show_on_the_item_and_are_told_at_promotion(
    client, django_user_model, source, business
) -> None:
    user = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw")
    client.force_login(user)
    rights = {"usageterms": "一回限りの使用可", "copyrightnotice": "© 2026 キシャ写真部"}
    wire_ingest_bytes(source=source, data=_ninjs_story_with_picture(rights))
    picture = WirePicture.objects.get()
    assert (picture.usage_terms, picture.copyright_notice) == (
        "一回限りの使用可",
        "© 2026 キシャ写真部",
    )
    item = WireItem.objects.get()
    inspect = client.get(f"/admin/wire/items/inspect/{item.pk}/").content.decode()
    assert "data-wire-picture-terms" in inspect and "一回限りの使用可" in inspect
    response = client.post(reverse("wire_items:promote", args=(item.pk,)))
    assert response.status_code == 302
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert "写真の利用条件: 一回限りの使用可(© 2026 キシャ写真部)" in told
    # Hostile rights on the picture: refused with a reason, the story itself still stored.
    WireItem.objects.all().delete()
    WirePicture.objects.all().delete()
    summary = wire_ingest_bytes(
        source=source, data=_ninjs_story_with_picture({"usageterms": {"x": 1}})
    )
    assert summary.errors == 1 and WireItem.objects.count() == 1
    assert not WirePicture.objects.exists()
    assert "usageterms" in WireIngestError.objects.latest("id").message


# --- Pictures inside text items carry their own rights ----------------------------------------


def _ninjs_story_with_embedded(*associations: dict, version: int = 1) -> bytes:
    story = ninjs_item("urn:rights:embedded", version=version, headline="峠の紅葉が見ごろ")
    story["associations"] = list(associations)
    return ninjs_batch(story)


def _embedded(name: str, href: str, **rights) -> dict:
    return {
        "name": name,
        "type": "picture",
        "headline": f"紅葉の写真 {name}",
        "renditions": [{"name": "main", "href": href}],
        **rights,
    }


def test_ninjs_embedded_pictures_keep_their_rights() -> None:
    data = _ninjs_story_with_embedded(
        _embedded(
            "top",
            "https://img.example/momiji-1.jpg",
            copyrightnotice="© 2026 キシャ写真部",
            usageterms="報道目的のみ。2027年3月31日まで",
        ),
        _embedded(
            "info",
            "https://img.example/momiji-2.jpg",
            rightsInfo={"copyrightHolder": "峠写真館", "usageTerms": "この記事に限り使用可"},
        ),
        _embedded("plain", "https://img.example/momiji-3.jpg"),
    )
    (entry,) = get_provider("ninjs").parse(data).entries
    first, second, third = entry.images
    assert (first.copyright_notice, first.usage_terms) == (
        "© 2026 キシャ写真部",
        "報道目的のみ。2027年3月31日まで",
    )
    # The story's own rights are not the picture's: the item says nothing here.
    assert entry.usage_terms == ""
    assert (second.credit, second.usage_terms) == ("峠写真館", "この記事に限り使用可")
    assert third.copyright_notice == third.usage_terms == ""


def test_newsml1_picture_component_rights_metadata() -> None:
    content = (
        "<RightsMetadata><Copyright><CopyrightHolder>キシャ通信</CopyrightHolder>"
        "<CopyrightDate>2026</CopyrightDate></Copyright></RightsMetadata>"
        "<ContentItem><MediaType FormalName='Text'/><DataContent>本文。</DataContent></ContentItem>"
        "<NewsComponent><Role FormalName='Photo'/>"
        "<NewsLines><HeadLine>湖畔の初雪</HeadLine></NewsLines>"
        "<RightsMetadata><Copyright><CopyrightHolder>湖畔写真館</CopyrightHolder>"
        "<CopyrightDate>2025</CopyrightDate></Copyright><UsageRights>"
        "<UsageType>報道</UsageType><Limitations>二次利用不可</Limitations></UsageRights>"
        "</RightsMetadata>"
        "<ContentItem Href='https://img.example/snow.jpg'><MediaType FormalName='Photo'/>"
        "</ContentItem></NewsComponent>"
        "<NewsComponent><ContentItem Href='https://img.example/snow-2.jpg'>"
        "<MediaType FormalName='Photo'/></ContentItem></NewsComponent>"
    )
    (entry,) = get_provider("newsml1").parse(document(content=content).encode()).entries
    assert entry.copyright_notice == "© 2026 キシャ通信"
    own, bare = entry.images
    assert own.copyright_notice == "© 2025 湖畔写真館"
    assert own.usage_terms == "報道 / 二次利用不可"
    assert own.credit == "湖畔写真館"  # no credit line: the holder is the credit
    assert bare.copyright_notice == bare.usage_terms == ""


def _g2_with_nitf_media(metadata: str) -> bytes:
    return f"""<newsItem guid="urn:rights:nitf" version="1" xmlns="{NAR}">
      <itemMeta><itemClass qcode="ninat:text"/><pubStatus qcode="stat:usable"/></itemMeta>
      <contentMeta><headline>港に新しい客船</headline></contentMeta>
      <contentSet><inlineXML><nitf><body><body.content><p>本文です。</p>
        <media media-type="image"><media-reference source="https://img.example/ship.jpg"/>
          {metadata}<media-caption>入港する客船</media-caption>
          <media-producer>港 太郎</media-producer></media>
      </body.content></body></nitf></inlineXML></contentSet>
    </newsItem>""".encode()


def test_g2_nitf_media_metadata_rights() -> None:
    data = _g2_with_nitf_media(
        '<media-metadata name="Copyright Notice" value="© 2026 港写真"/>'
        '<media-metadata name="rights-usage-terms" value="報道目的のみ"/>'
        '<media-metadata name="usageTerms" value="二つ目は読まない"/>'
        '<media-metadata name="camera" value="無関係"/>'
    )
    (entry,) = get_provider("newsml").parse(data).entries
    (image,) = entry.images
    assert (image.copyright_notice, image.usage_terms) == ("© 2026 港写真", "報道目的のみ")
    assert image.credit == "港 太郎"
    (plain,) = get_provider("newsml").parse(_g2_with_nitf_media("")).entries[0].images
    assert plain.copyright_notice == plain.usage_terms == ""


def _feed(channel: str, item: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
  <title>キシャ速報</title><link>https://news.example.jp/</link>{channel}
  <item><title>商店街に冬の灯り</title><guid>kisha-feed-1</guid>
    <link>https://news.example.jp/a/1</link>
    <media:content url="https://img.example.jp/akari.jpg" medium="image"/>
    <media:credit role="photographer">灯 花子</media:credit>{item}</item>
  <item><title>二本目</title><guid>kisha-feed-2</guid>
    <enclosure url="https://img.example.jp/2.jpg" type="image/jpeg" length="1"/></item>
</channel></rss>""".encode()


def test_feed_media_copyright_and_license() -> None:
    data = _feed(
        "<media:copyright>© 2026 キシャ速報</media:copyright>",
        "<media:copyright>© 2026 灯写真</media:copyright>"
        "<media:license>報道目的のみ</media:license>",
    )
    first, second = get_provider("rss").parse(data).entries
    (image,) = first.images
    assert (image.credit, image.copyright_notice, image.usage_terms) == (
        "灯 花子",
        "© 2026 灯写真",
        "報道目的のみ",
    )
    # The channel's copyright holds for an entry with none of its own.
    assert second.images[0].copyright_notice == "© 2026 キシャ速報"
    assert second.images[0].usage_terms == ""


def test_feed_media_copyright_with_url_and_license_by_href() -> None:
    """feedparser drops the text of a media:copyright with a url: the url is what is left."""
    data = _feed(
        "",
        '<media:copyright url="https://news.example.jp/rights">© 2026 灯写真</media:copyright>'
        '<media:license type="text/html" href="https://news.example.jp/license"/>',
    )
    (image,) = get_provider("rss").parse(data).entries[0].images
    assert image.copyright_notice == "https://news.example.jp/rights"
    assert image.usage_terms == "https://news.example.jp/license"


@pytest.mark.parametrize(
    ("rights", "reason"),
    [
        ({"usageterms": "条" * 20_001}, "写真の利用条件が長すぎます"),
        ({"copyrightnotice": "©" * 1_001}, "写真の著作権表示が長すぎます"),
        ({"usageterms": ["報道目的のみ"]}, "usageterms must be text"),
    ],
)
@pytest.mark.django_db
def test_hostile_embedded_picture_rights_refuse_the_story_with_a_reason(
    source, rights, reason
) -> None:
    summary = wire_ingest_bytes(
        source=source,
        data=_ninjs_story_with_embedded(_embedded("bad", "https://img.example/x.jpg", **rights)),
    )
    assert summary.ingested == 0 and summary.errors == 1
    assert reason in WireIngestError.objects.get().message
    assert not WireItem.objects.exists() and not WirePicture.objects.exists()


def test_an_oversized_feed_license_refuses_its_entries_not_the_feed() -> None:
    data = _feed("", f"<media:license>{'条' * 20_001}</media:license>")
    result = get_provider("rss").parse(data)
    assert [entry.guid for entry in result.entries] == ["kisha-feed-2"]
    (error,) = result.errors
    assert "写真の利用条件が長すぎます" in error.message


def test_picture_rights_are_checked_where_the_image_is_made() -> None:
    with pytest.raises(EntryInvalid, match="写真の利用条件が文字列ではありません"):
        WireImage(url="https://img.example/a.jpg", usage_terms=None)  # type: ignore[arg-type]
    assert WireImage(url="https://img.example/a.jpg", usage_terms="条" * 20_000).usage_terms


def test_items_with_pictures_without_rights_hash_as_before() -> None:
    """Stored items whose pictures were read before picture rights existed: not corrections."""
    data = _ninjs_story_with_embedded(_embedded("plain", "https://img.example/momiji-3.jpg"))
    (entry,) = get_provider("ninjs").parse(data).entries
    fields = dataclasses.asdict(entry)
    for name in ("copyright_holder", "copyright_notice", "usage_terms"):
        del fields[name]
    fields["images"] = [
        {"url": i.url, "caption": i.caption, "credit": i.credit} for i in entry.images
    ]
    old = hashlib.sha256(json.dumps(fields, default=str, sort_keys=True).encode()).hexdigest()
    assert entry_hash(entry) == old


@pytest.mark.django_db
def test_a_newer_version_changes_the_embedded_pictures_rights(source) -> None:
    href = "https://img.example/momiji-1.jpg"
    wire_ingest_bytes(
        source=source,
        data=_ninjs_story_with_embedded(_embedded("top", href, usageterms="報道目的のみ")),
    )
    picture = WirePicture.objects.get()
    assert (picture.usage_terms, picture.copyright_notice) == ("報道目的のみ", "")
    summary = wire_ingest_bytes(
        source=source,
        data=_ninjs_story_with_embedded(
            _embedded(
                "top",
                href,
                usageterms="報道目的のみ。2027年1月末まで",
                copyrightnotice="© 2026 キシャ写真部",
            ),
            version=2,
        ),
    )
    assert summary.updated == 1
    picture.refresh_from_db()
    assert picture.usage_terms == "報道目的のみ。2027年1月末まで"
    assert picture.copyright_notice == "© 2026 キシャ写真部"
    assert WirePicture.objects.count() == 1
