"""Packages: NewsML-G2 packageItem and ninjs associations by reference → one story with its
pictures in order; members that arrive later are picked up, a new package version changes the
story, a package naming itself is refused."""

from __future__ import annotations

import json
import time

import pytest

from kisha.wire.factories import NAR, WireSourceFactory, g2_message
from kisha.wire.models import WireIngestError, WireItem, WirePackage, WirePicture
from kisha.wire.providers import get_provider
from kisha.wire.selectors import wire_item_pictures
from kisha.wire.services import wire_ingest_bytes


def text_item(guid: str, *, version: str = "1", headline: str = "港の朝市が平日も") -> str:
    return f"""<newsItem guid="{guid}" version="{version}" xmlns="{NAR}">
      <itemMeta><itemClass qcode="ninat:text"/><pubStatus qcode="stat:usable"/>
        <versionCreated>2026-11-26T05:00:00Z</versionCreated></itemMeta>
      <contentMeta><headline>{headline}</headline></contentMeta>
      <contentSet><inlineXML><nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><body>
        <body.content><p>本文です。</p></body.content></body></nitf></inlineXML></contentSet>
    </newsItem>"""


def picture_item(
    guid: str, *, version: str = "1", status: str = "usable", href: str = "", rights: str = ""
) -> str:
    href = href or f"https://img.example/{guid.rsplit(':', 1)[-1]}.jpg"
    return f"""<newsItem guid="{guid}" version="{version}" xmlns="{NAR}">{rights}
      <itemMeta><itemClass qcode="ninat:picture"/><pubStatus qcode="stat:{status}"/></itemMeta>
      <contentMeta><headline>写真 {guid}</headline>
        <description role="drol:caption">説明 {guid}</description>
        <creditline>サンプル通信/写真部</creditline></contentMeta>
      <contentSet>
        <remoteContent rendition="rnd:thumbnail" href="{href}?thumb" width="120"/>
        <remoteContent rendition="rnd:highRes" href="{href}" width="3000"/>
      </contentSet>
    </newsItem>"""


def package(guid: str, groups: str, *, version: str = "1", root: str = "G1") -> str:
    return f"""<packageItem guid="{guid}" version="{version}" xmlns="{NAR}">
      <itemMeta><itemClass qcode="ninat:composite"/><pubStatus qcode="stat:usable"/></itemMeta>
      <contentMeta><headline>朝市パッケージ</headline></contentMeta>
      <groupSet root="{root}">{groups}</groupSet>
    </packageItem>"""


def ref(guid: str, kind: str = "") -> str:
    item_class = f'<itemClass qcode="ninat:{kind}"/>' if kind else ""
    return f'<itemRef residref="{guid}">{item_class}</itemRef>'


MAIN = (
    '<group id="G1" role="group:main">'
    + ref("urn:story", "text")
    + '<groupRef idref="G2"/></group>'
    + '<group id="G2" role="group:pictures">'
    + ref("urn:pic:1", "picture")
    + ref("urn:pic:2", "picture")
    + ref("urn:pic:3", "picture")
    + "</group>"
)


message = g2_message


# --- Parsing ------------------------------------------------------------------------------


def test_package_members_in_group_order() -> None:
    result = get_provider("newsml").parse(message(package("urn:pkg", MAIN)))
    (entry,) = result.packages
    assert entry.headline == "朝市パッケージ"
    assert [(m.guid, m.kind) for m in entry.members] == [
        ("urn:story", "text"),
        ("urn:pic:1", "picture"),
        ("urn:pic:2", "picture"),
        ("urn:pic:3", "picture"),
    ]


def test_a_standalone_package_item_document_is_read() -> None:
    data = ('<?xml version="1.0"?>' + package("urn:pkg", MAIN)).encode()
    assert get_provider("newsml").parse(data).packages[0].guid == "urn:pkg"


def test_picture_item_keeps_its_best_rendition_caption_and_credit() -> None:
    (picture,) = get_provider("newsml").parse(message(picture_item("urn:pic:1"))).pictures
    assert picture.url == "https://img.example/1.jpg"
    assert (picture.caption, picture.credit) == ("説明 urn:pic:1", "サンプル通信/写真部")


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (
            package("urn:pkg", f'<group id="G1">{ref("urn:pkg")}{ref("urn:x", "text")}</group>'),
            "references itself",
        ),
        (package("urn:pkg", f'<group id="G1">{ref("urn:p", "picture")}</group>'), "no text member"),
        (package("", MAIN), "packageItem has no guid"),
        (package("urn:pkg", ""), "no groupSet/group"),
        (package("urn:pkg", MAIN, root="NOPE"), "names no group"),
        (package("urn:pkg", MAIN, version="x"), "version must be a non-negative integer"),
        (package("urn:pkg", f'<group id="G1">{ref("urn:v", "video")}</group>'), "no members"),
        (picture_item("urn:pic:9", href="file:///etc/passwd"), "no http(s) rendition"),
        (picture_item("urn:pic:9", href="javascript:alert(1)"), "no http(s) rendition"),
    ],
)
def test_bad_packages_and_pictures_are_refused_with_a_reason(xml: str, reason: str) -> None:
    result = get_provider("newsml").parse(message(text_item("urn:ok"), xml))
    assert [e.guid for e in result.entries] == ["urn:ok"]  # the rest of the message still reads
    assert not result.packages and not result.pictures
    (error,) = result.errors
    assert reason in error.message


def test_group_cycle_is_refused_with_its_path() -> None:
    groups = (
        f'<group id="G1">{ref("urn:story", "text")}<groupRef idref="G2"/></group>'
        f'<group id="G2">{ref("urn:pic:1", "picture")}<groupRef idref="G1"/></group>'
    )
    result = get_provider("newsml").parse(message(text_item("urn:ok"), package("urn:pkg", groups)))
    assert not result.packages and [e.guid for e in result.entries] == ["urn:ok"]
    (error,) = result.errors
    assert "G1 → G2 → G1" in error.message and "循環" in error.message


def test_a_group_referenced_twice_is_not_a_cycle_and_stays_linear() -> None:
    """A lattice of 40 groups, each referring to the next twice: 2^40 paths if walked naively."""
    groups = (
        "".join(
            f'<group id="G{n}">{ref(f"urn:pic:{n}", "picture")}'
            f'<groupRef idref="G{n + 1}"/><groupRef idref="G{n + 1}"/></group>'
            for n in range(1, 40)
        )
        + f'<group id="G40">{ref("urn:story", "text")}</group>'
    )
    started = time.perf_counter()
    (entry,) = get_provider("newsml").parse(message(package("urn:pkg", groups))).packages
    assert time.perf_counter() - started < 1
    assert [m.guid for m in entry.members] == [f"urn:pic:{n}" for n in range(1, 40)] + ["urn:story"]


def ninjs_story(uri: str, associations: list, version: int = 1) -> dict:
    return {
        "uri": uri,
        "version": str(version),
        "type": "text",
        "headline": "朝市のニュース",
        "associations": associations,
    }


def test_ninjs_associations_by_reference_make_a_package() -> None:
    story = ninjs_story(
        "urn:n:story",
        [
            {"name": "a", "uri": "urn:n:pic1", "type": "picture"},
            {
                "name": "b",
                "uri": "urn:n:pic2",
                "type": "picture",
                "renditions": [{"name": "main", "href": "https://img.example/n2.jpg"}],
            },
        ],
    )
    result = get_provider("ninjs").parse(json.dumps([story]).encode())
    (entry,) = result.entries
    (pkg,) = result.packages
    assert [m.guid for m in pkg.members] == ["urn:n:story", "urn:n:pic1", "urn:n:pic2"]
    # The picture carried whole is a picture too, so the package does not wait for it.
    assert [p.guid for p in result.pictures] == ["urn:n:pic2"]


def test_ninjs_association_to_itself_is_refused() -> None:
    story = ninjs_story("urn:n:story", [{"name": "a", "uri": "urn:n:story", "type": "picture"}])
    result = get_provider("ninjs").parse(json.dumps([story]).encode())
    assert not result.entries and "自分自身" in result.errors[0].message


def gallery(uri: str, *members: dict, kind: str | None = "composite") -> dict:
    found = {"uri": uri, "associations": list(members)}
    return found | ({"type": kind} if kind else {})


def picture_ref(uri: str, href: str = "") -> dict:
    found = {"uri": uri, "type": "picture"}
    if href:
        found["renditions"] = [{"name": "main", "href": href}]
    return found


def test_ninjs_associations_nested_in_associations_are_read_in_order() -> None:
    story = ninjs_story(
        "urn:n:story",
        [
            picture_ref("urn:n:pic1"),
            # A gallery holding a picture and a sidebar with a picture of its own, two deep.
            gallery(
                "urn:n:gallery",
                picture_ref("urn:n:pic2", "https://img.example/n2.jpg"),
                gallery("urn:n:side", picture_ref("urn:n:pic3"), kind="text"),
            ),
            picture_ref("urn:n:pic4"),
        ],
    )
    result = get_provider("ninjs").parse(json.dumps([story]).encode())
    (entry,) = result.entries
    (pkg,) = result.packages
    expected = ["urn:n:story", "urn:n:pic1", "urn:n:pic2", "urn:n:pic3", "urn:n:pic4"]
    assert [m.guid for m in pkg.members] == expected
    assert [p.guid for p in result.pictures] == ["urn:n:pic2"]
    assert [image.url for image in entry.images] == ["https://img.example/n2.jpg"]
    # A container without a type is a container, not a picture waiting to arrive.
    story = ninjs_story("urn:n:s2", [gallery("urn:n:g2", picture_ref("urn:n:p"), kind=None)])
    (pkg,) = get_provider("ninjs").parse(json.dumps([story]).encode()).packages
    assert [m.guid for m in pkg.members] == ["urn:n:s2", "urn:n:p"]


def test_ninjs_nested_association_to_the_story_or_too_deep_is_refused() -> None:
    loop = ninjs_story("urn:n:story", [gallery("urn:n:g", picture_ref("urn:n:story"))])
    result = get_provider("ninjs").parse(json.dumps([loop]).encode())
    assert not result.entries and "自分自身" in result.errors[0].message
    deep: dict = picture_ref("urn:n:bottom")
    for level in range(12):
        deep = gallery(f"urn:n:g{level}", deep)
    result = get_provider("ninjs").parse(
        json.dumps([ninjs_story("urn:n:deep", [deep]), ninjs_story("urn:n:fine", [])]).encode()
    )
    assert [e.guid for e in result.entries] == ["urn:n:fine"]
    assert "入れ子が深すぎます" in result.errors[0].message


def test_ninjs_nested_pictures_reach_the_story_on_ingest(db) -> None:
    source = WireSourceFactory(name="ninjs通信")
    story = ninjs_story("urn:n:story", [gallery("urn:n:g", picture_ref("urn:n:pic1"))])
    wire_ingest_bytes(source=source, data=json.dumps([story]).encode(), origin="test")
    picture = {
        "uri": "urn:n:pic1",
        "type": "picture",
        "renditions": [{"name": "main", "href": "https://img.example/p1.jpg"}],
    }
    wire_ingest_bytes(source=source, data=json.dumps([picture]).encode(), origin="test")
    item = WireItem.objects.get(source=source, guid="urn:n:story")
    assert [p.url for p in wire_item_pictures(item=item).received] == ["https://img.example/p1.jpg"]


def test_ninjs_embedded_pictures_alone_make_no_package() -> None:
    story = ninjs_story(
        "urn:n:story",
        [
            {
                "name": "a",
                "uri": "urn:n:pic",
                "type": "picture",
                "renditions": [{"name": "main", "href": "https://img.example/x.jpg"}],
            }
        ],
    )
    result = get_provider("ninjs").parse(json.dumps([story]).encode())
    assert not result.packages and result.entries[0].images[0].url == "https://img.example/x.jpg"


# --- Ingest --------------------------------------------------------------------------------


def ingest(source, *items: str):
    return wire_ingest_bytes(source=source, data=message(*items), origin="test")


def story_pictures(source):
    return wire_item_pictures(item=WireItem.objects.get(source=source, guid="urn:story"))


def test_package_first_then_members_arrive(g2_source, django_assert_max_num_queries):
    summary = ingest(g2_source, package("urn:pkg", MAIN))
    assert summary.ingested == 1 and not WireItem.objects.exists()
    ingest(g2_source, text_item("urn:story"), picture_item("urn:pic:2"))
    pictures = story_pictures(g2_source)
    assert pictures.package.guid == "urn:pkg"
    assert [(p.guid, p.received) for p in pictures.pictures] == [
        ("urn:pic:1", False),
        ("urn:pic:2", True),
        ("urn:pic:3", False),
    ]
    assert pictures.waiting == 2
    ingest(g2_source, picture_item("urn:pic:3"), picture_item("urn:pic:1"))
    item = WireItem.objects.get(guid="urn:story")
    with django_assert_max_num_queries(3):
        pictures = wire_item_pictures(item=item)
    assert pictures.waiting == 0
    assert [p.url for p in pictures.received] == [
        "https://img.example/1.jpg",
        "https://img.example/2.jpg",
        "https://img.example/3.jpg",
    ]
    assert pictures.received[0].credit == "サンプル通信/写真部"


def test_a_new_package_version_changes_members_and_order(g2_source):
    ingest(
        g2_source,
        text_item("urn:story"),
        *(picture_item(f"urn:pic:{n}") for n in (1, 2, 3)),
        package("urn:pkg", MAIN),
    )
    reordered = (
        f'<group id="G1">{ref("urn:pic:3", "picture")}{ref("urn:story", "text")}'
        f"{ref('urn:pic:1', 'picture')}</group>"
    )
    assert ingest(g2_source, package("urn:pkg", reordered, version="2")).updated == 1
    assert [p.guid for p in story_pictures(g2_source).pictures] == ["urn:pic:3", "urn:pic:1"]
    # An older package version arriving late changes nothing.
    assert ingest(g2_source, package("urn:pkg", MAIN, version="1")).ignored_older == 1
    assert [p.guid for p in story_pictures(g2_source).pictures] == ["urn:pic:3", "urn:pic:1"]
    assert WirePackage.objects.get().members.count() == 3


def test_withheld_picture_and_text_member_of_unknown_kind_are_left_out(g2_source):
    groups = f'<group id="G1">{ref("urn:story")}{ref("urn:other")}{ref("urn:pic:1")}</group>'
    ingest(
        g2_source,
        text_item("urn:story"),
        text_item("urn:other"),
        picture_item("urn:pic:1", status="withheld"),
        package("urn:pkg", groups),
    )
    assert story_pictures(g2_source).pictures == []
    ingest(g2_source, picture_item("urn:pic:1", version="2"))
    assert [p.guid for p in story_pictures(g2_source).pictures] == ["urn:pic:1"]


def test_picture_versions(g2_source):
    ingest(g2_source, picture_item("urn:pic:1", version="2"))
    assert ingest(g2_source, picture_item("urn:pic:1", version="1")).ignored_older == 1
    assert ingest(g2_source, picture_item("urn:pic:1", version="2")).unchanged == 1
    assert WirePicture.objects.count() == 1


def test_self_referencing_package_is_logged_and_nothing_stored(g2_source):
    bad = package("urn:pkg", f'<group id="G1">{ref("urn:story", "text")}{ref("urn:pkg")}</group>')
    summary = ingest(g2_source, bad)
    assert summary.errors == 1 and not WirePackage.objects.exists()
    assert "references itself" in WireIngestError.objects.get().message


def test_item_without_package_shows_its_own_images(g2_source):
    ingest(g2_source, text_item("urn:story"))
    assert story_pictures(g2_source).package is None


def test_admin_item_view_lists_package_pictures(g2_source, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("desk", "d@example.com", "pw"))
    ingest(g2_source, text_item("urn:story"), picture_item("urn:pic:1"), package("urn:pkg", MAIN))
    item = WireItem.objects.get(guid="urn:story")
    response = client.get(f"/admin/wire/items/inspect/{item.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "朝市パッケージ" in html and "説明 urn:pic:1" in html
    assert "未着の写真が2件" in html


# --- Nested packages ----------------------------------------------------------------------


def outer(guid: str, *refs: str) -> str:
    return package(guid, f'<group id="G1">{"".join(refs)}</group>')


def member_guids(source, guid: str) -> list[str]:
    row = WirePackage.objects.get(source=source, guid=guid)
    return [m.guid for m in row.members.order_by("position")]


def test_a_package_inside_a_package_is_one_story_in_order(g2_source):
    summary = ingest(
        g2_source,
        outer("urn:outer", ref("urn:pkg", "composite"), ref("urn:pic:9", "picture")),
        package("urn:pkg", MAIN),
        text_item("urn:story"),
        *(picture_item(f"urn:pic:{n}") for n in (1, 2, 3, 9)),
    )
    assert summary.errors == 0
    # The member package stays as a marker (readers skip it) before its members.
    expected = ["urn:pkg", "urn:story", "urn:pic:1", "urn:pic:2", "urn:pic:3", "urn:pic:9"]
    assert member_guids(g2_source, "urn:outer") == expected


def test_a_stored_inner_package_is_expanded_when_the_outer_one_arrives(g2_source):
    ingest(g2_source, package("urn:pkg", MAIN))
    # Without a class the reference is still recognised as the stored package.
    ingest(g2_source, outer("urn:outer", ref("urn:pic:0", "picture"), ref("urn:pkg")))
    assert member_guids(g2_source, "urn:outer") == [
        "urn:pic:0",
        "urn:pkg",
        "urn:story",
        "urn:pic:1",
        "urn:pic:2",
        "urn:pic:3",
    ]


def test_packages_that_reach_themselves_are_refused_and_nothing_is_stored(g2_source):
    summary = ingest(
        g2_source,
        outer("urn:a", ref("urn:story", "text"), ref("urn:b", "composite")),
        outer("urn:b", ref("urn:pic:1", "picture"), ref("urn:a", "composite")),
        package("urn:fine", MAIN),
    )
    assert summary.errors == 2
    assert list(WirePackage.objects.values_list("guid", flat=True)) == ["urn:fine"]
    messages = sorted(WireIngestError.objects.values_list("guid", "message"))
    assert [guid for guid, _ in messages] == ["urn:a", "urn:b"]
    assert "urn:a → urn:b → urn:a" in messages[0][1] and "自分自身" in messages[0][1]


def test_a_cycle_through_a_stored_package_is_refused(g2_source):
    # urn:a refers to urn:b, not received yet: stored with the reference unexpanded.
    ingest(g2_source, outer("urn:a", ref("urn:story", "text"), ref("urn:b", "composite")))
    assert member_guids(g2_source, "urn:a") == ["urn:story", "urn:b"]
    summary = ingest(g2_source, outer("urn:b", ref("urn:pic:1", "picture"), ref("urn:a")))
    assert summary.errors == 1
    assert "urn:b → urn:a → urn:b" in WireIngestError.objects.get().message
    assert not WirePackage.objects.filter(guid="urn:b").exists()


def test_an_inner_package_arriving_after_the_outer_one_completes_the_story(g2_source):
    # The outer package names urn:pkg before it has arrived: nothing of it is known yet.
    ingest(g2_source, outer("urn:outer", ref("urn:pkg", "composite"), ref("urn:pic:9", "picture")))
    assert member_guids(g2_source, "urn:outer") == ["urn:pkg", "urn:pic:9"]
    ingest(g2_source, package("urn:pkg", MAIN), text_item("urn:story"))
    assert member_guids(g2_source, "urn:outer") == [
        "urn:pkg",
        "urn:story",
        "urn:pic:1",
        "urn:pic:2",
        "urn:pic:3",
        "urn:pic:9",
    ]
    row = WirePackage.objects.get(guid="urn:outer")
    assert row.story_guid_hash == WireItem.objects.get(guid="urn:story").guid_hash


def test_a_new_version_of_an_inner_package_updates_the_outer_story(g2_source):
    ingest(
        g2_source,
        package("urn:pkg", MAIN),
        outer("urn:outer", ref("urn:pkg", "composite"), ref("urn:pic:9", "picture")),
        outer("urn:top", ref("urn:outer", "composite")),
        text_item("urn:story"),
        *(picture_item(f"urn:pic:{n}") for n in (1, 2, 3, 4, 9)),
    )
    changed = (
        f'<group id="G1">{ref("urn:story", "text")}{ref("urn:pic:4", "picture")}'
        f"{ref('urn:pic:1', 'picture')}</group>"
    )
    summary = ingest(g2_source, package("urn:pkg", changed, version="2"))
    assert summary.updated == 1 and summary.errors == 0
    # The inner package's part is replaced in place; the outer's own members stay.
    expected = ["urn:pkg", "urn:story", "urn:pic:4", "urn:pic:1", "urn:pic:9"]
    assert member_guids(g2_source, "urn:outer") == expected
    # … and two levels up, through the outer package.
    assert member_guids(g2_source, "urn:top") == ["urn:outer", *expected]
    # The story a reader sees follows the new version.
    item = WireItem.objects.get(guid="urn:story")
    assert [p.guid for p in wire_item_pictures(item=item).pictures][:2] == [
        "urn:pic:4",
        "urn:pic:1",
    ]


def test_an_inner_package_that_would_close_a_cycle_leaves_the_outer_as_it_was(g2_source):
    ingest(g2_source, outer("urn:outer", ref("urn:story", "text"), ref("urn:pkg", "composite")))
    # urn:pkg names urn:outer: refused (a cycle through the stored package), outer unchanged.
    summary = ingest(g2_source, outer("urn:pkg", ref("urn:pic:1", "picture"), ref("urn:outer")))
    assert summary.errors == 1 and not WirePackage.objects.filter(guid="urn:pkg").exists()
    assert member_guids(g2_source, "urn:outer") == ["urn:story", "urn:pkg"]
