"""Decoding Japanese bytes: declared in a BOM, HTTP header, XML declaration, or not at all."""

from __future__ import annotations

import codecs

import pytest

from kisha.wire.decoding import (
    charset_from_content_type,
    decode_bytes,
    decode_xml,
    normalise_charset,
    xml_to_utf8,
)

SAMPLES = [
    "日本語のニュース",
    "東京都で地震、震度５強　気象庁が発表",
    "首相が会見「経済対策を急ぐ」",  # its EUC-JP bytes are also valid cp932
    "台風",
    "株",
]


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("codec", ["utf-8", "cp932", "shift_jis", "euc-jp"])
def test_undeclared_text_decodes(text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec)) == text


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize(("codec", "charset"), [("cp932", "Shift_JIS"), ("euc-jp", "EUC-JP")])
def test_http_charset_is_used(text: str, codec: str, charset: str) -> None:
    assert decode_bytes(text.encode(codec), http_charset=charset) == text


def test_bom_wins() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + "記者".encode()) == "記者"
    assert decode_bytes(codecs.BOM_UTF16_LE + "記者".encode("utf-16-le")) == "記者"


def test_wrong_http_charset_falls_back_to_guessing() -> None:
    assert decode_bytes("記者".encode("euc-jp"), http_charset="utf-8") == "記者"
    assert decode_bytes("記者".encode("cp932"), http_charset="no-such-charset") == "記者"


def test_undecodable_bytes_are_kept_with_replacement_not_lost() -> None:
    assert "\ufffd" in decode_bytes(b"ok \x81\x20 \x81")  # invalid in UTF-8, cp932 and EUC-JP


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Shift_JIS", "cp932"),
        ("SJIS", "cp932"),
        ("windows-31j", "cp932"),
        ("EUC-JP", "euc_jp"),
        ("utf8", "utf-8"),
        ("nonsense", None),
        (None, None),
    ],
)
def test_normalise_charset(name: str | None, expected: str | None) -> None:
    assert normalise_charset(name) == expected


def test_charset_from_content_type() -> None:
    assert charset_from_content_type('application/rss+xml; charset="Shift_JIS"') == "shift_jis"
    assert charset_from_content_type("text/xml") is None
    assert charset_from_content_type(None) is None


@pytest.mark.parametrize(
    ("declaration", "codec"),
    [
        ('<?xml version="1.0" encoding="Shift_JIS"?>', "cp932"),
        ("<?xml version='1.0' encoding='EUC-JP'?>", "euc-jp"),
        ('<?xml version="1.0"?>', "cp932"),
        ('<?xml version="1.0"?>', "euc-jp"),
        ("", "euc-jp"),
    ],
)
def test_xml_to_utf8_rewrites_the_declaration(declaration: str, codec: str) -> None:
    document = f"{declaration}<a>首相が会見「経済対策を急ぐ」</a>"
    converted = xml_to_utf8(document.encode(codec))
    assert converted.decode("utf-8").endswith("<a>首相が会見「経済対策を急ぐ」</a>")
    if "encoding" in declaration:
        assert b'encoding="UTF-8"' in converted or b"encoding='UTF-8'" in converted


def test_http_charset_beats_xml_declaration_but_not_a_weak_default() -> None:
    body = '<?xml version="1.0" encoding="Shift_JIS"?><a>記者</a>'
    assert decode_xml(body.encode("euc-jp"), http_charset="EUC-JP")[0].endswith("<a>記者</a>")
    # ISO-8859-1 is what many servers send by default: the declaration decides instead.
    assert decode_xml(body.encode("cp932"), http_charset="ISO-8859-1")[0].endswith("<a>記者</a>")


def test_wrong_declaration_falls_back_to_guessing() -> None:
    body = '<?xml version="1.0" encoding="UTF-8"?><a>記者</a>'.encode("cp932")
    assert decode_xml(body)[0].endswith("<a>記者</a>")
