"""RSS/Atom provider: mapping, per-entry errors and Japanese encodings without declarations."""

from __future__ import annotations

import datetime as dt

import pytest

from kisha.wire.providers import WireFormatError, get_provider

HEADLINE = "米朝首脳、非核化で合意できず　協議は継続へ"
BODY = "首相は１０日、記者団に「経済対策を急ぐ」と述べた。"


def rss(declaration: str = '<?xml version="1.0"?>', headline: str = HEADLINE) -> str:
    return f"""{declaration}
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
 <channel>
  <title>ニュース速報</title><link>https://news.example.jp/</link><language>ja</language>
  <item>
   <title>{headline}</title>
   <link>https://news.example.jp/a/1</link>
   <guid isPermaLink="false">kisha-0001</guid>
   <description>&lt;p&gt;{BODY}&lt;/p&gt;</description>
   <category domain="https://news.example.jp/cat">ワールド</category>
   <author>記者 花子</author>
   <pubDate>Tue, 10 Dec 2019 15:00:00 +0900</pubDate>
   <enclosure url="https://img.example.jp/1.jpg" type="image/jpeg" length="1"/>
  </item>
  <item>
   <title>guidのない記事</title>
   <link>https://news.example.jp/a/2</link>
   <content:encoded><![CDATA[<p>全文<script>x()</script></p>]]></content:encoded>
   <description>要約</description>
  </item>
  <item><description>見出しのない記事</description><link>https://news.example.jp/a/3</link></item>
  <item><title>リンクもguidもない</title></item>
 </channel>
</rss>"""


def test_rss_entries_map_and_bad_ones_are_reported() -> None:
    result = get_provider("rss").parse(rss().encode("utf-8"))
    first, second = result.entries
    assert first.guid == "kisha-0001"
    assert first.headline == HEADLINE
    assert first.body_html == f"<p>{BODY}</p>"
    assert first.summary == BODY
    assert first.byline == "記者 花子"
    assert first.language == "ja"
    assert first.subjects == (("ワールド", "ワールド"),)
    assert first.link == "https://news.example.jp/a/1"
    assert first.firstcreated == dt.datetime(2019, 12, 10, 6, 0, tzinfo=dt.UTC)
    assert first.version == int(first.firstcreated.timestamp())
    assert first.pubstatus == "usable" and first.urgency is None
    assert first.images[0].url == "https://img.example.jp/1.jpg"
    assert first.format == "feed-rss20"
    # No guid: the link is the identity; content:encoded wins over description.
    assert second.guid == "https://news.example.jp/a/2"
    assert second.body_html == "<p>全文</p>"
    assert second.summary == "要約"
    assert second.version == 1
    assert [(e.position, e.message) for e in result.errors] == [
        (2, "entry has no title"),
        (3, "entry has neither a guid/id nor a link"),
    ]


def test_atom_feed_version_follows_updated() -> None:
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ja">
  <title>Kisha</title><id>urn:kisha:feed</id><updated>2025-11-04T06:00:00Z</updated>
  <entry>
    <id>urn:kisha:entry:1</id><title type="html">台風&lt;b&gt;１０号&lt;/b&gt;</title>
    <published>2025-11-04T05:00:00+09:00</published><updated>2025-11-04T07:30:00+09:00</updated>
    <author><name>気象担当</name></author>
    <category term="weather" label="天気"/>
    <content type="html">&lt;p&gt;本文&lt;/p&gt;&lt;h2&gt;小見出し&lt;/h2&gt;</content>
    <link rel="alternate" href="https://news.example.jp/w/1"/>
  </entry>
</feed>"""
    (entry,) = get_provider("rss").parse(atom.encode()).entries
    assert entry.guid == "urn:kisha:entry:1"
    assert entry.headline == "台風１０号"
    assert entry.versioncreated == dt.datetime(2025, 11, 3, 22, 30, tzinfo=dt.UTC)
    assert entry.firstcreated == dt.datetime(2025, 11, 3, 20, 0, tzinfo=dt.UTC)
    assert entry.version == int(entry.versioncreated.timestamp())
    assert entry.subjects == (("weather", "天気"),)
    assert entry.body_html == "<p>本文</p><h2>小見出し</h2>"
    assert entry.language == "ja"
    assert entry.format == "feed-atom10"


@pytest.mark.parametrize("codec", ["shift_jis", "cp932", "euc-jp", "utf-8"])
def test_undeclared_japanese_encodings_decode(codec: str) -> None:
    data = rss(headline=HEADLINE).encode(codec if codec != "shift_jis" else "cp932")
    result = get_provider("rss").parse(data)
    assert result.entries[0].headline == HEADLINE
    assert BODY in result.entries[0].body_html


@pytest.mark.parametrize("codec", ["Shift_JIS", "EUC-JP", "Windows-31J"])
def test_declared_japanese_encodings_decode(codec: str) -> None:
    python_codec = "euc-jp" if codec == "EUC-JP" else "cp932"
    data = rss(declaration=f'<?xml version="1.0" encoding="{codec}"?>').encode(python_codec)
    assert get_provider("rss").parse(data).entries[0].headline == HEADLINE


def test_http_charset_decides_when_the_document_is_silent() -> None:
    data = rss(declaration="").encode("euc-jp")
    result = get_provider("rss").parse(data, content_type="application/rss+xml; charset=EUC-JP")
    assert result.entries[0].headline == HEADLINE


def test_short_euc_jp_that_is_also_valid_cp932_is_not_mojibake() -> None:
    headline = "首相が会見「経済対策を急ぐ」"
    data = rss(headline=headline).encode("euc-jp")
    assert get_provider("rss").parse(data).entries[0].headline == headline


@pytest.mark.parametrize(
    "data", [b"<html><body>not a feed</body></html>", b"plain text", b"\x00\x01"]
)
def test_not_a_feed_is_a_document_error(data: bytes) -> None:
    with pytest.raises(WireFormatError, match="RSS/Atom"):
        get_provider("rss").parse(data)


def test_bytes_that_look_like_a_path_are_never_opened() -> None:
    # feedparser opens str/bytes that name a file; the provider must only ever parse content.
    with pytest.raises(WireFormatError):
        get_provider("rss").parse(b"/etc/passwd")


def test_cp932_extensions_in_undeclared_shift_jis() -> None:
    data = rss(headline="①㈱髙橋　ｶﾀｶﾅ混在").encode("cp932")
    assert get_provider("rss").parse(data).entries[0].headline == "①㈱髙橋　ｶﾀｶﾅ混在"
