"""NewsML-G2 provider: newsMessage batches, NITF/XHTML bodies, statuses, encodings."""

from __future__ import annotations

import pytest

from kisha.wire.factories import NAR, g2_message
from kisha.wire.providers import WireFormatError, get_provider


def news_item(
    guid: str,
    *,
    version: str = "1",
    item_class: str = "ninat:text",
    pub_status: str = "stat:usable",
    headline: str = "見出し",
    extra_meta: str = "",
    content: str = "",
) -> str:
    return f"""
    <newsItem guid="{guid}" version="{version}" xml:lang="ja" xmlns="{NAR}">
      <itemMeta>
        <itemClass qcode="{item_class}"/>
        <versionCreated>2025-11-04T15:00:00+09:00</versionCreated>
        <pubStatus qcode="{pub_status}"/>
      </itemMeta>
      <contentMeta>
        <urgency>3</urgency>
        <by>ロイター</by>
        <headline>{headline}</headline>
        <description role="drol:summary">要約です。</description>
        {extra_meta}
      </contentMeta>
      <contentSet>{content}</contentSet>
    </newsItem>"""


def message(*items: str) -> bytes:
    return g2_message(*items, sent="2025-11-04T06:00:00Z")


NITF = """<inlineXML contenttype="application/nitf+xml">
  <nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><body>
    <body.head><hedline><hl1>NITF見出し</hl1></hedline><byline>記者 太郎</byline>
      <abstract><p>要旨</p></abstract></body.head>
    <body.content>
      <p>第一段落。<person>山田</person>氏が<em>語った</em>。</p>
      <hl2>小見出し</hl2>
      <media media-type="image"><media-reference source="https://img.example/a.jpg"/>
        <media-caption>写真説明</media-caption><media-producer>ロイター</media-producer></media>後続テキスト
      <bq><block><p>引用</p></block><credit>出典</credit></bq>
      <ul><li>一</li><li>二</li></ul>
      <p><a href="https://example.com/x">リンク</a><script>alert(1)</script></p>
    </body.content>
  </body></nitf></inlineXML>"""


def test_message_with_mixed_items_ingests_the_text_ones() -> None:
    result = get_provider("newsml").parse(
        message(
            news_item("urn:a", version="2", content=NITF),
            '<packageItem guid="urn:pkg" xmlns="http://iptc.org/std/nar/2006-10-01/"/>',
            news_item("urn:pic", item_class="ninat:picture"),
            news_item("urn:c", pub_status="stat:canceled", version="5"),
            news_item("urn:bad", version="two"),
            news_item("urn:nohead", headline=""),
        )
    )
    assert [(e.guid, e.version, e.pubstatus) for e in result.entries] == [
        ("urn:a", 2, "usable"),
        ("urn:c", 5, "canceled"),
    ]
    assert [(e.position, e.guid) for e in result.errors] == [
        (1, "urn:pkg"),
        (2, "urn:pic"),
        (4, "urn:bad"),
        (5, "urn:nohead"),
    ]
    assert "packageItem has no groupSet" in result.errors[0].message
    assert "picture has no http(s) rendition" in result.errors[1].message
    assert "version must be a non-negative integer" in result.errors[2].message


def test_nitf_body_maps_to_allowed_html() -> None:
    (entry,) = get_provider("newsml").parse(message(news_item("urn:a", content=NITF))).entries
    assert entry.headline == "見出し"
    assert entry.byline == "ロイター"
    assert entry.summary == "要約です。"
    assert entry.urgency == 3
    assert entry.language == "ja"
    html = entry.body_html
    assert "<p>第一段落。山田氏が<em>語った</em>。</p>" in html
    assert "<h2>小見出し</h2>" in html
    assert "写真説明" not in html and "後続テキスト" in html  # media dropped, its tail kept
    assert "<blockquote><p>引用</p>出典</blockquote>" in html
    assert "<ul><li>一</li><li>二</li></ul>" in html
    assert '<a href="https://example.com/x" rel="noopener noreferrer">リンク</a>' in html
    assert "script" not in html and "alert" not in html
    assert entry.images[0].url == "https://img.example/a.jpg"
    assert entry.images[0].caption == "写真説明"
    assert entry.images[0].credit == "ロイター"


def test_nitf_head_fills_missing_headline_and_byline() -> None:
    data = message(news_item("urn:a", headline="", content=NITF).replace("<by>ロイター</by>", ""))
    (entry,) = get_provider("newsml").parse(data).entries
    assert entry.headline == "NITF見出し"
    assert entry.byline == "記者 太郎"


def test_xhtml_and_plain_text_bodies() -> None:
    xhtml = (
        '<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml">'
        "<head><title>t</title></head><body><h2>見出し</h2><p>本文</p></body></html></inlineXML>"
    )
    plain = '<inlineData contenttype="text/plain">一行目\n\n二段落目 &lt;b&gt;</inlineData>'
    result = get_provider("newsml").parse(
        message(news_item("urn:x", content=xhtml), news_item("urn:t", content=plain))
    )
    assert result.entries[0].body_html == "<h2>見出し</h2><p>本文</p>"
    assert result.entries[1].body_html == "<p>一行目</p><p>二段落目 &lt;b&gt;</p>"


@pytest.mark.parametrize("codec", ["shift_jis", "cp932", "euc-jp"])
def test_declared_japanese_encodings(codec: str) -> None:
    xml = f'<?xml version="1.0" encoding="{codec.upper()}"?>' + news_item(
        "urn:jp", headline="東京都で震度５強　気象庁"
    )
    (entry,) = get_provider("newsml").parse(xml.encode(codec)).entries
    assert entry.headline == "東京都で震度５強　気象庁"  # 全角スペース kept


def test_cp932_only_characters_in_a_shift_jis_document() -> None:
    xml = '<?xml version="1.0" encoding="Shift_JIS"?>' + news_item("urn:jp", headline="①㈱髙橋")
    (entry,) = get_provider("newsml").parse(xml.encode("cp932")).entries
    assert entry.headline == "①㈱髙橋"


@pytest.mark.parametrize(
    ("data", "message_part"),
    [
        (b"<newsItem", "not well-formed"),
        (b"not xml at all", "not well-formed"),
        (b'<rss version="2.0"><channel/></rss>', "is not a newsItem, packageItem or newsMessage"),
        (b'<newsItem xmlns="urn:other"/>', "not the NewsML-G2"),
    ],
)
def test_document_errors(data: bytes, message_part: str) -> None:
    with pytest.raises(WireFormatError, match=message_part):
        get_provider("newsml").parse(data)


def test_undefined_html_entity_is_a_clear_error() -> None:
    with pytest.raises(WireFormatError, match="not well-formed"):
        get_provider("newsml").parse(message(news_item("urn:a", headline="a&nbsp;b")))
