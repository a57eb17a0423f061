"""Characters set the way Japanese newspapers set them, and credits bracketed to match.

House style (`KISHA_TEXT_STYLE`): ``newspaper`` (the default) turns half-width katakana into
full-width (ｽﾏｰﾄﾌｫﾝ → スマートフォン) and full-width Latin letters and digits into half-width
(ＡＩ → AI, ２０２６ → 2026), with jaconv; ``off`` keeps text as typed. Full-width punctuation
（）「」！？ and the full-width space stay as they are: Japanese text uses them on purpose. URLs,
e-mail addresses and the words listed in `KISHA_TEXT_KEEP` (a name a house style writes its own
way) are never touched. Normalising twice gives the same text as normalising once.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import jaconv

from django.conf import settings

# Full-width forms of ASCII punctuation (U+FF01–U+FF5E that are not letters or digits) and the
# ideographic space: jaconv's ascii conversion would turn them half-width, newspapers keep them.
_KEEP_PUNCTUATION = (
    "".join(chr(code) for code in range(0xFF01, 0xFF5F) if not chr(code).isalnum()) + "\u3000"
)
_PROTECTED = re.compile(
    r"(?:https?://|www\.)[^\s　、。「」（）<>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)

DEFAULTS = {
    "KISHA_TEXT_STYLE": "newspaper",
    "KISHA_TEXT_KEEP": (),
    "KISHA_CREDIT_BRACKETS": "follow",
}
STYLES = ("newspaper", "off")
BRACKET_STYLES = ("follow", "half", "full")


def _setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


def keep_words() -> tuple[str, ...]:
    value = _setting("KISHA_TEXT_KEEP")
    if isinstance(value, str):
        value = value.split(",")
    return tuple(word.strip() for word in value if word.strip())


def _convert(text: str) -> str:
    text = jaconv.h2z(text, kana=True, ascii=False, digit=False)
    return jaconv.z2h(text, kana=False, ascii=True, digit=True, ignore=_KEEP_PUNCTUATION)


def newspaper_text(
    text: str, *, style: str | None = None, keep: tuple[str, ...] | None = None
) -> str:
    """`text` in house style; protected spans (URLs, addresses, kept words) pass unchanged."""
    style = style or _setting("KISHA_TEXT_STYLE")
    if style == "off" or not text:
        return text
    keep = keep_words() if keep is None else keep
    spans = [m.span() for m in _PROTECTED.finditer(text)]
    for word in keep:
        spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(word), text))
    spans.sort()
    out, position = [], 0
    for start, end in spans:
        if start < position:  # overlapping protections: the earlier one already covers it
            start = position
        if start >= end:
            continue
        out.append(_convert(text[position:start]))
        out.append(text[start:end])
        position = end
    out.append(_convert(text[position:]))
    return "".join(out)


@dataclass(frozen=True)
class Change:
    """One field that normalisation changed, for the editor's message."""

    label: str
    before: str
    after: str


def changed_spans(before: str, after: str, *, context: int = 4) -> list[tuple[str, str]]:
    """The differing pieces of two texts, each with a little context, for a short message."""
    pieces = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pieces.append((before[max(0, a0 - context) : a1], after[max(0, b0 - context) : b1]))
    return pieces


def caption_bracket_width(caption: str) -> str | None:
    """``full`` when a caption sets its own asides in full-width brackets (（右）), ``half`` when in
    ASCII ones ((right)), None when it has none: then the reference page's () is used."""
    full = sum(caption.count(ch) for ch in "（）［］")
    half = sum(caption.count(ch) for ch in "()[]")
    if full == half:
        return None
    return "full" if full > half else "half"


def credit_brackets(caption: str, *, style: str | None = None) -> tuple[str, str]:
    """The brackets a photo credit takes after `caption`: ``follow`` (the default) matches the
    caption's own brackets, else (); ``half`` and ``full`` force one width."""
    style = style or _setting("KISHA_CREDIT_BRACKETS")
    if style == "follow":
        style = caption_bracket_width(caption or "") or "half"
    return ("（", "）") if style == "full" else ("(", ")")


# The reading provider (kisha.search registers SudachiPy's from its AppConfig.ready(): core must
# not import search). Without one, a reading is left for the editor to type.
_reading_provider: list = []


def register_reading(provider) -> None:
    _reading_provider[:] = [provider]


def reading_for(text: str) -> str:
    """A hiragana reading of `text` for 五十音 order, or "" when no provider is installed."""
    if not _reading_provider or not text:
        return ""
    return _reading_provider[0](text)
