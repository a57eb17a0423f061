"""Turning Japanese wire bytes into text: UTF-8, Shift_JIS (as cp932) or EUC-JP.

Feeds arrive with the encoding in a BOM, the HTTP ``charset``, the XML declaration, or nowhere.
Two facts shape this module:

* Japanese "Shift_JIS" content is in practice Microsoft's cp932 (①, ㈱, NEC and IBM
  extensions); decoding it with the strict ``shift_jis`` codec fails on those characters, so
  the whole Shift_JIS family is decoded as cp932, its superset.
* EUC-JP bytes are often *also* valid cp932 (as half-width katakana and user-defined
  characters), so "try cp932, then EUC-JP" silently produces mojibake. When both decode, the
  candidate with fewer half-width katakana and private-use characters wins; real news copy
  almost never contains them.

Parsers for XML (lxml, feedparser) are then given UTF-8 bytes with a matching declaration,
so they never guess on their own.
"""

from __future__ import annotations

import codecs
import email.message
import re

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SJIS_FAMILY = frozenset({"shift_jis", "cp932", "shift_jis_2004", "shift_jisx0213"})
# HTTP servers often send these by default; they never override a more specific declaration.
_WEAK_CHARSETS = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
_XML_DECL = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z][A-Za-z0-9._:-]*)[\"']")
_XML_DECL_ENCODING = re.compile(r"^(\s*<\?xml\b[^>]*?\bencoding\s*=\s*)([\"'])[^\"']*\2")
_JAPANESE_GUESSES = ("cp932", "euc_jp")


def normalise_charset(name: str | None) -> str | None:
    """A Python codec name for a declared charset, or None if unknown or empty."""
    if not name:
        return None
    if name.strip().lower() in {"windows-31j", "ms_kanji", "x-sjis", "sjis"}:
        return "cp932"
    try:
        codec = codecs.lookup(name.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    if codec.name in _SJIS_FAMILY:
        return "cp932"
    return codec.name


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header (parsed by the email package)."""
    if not content_type:
        return None
    message = email.message.Message()
    message["content-type"] = content_type
    return message.get_content_charset()


def sniff_bom(data: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) when the bytes start with a Unicode byte-order mark."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def xml_declared_encoding(data: bytes) -> str | None:
    """The ``encoding`` pseudo-attribute of an ASCII-compatible XML declaration, if any."""
    match = _XML_DECL.match(data[:1024])
    return match.group(1).decode("ascii") if match else None


def mojibake_score(text: str) -> int:
    """How many characters look like a wrong Japanese decode (half-width kana, private use)."""
    return sum(1 for ch in text if "\uff61" <= ch <= "\uff9f" or "\ue000" <= ch <= "\uf8ff")


def guess_japanese(data: bytes) -> tuple[str, str]:
    """Decode undeclared bytes: UTF-8, else the better of cp932 and EUC-JP; returns (text, codec)."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[int, int, str, str]] = []
    for order, codec in enumerate(_JAPANESE_GUESSES):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((mojibake_score(text), order, text, codec))
    if candidates:
        _score, _order, text, codec = min(candidates)
        return text, codec
    # Nothing decodes cleanly: keep what can be kept rather than lose the document.
    return data.decode("utf-8", errors="replace"), "utf-8"


def _try(data: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, *, http_charset: str | None = None) -> str:
    """Text from non-XML bytes (JSON, plain text): BOM, then HTTP charset, then a guess."""
    bom = sniff_bom(data)
    if bom:
        return data[bom[1] :].decode(bom[0], errors="replace")
    declared = normalise_charset(http_charset)
    if declared and declared not in _WEAK_CHARSETS:
        text = _try(data, declared)
        if text is not None:
            return text
    text, _codec = guess_japanese(data)
    return text


def decode_xml(data: bytes, *, http_charset: str | None = None) -> tuple[str, str]:
    """Text of an XML document and the codec used: BOM, HTTP charset, declaration, guess.

    RFC 7303 puts the HTTP charset above the XML declaration; a weak default charset such as
    ISO-8859-1 does not override a declaration, and a declaration that fails to decode falls
    back to guessing instead of losing the document.
    """
    bom = sniff_bom(data)
    if bom:
        return data[bom[1] :].decode(bom[0], errors="replace"), bom[0]
    http = normalise_charset(http_charset)
    declared = normalise_charset(xml_declared_encoding(data))
    order = [http, declared] if http not in _WEAK_CHARSETS else [declared, http]
    for codec in order:
        text = _try(data, codec)
        if text is not None:
            return text, codec  # type: ignore[return-value]
    return guess_japanese(data)


def xml_to_utf8(data: bytes, *, http_charset: str | None = None) -> bytes:
    """The document re-encoded as UTF-8 with its declaration saying so, for lxml/feedparser."""
    text, _codec = decode_xml(data, http_charset=http_charset)
    text = _XML_DECL_ENCODING.sub(r"\1\2UTF-8\2", text, count=1)
    return text.encode("utf-8")
