"""ninjs provider: batches, bad entries, wrong types, limits, the three generations' spellings."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kisha.wire.providers import WireFormatError, get_provider
from kisha.wire.providers.base import MAX_HEADLINE


def parse(document: object, **kwargs):
    return get_provider("ninjs").parse(json.dumps(document, ensure_ascii=False).encode(), **kwargs)


def item(uri: str = "urn:kisha:1", **fields: object) -> dict[str, object]:
    return {"uri": uri, "type": "text", "headlines": [{"value": "見出し"}], **fields}


@pytest.mark.parametrize(
    "data",
    [b"{", b"{'uri': 1}", b"\xff\xfe\x00", b"null", b"42", b'"text"', b"[1, 2", b"NaN-ish"],
)
def test_malformed_json_is_a_document_error(data: bytes) -> None:
    with pytest.raises(WireFormatError) as caught:
        get_provider("ninjs").parse(data)
    assert caught.value.message.startswith("ninjs:")


def test_empty_document_is_refused() -> None:
    with pytest.raises(WireFormatError, match="empty"):
        get_provider("ninjs").parse(b"  \n")


def test_deeply_nested_json_is_refused_not_a_crash() -> None:
    with pytest.raises(WireFormatError, match="nested too deeply|not valid JSON"):
        get_provider("ninjs").parse(b"[" * 200_000 + b"]" * 200_000)


def test_huge_integer_is_refused_not_a_crash() -> None:
    with pytest.raises(WireFormatError):
        get_provider("ninjs").parse(b'{"uri": "x", "urgency": ' + b"9" * 10_000 + b"}")


def test_batch_with_one_bad_entry_keeps_the_rest() -> None:
    result = parse(
        {
            "items": [
                item("urn:kisha:1"),
                {"uri": "urn:kisha:2", "headlines": "not a list"},
                "not an object",
                item("urn:kisha:4", urgency=12),
                item("urn:kisha:5", pubStatus="canceled"),
            ]
        }
    )
    assert [e.guid for e in result.entries] == ["urn:kisha:1", "urn:kisha:5"]
    assert [(e.position, e.guid) for e in result.errors] == [
        (1, "urn:kisha:2"),
        (2, ""),
        (3, "urn:kisha:4"),
    ]
    assert "headlines must be a list" in result.errors[0].message
    assert "must be a JSON object" in result.errors[1].message
    assert "urgency must be a number 1-9" in result.errors[2].message
    assert result.entries[1].pubstatus == "canceled"


def test_a_json_array_is_a_batch() -> None:
    result = parse([item("a"), item("b")])
    assert [e.guid for e in result.entries] == ["a", "b"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"uri": 42}, "uri must be text"),
        ({"uri": ""}, "guid is missing"),
        ({"headlines": [{"value": 3}]}, "headlines.value must be text"),
        ({"headlines": [], "title": ["x"]}, "title must be text"),
        ({"versionCreated": 20240101}, "versioncreated must be an ISO 8601 string"),
        ({"versionCreated": "yesterday"}, "not an ISO 8601 date-time"),
        ({"version": "1.2"}, "version must be a non-negative integer"),
        ({"version": True}, "version must be an integer"),
        ({"pubStatus": "published"}, "not usable, withheld or canceled"),
        ({"urgency": 0}, "urgency must be a number 1-9"),
        ({"urgency": "high"}, "urgency must be a number 1-9"),
        ({"subjects": {"name": "x"}}, "subjects must be a list"),
        ({"associations": "x"}, "associations must be an object or a list"),
        ({"headlines": [{"value": "x" * (MAX_HEADLINE + 1)}]}, "headline is too long"),
        ({"by": "x" * 5000}, "byline is too long"),
        ({"bodies": [{"value": "x" * 3_000_000}]}, "body is too long"),
        ({"type": "video"}, "'video' is not a text item"),
    ],
)
def test_wrong_types_and_oversized_fields_are_entry_errors(fields: dict, message: str) -> None:
    result = parse(item(**fields))
    assert result.entries == []
    (error,) = result.errors
    assert message in error.message


def test_all_fields_3x_camel_case() -> None:
    (entry,) = parse(
        {
            "uri": "urn:kyodo:2025:0001",
            "type": "text",
            "version": "3",
            "versionCreated": "2025-11-04T15:00:00+09:00",
            "firstCreated": "2025-11-04T09:00:00+09:00",
            "embargoedUntil": "2025-11-04T16:00:00",
            "pubStatus": "withheld",
            "urgency": 2,
            "language": "ja",
            "by": "共同通信",
            "headlines": [
                {"role": "sub", "value": "副見出し"},
                {"role": "main", "value": "首相が会見「経済対策を急ぐ」"},
            ],
            "descriptions": [{"role": "summary", "value": "首相は４日、会見した。"}],
            "bodies": [
                {
                    "contentType": "text/html",
                    "value": '<p onclick="x()">本文<script>alert(1)</script></p><h4>小見出し</h4><a href="javascript:alert(1)">link</a>',
                },
            ],
            "subjects": [
                {"name": "政治", "uri": "http://cv.iptc.org/newscodes/mediatopic/11000000"},
                {"literal": "keizai"},
            ],
        }
    ).entries
    assert entry.version == 3
    assert entry.headline == "首相が会見「経済対策を急ぐ」"
    assert entry.summary == "首相は４日、会見した。"
    assert entry.pubstatus == "withheld"
    assert entry.urgency == 2
    assert entry.versioncreated == dt.datetime(2025, 11, 4, 6, 0, tzinfo=dt.UTC)
    assert entry.firstcreated == dt.datetime(2025, 11, 4, 0, 0, tzinfo=dt.UTC)
    assert entry.embargoed == dt.datetime(2025, 11, 4, 16, 0, tzinfo=dt.UTC)  # naive = UTC
    assert entry.body_html == '<p>本文</p>小見出し<a rel="noopener noreferrer">link</a>'
    assert entry.subjects == (
        ("http://cv.iptc.org/newscodes/mediatopic/11000000", "政治"),
        ("keizai", "keizai"),
    )
    assert entry.format == "ninjs-3"


def test_1x_headline_and_body_html_keys() -> None:
    (entry,) = parse(
        {
            "uri": "urn:1x",
            "headline": "旧形式の見出し",
            "body_html": "<p>本文<br>二行目</p>",
            "versioncreated": "2024-01-01T00:00:00Z",
            "pubstatus": "usable",
            "urgency": 5,
            "subject": [
                {"name": "Italy", "scheme": "http://cvx.iptc.org/iso3166-1a2/", "code": "it"}
            ],
        }
    ).entries
    assert entry.headline == "旧形式の見出し"
    assert entry.body_html == "<p>本文<br>二行目</p>"
    assert entry.urgency == 5
    assert entry.subjects == (("http://cvx.iptc.org/iso3166-1a2/it", "Italy"),)
    assert entry.format == "ninjs-1"


def test_shift_jis_json_is_decoded() -> None:
    data = json.dumps(item(headlines=[{"value": "台風１０号が上陸"}]), ensure_ascii=False)
    result = get_provider("ninjs").parse(data.encode("cp932"))
    assert result.entries[0].headline == "台風１０号が上陸"


def test_plain_text_body_is_escaped() -> None:
    (entry,) = parse(item(bodies=[{"value": "a < b & <script>\n\n第二段落"}])).entries
    assert entry.body_html == "<p>a &lt; b &amp; &lt;script&gt;</p><p>第二段落</p>"


def test_image_urls_must_be_http() -> None:
    (entry,) = parse(
        item(
            associations=[
                {
                    "name": "a",
                    "uri": "u1",
                    "type": "picture",
                    "renditions": [{"name": "main", "href": "file:///etc/passwd"}],
                },
                {
                    "name": "b",
                    "uri": "u2",
                    "type": "picture",
                    "renditions": [
                        {"name": "thumb", "href": "https://img.example/t.jpg", "width": 80},
                        {"name": "big", "href": "https://img.example/b.jpg", "width": 800},
                    ],
                },
            ]
        )
    ).entries
    assert [i.url for i in entry.images] == ["https://img.example/b.jpg"]


def test_odd_association_types_are_skipped_not_a_crash() -> None:
    (entry,) = parse(item(associations=[{"name": "x", "uri": "u", "type": ["picture"]}])).entries
    assert entry.images == ()
