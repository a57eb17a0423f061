"""Japanese line breaking by phrase: BudouX splits a headline into 文節 on the server, and the
template emits them joined by `<wbr>` inside a `word-break: keep-all` box (`.phrases` in
core/static/core/site.css), so every browser — Safari on iPhone included, which has no
`word-break: auto-phrase` — breaks a line only between phrases.

The model is a constant loaded once per process (a file shipped in the `budoux` wheel, not state);
a split costs tens of microseconds, and the fragments that show many titles are cached already.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

import budoux

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.core.signals import setting_changed
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .text import ELLIPSIS, ELLIPSIS_WIDTH, display_width, truncate_width

# BudouX splits runs of Japanese; very long text (a pasted article in a caption field) is cut
# into pieces first so one call never works on more than this many characters at once.
_CHUNK = 2000


logger = logging.getLogger("kisha.core")
# A split depends on the text, the kept words and these rules; bump when the rules change.
_MODEL_VERSION = "budoux-0.10/2"
_CACHE_SECONDS = 7 * 24 * 3600

# Apps add proper nouns that must never break (a house dictionary) from their AppConfig.ready().
_word_sources: list[Callable[[], Iterable[str]]] = []
_WBR = SafeString("<wbr>")
_HIRAGANA = re.compile(r"[\u3041-\u309f]")


_span_sources: list[Callable[[str], list[tuple[int, int]]]] = []


def register_word_spans(source: Callable[[str], list[tuple[int, int]]]) -> None:
    """Add a dictionary's word boundaries: BudouX boundaries inside a word are dropped
    (kisha.search registers SudachiPy's, which core may not import)."""
    if source not in _span_sources:
        _span_sources.append(source)
        splits_forget()


def register_phrase_words(source: Callable[[], Iterable[str]]) -> None:
    """Add a source of words never to break inside (company or place names BudouX would split)."""
    _word_sources.append(source)
    splits_forget()


def splits_forget(**kwargs) -> None:
    """Drop this process's memo of splits and kept words (a new word source; tests that change
    KISHA_PHRASE_KEEP)."""
    if kwargs.get("setting") not in (None, "KISHA_PHRASE_KEEP"):
        return
    keep_words.cache_clear()
    _split_memo.cache_clear()


@cache
def keep_words() -> tuple[str, ...]:
    """`KISHA_PHRASE_KEEP` (comma-separated or a list) and every registered source's words."""
    value = getattr(settings, "KISHA_PHRASE_KEEP", ())
    words = value.split(",") if isinstance(value, str) else list(value)
    for source in _word_sources:
        words.extend(source())
    return tuple(sorted({w.strip() for w in words if len(w.strip()) > 1}, key=len, reverse=True))


@cache
def _keep_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    return re.compile("|".join(map(re.escape, words))) if words else None


@cache
def _parser():
    return budoux.load_default_japanese_parser()


def phrases(text: str, *, words: tuple[str, ...] | None = None) -> list[str]:
    """`text` split into phrases; joined they give back `text` exactly."""
    if not text:
        return []
    parser = _parser()
    raw: list[str] = []
    for start in range(0, len(text), _CHUNK):
        raw.extend(chunk for chunk in parser.parse(text[start : start + _CHUNK]) if chunk)
    # Boundaries to drop: inside a kept word or a dictionary word (SudachiPy's, registered by
    # kisha.search: 据え|置き), inside a Latin word or number, and after a lone
    # hiragana phrase (BudouX's な|お見えず for なお見えず: one kana is never a phrase of its own). Boundaries to add: after a
    # full-width space, which BudouX glues to the next phrase (注目　内需拡大は).
    blocked: set[int] = set()
    pattern = _keep_pattern(keep_words() if words is None else words)
    if pattern is not None:
        for match in pattern.finditer(text):
            blocked.update(range(match.start() + 1, match.end()))
    for source in _span_sources:
        for start, end in source(text):
            blocked.update(range(start + 1, end))
    out: list[str] = []
    position = 0
    for chunk in raw:
        pieces = re.split(r"(?<=\u3000)(?=[^\u3000])", chunk)
        for piece in pieces:
            if out and (position in blocked or _lone_kana(out[-1]) or _inside_word(out[-1], piece)):
                out[-1] += piece
            else:
                out.append(piece)
            position += len(piece)
    return out


# keep-all still lets a line break after punctuation inside a phrase (サン・ / ロレンソで);
# a short phrase with punctuation inside is kept on one line by `.phrases .nobr`. A longer one
# keeps its break points rather than overflow a phone's line.
_NOBR_MAX = 12


def _breaks_inside(phrase: str) -> bool:
    inner = phrase.rstrip(" \u3000")[:-1]
    return (
        len(phrase) <= _NOBR_MAX
        and bool(inner)
        and any(not (ch.isalnum() or unicodedata.combining(ch)) for ch in inner[1:])
    )


def _inside_word(before: str, after: str) -> bool:
    """BudouX sometimes cuts a Latin word or a number (201|9年): never between two of their
    characters."""
    a, b = before[-1:], after[:1]
    return a.isascii() and b.isascii() and a.isalnum() and b.isalnum()


def _lone_kana(phrase: str) -> bool:
    return len(phrase) == 1 and bool(_HIRAGANA.match(phrase))


def cached_phrases(text: str) -> list[str]:
    """`phrases(text)`, split once for every worker through the shared cache, and kept in this
    process for the next render (bench/reading.py). The split is a pure function of the text,
    the kept words and the rules (`_MODEL_VERSION`), so a worker's own copy can never disagree
    with another's: a page of 60 headlines costs no cache round trip once they are known. A
    failing cache only costs the split."""
    return list(_split_memo(text, keep_words()))


@lru_cache(maxsize=8192)  # some 3 MB of headlines and captions per worker
def _split_memo(text: str, words: tuple[str, ...]) -> tuple[str, ...]:
    key = split_key(text, words)
    try:
        found = shared_cache.get(key)
    except Exception:
        found = None
    if found is not None:
        return tuple(found)
    parts = phrases(text, words=words)
    try:
        shared_cache.set(key, parts, _CACHE_SECONDS)
    except Exception:
        logger.warning("phrases: could not cache a split")
    return tuple(parts)


def split_key(text: str, words: tuple[str, ...]) -> str:
    """The shared-cache key of a split: the text, the kept words and the rules' version."""
    digest = hashlib.blake2b(
        "\x1f".join((_MODEL_VERSION, *words, text)).encode(), digest_size=16
    ).hexdigest()
    return f"phrases:{digest}"


setting_changed.connect(splits_forget, dispatch_uid="kisha.core.phrases.forget")


def phrase_html(text: str) -> SafeString:
    """`text` escaped, with `<wbr>` between its phrases, inside `<span class="phrases">`.

    An ASCII space already allows a break, so no `<wbr>` is put next to one. Empty text gives "".
    """
    if not text:
        return SafeString("")
    parts = cached_phrases(str(text))
    pieces: list[str] = []
    for index, part in enumerate(parts):
        if index and not (part[:1] == " " or parts[index - 1][-1:] == " "):
            pieces.append(_WBR)
        if _breaks_inside(part):
            part = format_html('<span class="nobr">{}</span>', part)
        pieces.append(part)  # escaped by format_html_join; _WBR and nobr spans are safe
    return format_html(
        '<span class="phrases">{}</span>', format_html_join("", "{}", ((p,) for p in pieces))
    )


def truncate_phrases(text: str, width: int) -> str:
    """`text` cut to at most `width` display columns ending in `…`, at a phrase boundary when
    at least half the width is left filled (国産ロケット、5号機の… rather than …5号機の打ち…);
    otherwise cut by character like kisha.core.text.truncate_width."""

    cut = truncate_width(text, width)
    if not cut.endswith(ELLIPSIS) or cut == text:
        return cut
    kept, used = "", 0
    for phrase in phrases(text):
        w = display_width(phrase)
        if used + w > width - ELLIPSIS_WIDTH:
            break
        kept, used = kept + phrase, used + w
    kept = kept.rstrip(" \u3000、。")
    return kept + ELLIPSIS if kept and display_width(kept) * 2 >= width else cut
