"""NewsML 1.2 provider: identification, revisions, statuses, multi-part items, pictures, hostile
input, and end to end through the versioned ingest (update, kill, older revision)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from kisha.wire.models import WireIngestError, WireIngestRun, WireItem, WireItemVersion
from kisha.wire.providers import WireFormatError, get_provider, guess_provider_name
from kisha.wire.services import wire_ingest_bytes, wire_item_promote
from tests.wire.conftest import FIXTURE_DIR

SAMPLES = FIXTURE_DIR / "newsml-1.2"
GUID = "urn:newsml:wire.kisha.example:20261126:KS0001"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def parse(data: bytes, **kwargs):
    return get_provider("newsml1").parse(data, **kwargs)


def document(
    *,
    item_id: str = "T1",
    revision: str = "1",
    status: str = "Usable",
    headline: str = "見出し",
    content: str = "<ContentItem><MediaType FormalName='Text'/><DataContent>本文。</DataContent>"
    "</ContentItem>",
    prologue: str = '<?xml version="1.0" encoding="UTF-8"?>',
    management: str = "",
) -> str:
    return f"""{prologue}<NewsML Version="1.2"><NewsItem>
      <Identification><NewsIdentifier><ProviderId>p.example</ProviderId><DateId>20261126</DateId>
        <NewsItemId>{item_id}</NewsItemId><RevisionId>{revision}</RevisionId>
      </NewsIdentifier></Identification>
      <NewsManagement><Status FormalName="{status}"/>{management}</NewsManagement>
      <NewsComponent><NewsLines><HeadLine>{headline}</HeadLine></NewsLines>{content}
      </NewsComponent></NewsItem></NewsML>"""


# --- Parsing ------------------------------------------------------------------------------


def test_samples_are_recognised_as_newsml_1() -> None:
    for path in SAMPLES.glob("*.xml"):
        assert guess_provider_name(path.read_bytes()) == "newsml1", path.name
    assert guess_provider_name(b"<x/>", "text/vnd.IPTC.NewsML; charset=utf-8") == "newsml1"
    # NewsML-G2 still goes to its own provider.
    g2 = (FIXTURE_DIR / "newsml-g2" / "LISTING_2_NewsML-G2_Text_Document.xml").read_bytes()
    assert guess_provider_name(g2) == "newsml"


def test_japanese_nitf_item() -> None:
    (entry,) = parse(sample("ja_text_nitf.xml")).entries
    assert entry.guid == GUID  # the revision suffix is not part of the identity
    assert entry.version == 1
    assert entry.format == "newsml-1.2"
    assert entry.headline == "港町の朝市、三十年ぶりに平日開催へ"
    assert entry.summary == "架空市の朝市が来春から平日にも開かれる。"  # NITF abstract
    assert entry.byline == "記者サンプル通信 浜田 花子"
    assert entry.language == "ja"
    assert entry.urgency == 3  # NewsManagement/Urgency wins over the envelope's Priority
    assert [s.code for s in entry.subjects] == ["subj:04000000", "subj:04014000"]
    assert entry.firstcreated == dt.datetime(2026, 11, 26, 4, 55, tzinfo=dt.UTC)
    assert entry.versioncreated == dt.datetime(2026, 11, 26, 4, 55, tzinfo=dt.UTC)
    assert "<h2>観光客の増加が後押し</h2>" in entry.body_html
    assert "<em>売り切れ</em>" in entry.body_html
    (image,) = entry.images
    assert image.url.endswith("KS0001-1.jpg")
    assert (image.caption, image.credit) == ("朝市でにぎわう港(架空市、26日)", "記者サンプル通信")


def test_update_and_kill_are_later_revisions_of_the_same_guid() -> None:
    (update,) = parse(sample("ja_text_nitf_update.xml")).entries
    (kill,) = parse(sample("ja_text_nitf_kill.xml")).entries
    assert update.guid == kill.guid == GUID
    assert (update.version, update.pubstatus) == (2, "usable")
    assert (kill.version, kill.pubstatus, kill.urgency) == (3, "canceled", 1)
    assert kill.body_html == "<p>この記事は取り消しました。使用しないでください。</p>"


def test_english_multi_part_item_with_a_picture() -> None:
    entries = parse(sample("en_multipart_xhtml.xml")).entries
    main, withheld, embargoed = entries
    assert main.headline == "Harbour town opens its fish market on weekdays"
    assert main.language == "en" and main.byline == "By Sample Reporter"
    # Main text (XHTML), then the sidebar under its own headline as a 小見出し.
    assert main.body_html.index("<strong>selling out</strong>") < main.body_html.index(
        "<h2>What the market sells</h2>"
    )
    assert "<p>Mackerel, squid and seaweed.</p>" in main.body_html
    # One picture for three renditions: the Main one, with the caption item and credit line.
    (image,) = main.images
    assert image.url == "https://img.wire.kisha.example/20261126/EN0042-main.jpg"
    assert image.caption == "Shoppers at the harbour market on a Saturday morning."
    assert image.credit == "Kisha Sample Wire/Jane Example"
    assert withheld.pubstatus == "withheld"
    assert embargoed.pubstatus == "usable"
    assert embargoed.embargoed == dt.datetime(2026, 11, 27, tzinfo=dt.UTC)


def test_shift_jis_photo_only_item_is_refused_with_a_reason() -> None:
    result = parse(sample("ja_photo_only.xml"))
    assert not result.entries
    (error,) = result.errors
    assert error.guid == "urn:newsml:wire.kisha.example:20261126:PH0007"
    assert "pictures only" in error.message


def test_public_identifier_without_parts_is_the_guid_minus_its_revision() -> None:
    xml = """<NewsML><NewsItem><Identification><NewsIdentifier>
      <RevisionId>4</RevisionId><PublicIdentifier>urn:newsml:x.example:20261126:Z9:4U</PublicIdentifier>
      </NewsIdentifier></Identification><NewsComponent><NewsLines><HeadLine>h</HeadLine></NewsLines>
      <ContentItem><MediaType FormalName="Text"/><DataContent>t</DataContent></ContentItem>
      </NewsComponent></NewsItem></NewsML>"""
    (entry,) = parse(xml.encode()).entries
    assert (entry.guid, entry.version) == ("urn:newsml:x.example:20261126:Z9", 4)


def test_relative_picture_href_resolves_against_the_document_url() -> None:
    content = """<ContentItem><MediaType FormalName="Text"/><DataContent>本文</DataContent></ContentItem>
      <NewsComponent><ContentItem Href="photos/a.jpg"><MediaType FormalName="Photo"/></ContentItem>
      </NewsComponent>
      <NewsComponent><ContentItem Href="file:///etc/passwd"><MediaType FormalName="Photo"/>
      </ContentItem></NewsComponent>"""
    (entry,) = parse(
        document(content=content).encode(), base_url="https://feed.example/wire/doc.xml"
    ).entries
    assert [image.url for image in entry.images] == ["https://feed.example/wire/photos/a.jpg"]


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"revision": "abc"}, "RevisionId must be a non-negative integer"),
        ({"revision": "-1"}, "RevisionId"),
        ({"status": "Frozen"}, "not Usable, Withheld, Canceled or Embargoed"),
        ({"status": "Embargoed"}, None),  # no lift time: held, see below
        ({"headline": ""}, "no HeadLine"),
        ({"headline": "x" * 1001}, "headline is too long"),
        ({"content": ""}, "no text"),
        (
            {
                "content": "<ContentItem><MediaType FormalName='Text'/><Encoding FormalName='base64'/>"
                "<DataContent>5pys5paH</DataContent></ContentItem>"
            },
            "encoded DataContent (base64)",
        ),
        ({"management": "<Urgency FormalName='12'/>"}, "urgency must be a number 1-9"),
        (
            {"management": "<ThisRevisionCreated>yesterday</ThisRevisionCreated>"},
            "ThisRevisionCreated is not an ISO 8601",
        ),
    ],
)
def test_bad_items_are_refused_one_by_one(kwargs: dict, reason: str | None) -> None:
    good = document(item_id="GOOD")
    bad = document(item_id="BAD", **kwargs)
    # Both items in one document: the bad one must not cost the good one.
    xml = good.replace("</NewsML>", "") + bad[bad.index("<NewsItem>") :]
    result = parse(xml.encode())
    guids = [entry.guid for entry in result.entries]
    assert "urn:newsml:p.example:20261126:GOOD" in guids
    if reason is None:
        held = next(e for e in result.entries if e.guid.endswith(":BAD"))
        assert held.pubstatus == "withheld"
        return
    (error,) = result.errors
    assert error.position == 1 and error.guid == "urn:newsml:p.example:20261126:BAD"
    assert reason in error.message


def test_item_without_identification_and_partial_update_are_refused() -> None:
    xml = """<NewsML><NewsItem><NewsComponent><NewsLines><HeadLine>h</HeadLine></NewsLines>
      </NewsComponent></NewsItem><NewsItem><Identification><NewsIdentifier><ProviderId>p</ProviderId>
      <DateId>1</DateId><NewsItemId>U</NewsItemId><RevisionId>2</RevisionId></NewsIdentifier>
      </Identification><Update><InsertAfter DuidRef="x"/></Update></NewsItem></NewsML>"""
    first, second = parse(xml.encode()).errors
    assert "no NewsIdentifier" in first.message
    assert "partial update" in second.message


def test_components_nested_too_deep_are_refused() -> None:
    nested = "<NewsComponent>" * 30 + "</NewsComponent>" * 30
    result = parse(document(content=nested).encode())
    assert "nested deeper" in result.errors[0].message


# --- Hostile and broken documents -----------------------------------------------------------

BOMB_PROLOGUE = (
    '<?xml version="1.0"?><!DOCTYPE NewsML [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + "]>"
)


def test_billion_laughs_is_refused_quickly() -> None:
    data = document(prologue=BOMB_PROLOGUE, headline="&i;").encode()
    started = time.monotonic()
    with pytest.raises(WireFormatError, match="entit"):
        parse(data)
    assert time.monotonic() - started < 1.0


def test_external_entity_is_refused() -> None:
    prologue = '<?xml version="1.0"?><!DOCTYPE NewsML [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    with pytest.raises(WireFormatError, match="entit"):
        parse(document(prologue=prologue, headline="&x;").encode())


def test_public_dtd_reference_is_not_fetched_and_the_item_reads() -> None:
    # Real NewsML 1.2 documents carry the IPTC DOCTYPE; it must be neither fetched nor refused.
    (entry,) = parse(sample("ja_text_nitf.xml")).entries
    assert entry.headline


def test_wrong_encoding_is_refused_with_a_reason() -> None:
    # Declared UTF-8, but the headline holds bytes no UTF-8, Shift_JIS or EUC-JP decoder reads.
    data = document(headline="MARK").encode().replace(b"MARK", b"Caf\xe9 \xff\xfe\xfd")
    with pytest.raises(WireFormatError, match="文字コード"):
        parse(data)


def test_declared_euc_jp_is_read() -> None:
    text = document(headline="高橋さんの朝市", prologue='<?xml version="1.0" encoding="EUC-JP"?>')
    (entry,) = parse(text.encode("euc_jp")).entries
    assert entry.headline == "高橋さんの朝市"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<NewsML><NewsItem>", "not well-formed"),
        (b'<?xml version="1.0"?><newsItem/>', "is not <NewsML>"),
        (b"   ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not well-formed"),
    ],
)
def test_documents_that_cannot_be_read(data: bytes, reason: str) -> None:
    with pytest.raises(WireFormatError, match=reason):
        parse(data)


def test_too_many_items_is_refused(monkeypatch) -> None:
    from kisha.wire.providers import newsml1

    monkeypatch.setattr(newsml1, "MAX_ITEMS", 2)
    item = document()[document().index("<NewsItem>") : document().index("</NewsML>")]
    with pytest.raises(WireFormatError, match="over the 2 cap"):
        parse(f"<NewsML>{item * 3}</NewsML>".encode())


# --- End to end through the versioned ingest ------------------------------------------------


@pytest.fixture
def newsml1_source(db, world, business):
    from kisha.wire.models import WireSource, WireSubjectMapping

    source = WireSource.objects.create(
        name="サンプル通信", format="newsml1", credit="記者サンプル通信", default_section=world
    )
    WireSubjectMapping.objects.create(source=source, code="subj:04000000", section=business)
    return source


def ingest(source, name: str):
    return wire_ingest_bytes(source=source, data=sample(name), origin=name)


def test_revisions_update_then_kill_the_story(newsml1_source, business, django_user_model):
    summary = ingest(newsml1_source, "ja_text_nitf.xml")
    assert (summary.ingested, summary.errors) == (1, 0)
    item = WireItem.objects.get()
    assert (item.section_id, item.format, item.version) == (business.id, "newsml-1.2", 1)
    editor = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw")
    article = wire_item_promote(item=item, editor=editor)
    article.save_revision().publish()

    assert ingest(newsml1_source, "ja_text_nitf_update.xml").updated == 1
    item.refresh_from_db()
    assert item.headline.endswith("(更新)") and "5月" in item.body_html

    assert ingest(newsml1_source, "ja_text_nitf_kill.xml").updated == 1
    item.refresh_from_db()
    assert item.pubstatus == "canceled"
    article.refresh_from_db()
    assert not article.live  # the kill takes the promoted story down, the page stays a draft
    assert list(item.versions.values_list("version", "pubstatus")) == [
        (3, "canceled"),
        (2, "usable"),
        (1, "usable"),
    ]
    # A revision arriving late is ignored; the same document again is unchanged.
    assert ingest(newsml1_source, "ja_text_nitf_update.xml").ignored_older == 1
    assert ingest(newsml1_source, "ja_text_nitf_kill.xml").unchanged == 1
    assert WireItemVersion.objects.count() == 3


def test_multi_part_document_ingests_each_item(newsml1_source):
    summary = ingest(newsml1_source, "en_multipart_xhtml.xml")
    assert (summary.ingested, summary.errors) == (3, 0)
    statuses = dict(WireItem.objects.values_list("guid", "pubstatus"))
    assert statuses["urn:newsml:wire.kisha.example:20261126:EN0043"] == "withheld"
    main = WireItem.objects.get(guid__endswith="EN0042")
    assert main.images[0]["credit"] == "Kisha Sample Wire/Jane Example"


def test_hostile_document_fails_its_run_and_stores_nothing(newsml1_source):
    data = document(prologue=BOMB_PROLOGUE, headline="&i;").encode()
    summary = wire_ingest_bytes(source=newsml1_source, data=data, origin="bomb.xml")
    assert summary.failed_documents == 1
    assert not WireItem.objects.exists()
    run = WireIngestRun.objects.get()
    assert run.status == WireIngestRun.Status.FAILED
    assert "エンティティ" in WireIngestError.objects.get(run=run).message


def test_photo_only_item_is_logged_not_stored(newsml1_source):
    summary = ingest(newsml1_source, "ja_photo_only.xml")
    assert (summary.ingested, summary.errors) == (0, 1)
    assert "pictures only" in WireIngestError.objects.get().message
    assert WireIngestRun.objects.get().status == WireIngestRun.Status.PARTIAL
