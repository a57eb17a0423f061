"""Agencies' rights statements: G2 rightsInfo, ninjs copyrightholder/copyrightnotice/usageterms
(top level or in a rightsinfo object) and NewsML 1.2 RightsMetadata are read into the item,
shown on the wire desk and carried into the 記事化 draft's credit. Samples are our own."""

from __future__ import annotations

import pytest

from django.contrib.messages import get_messages
from django.urls import reverse

from kisha.wire.ingest import entry_hash
from kisha.wire.models import WireIngestError, WireItem, WirePicture
from kisha.wire.providers import get_provider
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
    import dataclasses
    import hashlib
    import json

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
