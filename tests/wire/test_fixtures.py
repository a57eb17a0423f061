"""Every IPTC example in tests/fixtures/wire ingests or is rejected with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from kisha.wire.providers import WireFormatError, get_provider, guess_provider_name
from tests.wire.conftest import FIXTURE_DIR

# Every fixture, by what it must do. The tests name the files rather than globbing the folder,
# so a missing file fails (FileNotFoundError) instead of quietly leaving its test out.
EXPECTED_INGESTED = [
    "newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml",
    "newsml-g2/LISTING_2_NewsML-G2_Text_Document.xml",
    "newsml-1.2/ja_text_nitf.xml",
    "newsml-1.2/ja_text_nitf_update.xml",
    "newsml-1.2/ja_text_nitf_kill.xml",
    "newsml-1.2/en_multipart_xhtml.xml",
    *(
        f"ninjs/{generation}/{name}.json"
        for generation in ("1.6", "2.2", "3.1")
        for name in (
            "001_simple_example",
            "003_associations_example",
            "004_simple_text_article",
            "005_complex_text_article",
            "007_multimedia",
        )
    ),
]
EXPECTED_REJECTED = {
    "newsml-1.2/ja_photo_only.xml": "pictures only",
    "newsml-g2/LISTING_24_News_Message_conveying_a_complete_News_Package.xml": "packageItem",
    "newsml-g2/LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml": "contentSet",
    # Its renditions are relative file names: with no document URL there is nothing to fetch.
    "newsml-g2/LISTING_3_Photo_in_NewsML-G2.xml": "no http(s) rendition",
    "ninjs/1.6/002_renditions_example.json": "no headline",
    "ninjs/2.2/002_renditions_example.json": "no headline",
    "ninjs/3.1/002_renditions_example.json": "no headline",
    "ninjs/3.1/008_event.json": "'event' is not a text item",
    "ninjs/ninjs-schema_1.6.json": "not a ninjs item",
    "ninjs/ninjs-schema_2.2.json": "not a ninjs item",
    "ninjs/ninjs-schema_3.1.json": "not a ninjs item",
}
# Picture items: kept as pictures for the packages that show them, not as articles.
EXPECTED_PICTURES = [
    f"ninjs/{generation}/006_photo_only.json" for generation in ("1.6", "2.2", "3.1")
]
FIXTURES = sorted([*EXPECTED_INGESTED, *EXPECTED_REJECTED, *EXPECTED_PICTURES])


def _parse(relative: str):
    data = (FIXTURE_DIR / relative).read_bytes()
    name = guess_provider_name(data) or ("ninjs" if relative.endswith(".json") else "newsml")
    return get_provider(name).parse(data)


def _outcome(relative: str) -> tuple[int, list[str]]:
    """(entries parsed, reasons given), whichever way the document was rejected."""
    try:
        result = _parse(relative)
    except WireFormatError as exc:
        return 0, [exc.message]
    return len(result.entries), [error.message for error in result.errors]


@pytest.mark.parametrize("relative", FIXTURES)
def test_fixture_ingests_or_is_rejected_with_a_reason(relative: str) -> None:
    count, reasons = _outcome(relative)
    if relative in EXPECTED_PICTURES:
        result = _parse(relative)
        assert not result.entries and not result.errors
        (picture,) = result.pictures
        assert picture.url.startswith("http") and picture.credit == "Paulo Santalucia"
    elif relative in EXPECTED_REJECTED:
        assert count == 0
        assert reasons and all(r.strip() for r in reasons)
        assert any(EXPECTED_REJECTED[relative] in reason for reason in reasons), reasons
    else:
        assert count >= 1, reasons


def test_fixture_set_is_the_one_we_know() -> None:
    # The folder holds exactly the files named above (a new one must be given an expectation),
    # each licence travels with its files, and the README says where they come from.
    on_disk = sorted(
        p.relative_to(FIXTURE_DIR).as_posix()
        for p in FIXTURE_DIR.rglob("*")
        if p.suffix in (".json", ".xml")
    )
    assert on_disk == FIXTURES
    assert len(FIXTURES) == 35
    assert "MIT License" in (FIXTURE_DIR / "ninjs" / "LICENSE").read_text()
    assert "CC BY 4.0" in (FIXTURE_DIR / "newsml-g2" / "LICENSE").read_text()
    assert "written for Kisha" in (FIXTURE_DIR / "newsml-1.2" / "LICENSE").read_text()
    assert "IPTC" in (FIXTURE_DIR / "README.md").read_text()


@pytest.mark.parametrize("generation", ["1.6", "2.2", "3.1"])
def test_ninjs_simple_text_article(generation: str) -> None:
    result = _parse(f"ninjs/{generation}/004_simple_text_article.json")
    (entry,) = result.entries
    assert entry.guid == "http://ninjs.example.com/newsitems/20130709simp123"
    assert entry.headline == "Captain of wrecked cruise ship on trial in Italy"
    assert entry.byline == "Paulo Santalucia and Frances d'Emilio"
    assert entry.pubstatus == "usable"
    assert entry.versioncreated == dt.datetime(2013, 7, 9, 10, 37, tzinfo=dt.UTC)
    # No explicit version: the version is the update time, so a newer versionCreated wins.
    assert entry.version == int(entry.versioncreated.timestamp())
    # The rich-text body is preferred over the plain one, and arrives sanitised.
    assert entry.body_html.startswith("<p>GROSSETO, Italy (AP)")
    assert entry.body_html.count("<p>") == 4
    assert entry.format.startswith("ninjs-" + generation[0])


@pytest.mark.parametrize("generation", ["1.6", "2.2", "3.1"])
def test_ninjs_explicit_version_and_composite(generation: str) -> None:
    (entry,) = _parse(f"ninjs/{generation}/003_associations_example.json").entries
    assert entry.version == 1
    assert entry.headline.startswith("Dell Redefines Workstation Computing")


@pytest.mark.parametrize("generation", ["1.6", "2.2", "3.1"])
def test_ninjs_multimedia_images_from_associations(generation: str) -> None:
    (entry,) = _parse(f"ninjs/{generation}/007_multimedia.json").entries
    assert entry.language == "en"
    assert [image.url for image in entry.images] == [
        "http://hosted.ap.org/photos/2/2643c588-dc8d-4923-bebd-e3b904edbb3a-big.jpg",
        "http://hosted.ap.org/photos/2/2643c588-dc8d-4923-bebd-e3b904xyz000-big.jpg",
    ]
    assert entry.images[0].credit == "Paulo Santalucia"
    assert entry.images[0].caption.startswith("The Costa Concordia cruise ship lies")


def test_ninjs_plain_text_body_becomes_paragraph() -> None:
    (entry,) = _parse("ninjs/1.6/001_simple_example.json").entries
    assert entry.body_html.startswith("<p>GROSSETO") and entry.body_html.endswith("</p>")


def test_newsml_text_item_with_nitf_body() -> None:
    (entry,) = _parse("newsml-g2/LISTING_2_NewsML-G2_Text_Document.xml").entries
    assert entry.guid == "urn:newsml:acmenews.com:20161121:US-FINANCE-FED"
    assert entry.version == 11
    assert entry.headline == 'Fed to halt QE to avert "bubble"'
    assert entry.pubstatus == "usable"
    assert entry.language == "en-US"
    assert entry.byline == "Meredith Jameson"
    # -05:00 in the document, stored as UTC.
    assert entry.versioncreated == dt.datetime(2018, 11, 21, 21, 25, 32, tzinfo=dt.UTC)
    assert entry.body_html.startswith("<p>(New York, NY - October 21) Et, sent luptat")
    assert entry.body_html.count("<p>") == 2
    assert "\n " not in entry.body_html  # pretty-printing indentation squashed
    assert ("medtop:20000350", "central bank") in entry.subjects


def test_newsml_item_without_body_still_ingests_headline() -> None:
    (entry,) = _parse("newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml").entries
    assert entry.version == 11
    assert entry.body_html == ""
    assert entry.firstcreated == dt.datetime(2016, 10, 18, 18, 12, 21, tzinfo=dt.UTC)
    assert entry.embargoed == dt.datetime(2018, 10, 23, 12, tzinfo=dt.UTC)
    assert entry.language == "en-GB"
    assert entry.subjects[0] == ("medtop:04000000", "economy, business and finance")
    # Of two names, the one in the item's language is the label.
    assert entry.subjects[1] == ("medtop:20000523", "labour market")


def test_newsml_message_with_package_reports_each_item() -> None:
    result = _parse("newsml-g2/LISTING_24_News_Message_conveying_a_complete_News_Package.xml")
    assert result.entries == []
    assert [error.guid for error in result.errors] == ["", "N1", "N2", "N3", "N4"]
    assert "packageItem has no guid" in result.errors[0].message
