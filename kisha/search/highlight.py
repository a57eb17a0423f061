"""Snippets with the reader's words marked, found in normalized text and mapped back.

The query is matched against the tokenizer's normalized form of the text (ｽﾏｰﾄﾌｫﾝ finds スマートフォン,
ＡＩ finds ai, 齋藤 finds 斎藤), but the snippet shows the article's own characters. NFKC changes
lengths (ｶﾞ → ガ, ㌀ → アパート, ﬁ → fi), so the text is normalized one cluster at a time — a base
character with the marks that combine into it — and every normalized character remembers the
cluster it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import Query
from .tokenizer import normalize

# Characters that join the cluster before them: combining marks (Mn, Mc, Me), the half-width
# voiced sound marks, variation selectors and zero-width joiners.
_JOINERS = frozenset("\uff9e\uff9f\u200d")
_MAX_NEEDLES = 20


def _joins(ch: str) -> bool:
    return (
        ch in _JOINERS
        or unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U000e0100" <= ch <= "\U000e01ef"
    )


@dataclass(frozen=True, slots=True)
class Normalized:
    text: str
    starts: tuple[int, ...]  # per normalized character: start of its cluster in the original
    ends: tuple[int, ...]  # per normalized character: end of its cluster in the original


def normalize_mapped(original: str) -> Normalized:
    """``normalize`` applied cluster by cluster, keeping the way back to the original."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(original)
    while i < n:
        j = i + 1
        while j < n and _joins(original[j]):
            j += 1
        piece = normalize(original[i:j])
        out.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        i = j
    return Normalized("".join(out), tuple(starts), tuple(ends))


def query_needles(query: Query) -> list[str]:
    """What to mark: each word of each required term, in normalized form, longest first."""
    needles: set[str] = set()
    for term in query.required:
        for word in re.findall(r"[^\W_]+", term.text):
            needles.add(word)
    return sorted(needles, key=len, reverse=True)[:_MAX_NEEDLES]


def _spans(norm: Normalized, needles: list[str]) -> list[tuple[int, int]]:
    """Original-text spans of every needle occurrence, merged where they overlap."""
    if not needles or not norm.text:
        return []
    # A Latin word is marked only whole (ai, not the ai in "said"); Japanese has no word breaks.
    pattern = re.compile(
        "|".join(
            rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9])" if n.isascii() else re.escape(n)
            for n in needles
        )
    )
    spans = []
    for m in pattern.finditer(norm.text):
        spans.append((norm.starts[m.start()], norm.ends[m.end() - 1]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    html: list[str] = []
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        html.append(escape(text[cursor:s]))
        html.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    html.append(escape(text[cursor:end]))
    return "".join(html)


def highlight(text: str, needles: list[str]) -> SafeString:
    """The whole ``text``, escaped, with every needle marked."""
    spans = _spans(normalize_mapped(text), needles)
    return mark_safe(_render(text, spans, 0, len(text)))  # noqa: S308 - every piece is escaped


def snippet(texts: list[str], needles: list[str], *, width: int = 110) -> SafeString:
    """About ``width`` characters around the first marked word of the first text that has one.

    Falls back to the start of the first non-empty text when no needle occurs (a match through
    a spelling variant or in a field not shown).
    """
    for text in texts:
        if not text:
            continue
        spans = _spans(normalize_mapped(text), needles)
        if not spans:
            continue
        first = spans[0][0]
        start = max(0, first - width // 4)
        end = min(len(text), start + width)
        start = max(0, min(start, end - width))
        html = _render(text, spans, start, end)
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(text) else ""
        return mark_safe(prefix + html + suffix)  # noqa: S308 - _render escapes every piece
    for text in texts:
        if text:
            cut = text[:width]
            return mark_safe(escape(cut) + ("…" if len(text) > width else ""))  # noqa: S308
    return mark_safe("")  # noqa: S308 - empty
