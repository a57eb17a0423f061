"""The one tokenizer used to index articles and to read queries (DESIGN.md §5).

Wagtail's database search backend stores an unbroken run of Japanese as a single word, so every
text is indexed twice, as overlapping two-character chunks (which find names missing from the
dictionary and words inside compounds) and as SudachiPy normalized forms (which find spelling
variants such as 引越し/引っ越し). A query term matches when either representation matches.

Token scheme of ``index_text`` (what the full-text index stores, whitespace separated):

* bigram stream first: Japanese chunks (``北朝``) as they are, plus the last character of each
  Japanese run alone (``株`` for ``日本株``) so a one-character prefix query ``株*`` also finds
  a run-final 株; non-Japanese words (``iphone15``) as they are, except a word starting with
  ``z`` is written ``zb`` + word;
* then the Sudachi stream: ``zs`` + normalized form (``zs引っ越し``, ``zsai``);
* then the kanji set: ``zk`` + each kanji that stands in a common word of the text, once per text
  (``zk株`` for 株価 or 日本株, ``zk雨`` for 大雨), but not the kanji of proper nouns (熊本 gives
  no ``zk熊``). A one-kanji query asks for this token alone: a reader who types 熊 means the word,
  not every place or person whose name starts with it. Sudachi splits the common head off a name
  (熊本県 → 熊本 + 県, 清水寺 → 清水 + 寺), so 県 and 寺 still count.

So only tokens of the Sudachi stream start with ``zs``, only kanji-set tokens with ``zk``, and the
streams can never collide, with plain tokens readable. Every token is Unicode letters and digits
only (no ``_``, no marks), 64 characters at most: SQLite FTS5's unicode61 tokenizer and
PostgreSQL's default parser (``simple`` config, C and C.UTF-8 locales) keep each such token whole,
which the tests check for FTS5. Bigrams come first because PostgreSQL clamps positions above 16,383: on a very long article the Sudachi
tail loses phrase positions (its terms still match alone) before the bigram stream does.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import jaconv
from sudachipy import Dictionary, PosMatcher, SplitMode, Tokenizer
from sudachipy.errors import SudachiError

SUDACHI_PREFIX = "zs"
KANJI_PREFIX = "zk"
ESCAPE_PREFIX = "zb"
MAX_TOKEN_CHARS = 64  # PostgreSQL drops lexemes over 2,047 bytes; longer "words" are junk anyway
SUDACHI_MAX_BYTES = 49_149  # SudachiPy refuses longer input per call ("Input is too long")

# Old and variant kanji folded to the form news copy uses. Only pure glyph or traditional variants
# of the same character, applied before Sudachi too (it knows the standard forms) and to its output
# (its normalized form of 高島屋 is 髙島屋). They appear in names where one person or place is
# written both ways, often because the variant is missing from JIS X 0208 or house style.
_FOLD = str.maketrans(
    {
        "齋": "斎",  # 齋藤: traditional form of 斎
        "齊": "斉",  # 齊藤: traditional form of 斉
        "廣": "広",  # 廣瀬
        "髙": "高",  # 髙島屋, はしご高: not in JIS X 0208
        "﨑": "崎",  # たつさき, U+FA11: not in JIS X 0208, NFKC leaves it alone
        "嵜": "崎",  # 山嵜
        "邊": "辺",  # 渡邊
        "邉": "辺",  # 渡邉
        "濱": "浜",  # 長濱
        "澤": "沢",  # 小澤
        "國": "国",  # 國學院
        "櫻": "桜",  # 櫻井
        "德": "徳",  # 德川: glyph variant of 徳
        "瀨": "瀬",  # 瀨戸: glyph variant of 瀬
        "𠮷": "吉",  # つちよし, 𠮷野家: outside the BMP; Sudachi tags it as a symbol
    }
)
# Merged only in index terms, never in Sudachi's input: 斉 and 斎 are different characters, but no
# common word differs by them alone, and readers cannot tell 斉藤/斎藤 apart when they search.
# 龍→竜 is deliberately absent: both are live name characters that the press keeps as written, and
# folding would send 竜巻 and 恐竜 to a one-character search for 龍.
_MERGE = {ord("斉"): "斎"}

_SUDACHI_SKIPPED_POS = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白"})

# Japanese letters: kana (with ー ゝ ヽ), kanji, 々 〆 〇; not ・ ゠ 〜 or other CJK punctuation.
_JA_CHARS = (
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c"
    "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U0001b000-\U0001b16f\U00020000-\U000323af"
)
# Kanji (CJK unified ideographs, extension A, compatibility, extensions B and later); not 々 〆 〇.
_KANJI_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
KANJI = re.compile(f"[{_KANJI_CHARS}]")
_RUN = re.compile(rf"(?P<ja>[{_JA_CHARS}]+)|(?P<word>[^\W_{_JA_CHARS}]+)")
_NON_WORD = re.compile(r"[\W_]+")
_SENTENCE = re.compile(r"[^\n。！？!?]*[\n。！？!?]*")
_BREAK_AT = re.compile(r"[\s。、，,．.！？!?・]")


class _CharMap(dict[int, str | int | None]):
    """A ``str.translate`` table filled per code point on first sight, as Unicode categories
    can't be listed up front without scanning 1.1 million code points at import. Capped so
    hostile input can't bloat it."""

    _LIMIT = 65_536

    def __init__(self, rule: Callable[[int], str | int | None]) -> None:
        super().__init__()
        self._rule = rule

    def __missing__(self, cp: int) -> str | int | None:
        value = self._rule(cp)
        if len(self) < self._LIMIT:
            self[cp] = value
        return value


def _sanitize_rule(cp: int) -> str | int | None:
    """Before NFKC: drop invisible format characters, turn the rest of the junk into separators."""
    if cp in (0x0A, 0x2028, 0x2029):
        return "\n"  # line breaks stay: they are where Sudachi input is cut
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
        return None  # variation selectors (IVS on kanji): glyph choice, not spelling
    category = unicodedata.category(chr(cp))
    if category in ("Cf", "Cs"):
        return None  # RTL marks, zero-width joiners, BOM, soft hyphen; lone surrogates
    if category in ("Cc", "Co", "Cn", "Zs", "Zl", "Zp"):
        return " "  # NUL and other controls, private use, unassigned, all spaces incl. U+3000
    return cp


# Letters in Unicode today that SQLite FTS5's Unicode 6.1 tables still class as marks: New Tai Lue
# vowel signs and two Vedic signs. Dropped like other marks so they can't split a token in FTS5.
_FTS5_MARKS = frozenset([*range(0x19B0, 0x19C1), 0x19C8, 0x19C9, 0x1CF2, 0x1CF3])


def _after_nfkc_rule(cp: int) -> str | int | None:
    """After NFKC: fold variant kanji, drop marks NFKC could not compose, separate at ❶ and ⓵.

    Other numbers (category No) left after NFKC are list markers and are not letters or digits to
    PostgreSQL's parser in a UTF-8 locale, which would split a token at them.
    """
    if cp in _FOLD:
        return _FOLD[cp]
    category = unicodedata.category(chr(cp))
    if category.startswith("M") or cp in _FTS5_MARKS:
        return None
    return " " if category == "No" else cp


_SANITIZE = _CharMap(_sanitize_rule)
_AFTER_NFKC = _CharMap(_after_nfkc_rule)
_INDEX_FORM = _CharMap(lambda cp: _MERGE[cp] if cp in _MERGE else _after_nfkc_rule(cp))


def clean(text: str) -> str:
    """Text as Sudachi should see it: safe code points, NFKC, variant kanji folded, case kept.

    Case is kept because Sudachi's dictionary lookup is case-sensitive for some entries (iPhone).
    """
    text = unicodedata.normalize("NFKC", text.translate(_SANITIZE))
    return text.translate(_AFTER_NFKC)


def normalize(text: str) -> str:
    """Return the index form of ``text``: NFKC, lower case, old/variant kanji folded.

    Also drops what no index should hold: format characters (RTL marks, zero-width joiners),
    lone surrogates and leftover combining marks; controls and private-use characters become
    spaces. ``ｽﾏｰﾄﾌｫﾝ`` → ``スマートフォン``, ``ＡＩ`` → ``ai``, ``齋藤`` → ``斎藤``. Never raises.
    """
    return clean(text).lower().translate(_INDEX_FORM)


def text_runs(normalized: str) -> list[tuple[str, bool]]:
    """Split normalized text into (run, is_japanese); everything else is a separator."""
    return [(m.group(), m.lastgroup == "ja") for m in _RUN.finditer(normalized)]


def _chunks(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def bigrams(text: str) -> list[str]:
    """Overlapping two-character chunks of each Japanese run, and whole non-Japanese words.

    A one-character run yields that character. Words are lower-cased letters and digits of any
    other script (``iphone15``, ``café``); punctuation, spaces (U+3000 too), symbols and emoji
    separate runs. This is the recall side: 金正恩 gives 金正 and 正恩 whatever the dictionary knows.
    """
    tokens: list[str] = []
    for run, japanese in text_runs(normalize(text)):
        tokens.extend(_chunks(run) if japanese else [run])
    return tokens


def _index_token(token: str) -> str:
    """Bigram-stream token in the index alphabet: capped, and ``z…`` words escaped as ``zb…``."""
    token = token[:MAX_TOKEN_CHARS]
    # FTS5 strips diacritics, so ź must count as z too.
    if unicodedata.normalize("NFD", token[0])[0] == "z":
        return ESCAPE_PREFIX + token
    return token


def bigram_stream(normalized: str) -> tuple[list[str], bool]:
    """Index-side bigram tokens; also says whether the last token is a run-final unigram."""
    tokens: list[str] = []
    tail = False
    for run, japanese in text_runs(normalized):
        if japanese:
            tokens.extend(_chunks(run))
            tail = len(run) > 1
            if tail:
                tokens.append(run[-1])
        else:
            tokens.append(_index_token(run))
            tail = False
    return tokens, tail


# SudachiPy: one Dictionary per process (slow to load, safe to share); a Tokenizer per thread,
# because a Tokenizer raises "Tokenizer is already in use" when two threads call it at once.
_dictionary_lock = threading.Lock()
_dictionary: tuple[Dictionary, PosMatcher] | None = None
_local = threading.local()


def _sudachi() -> tuple[Tokenizer, PosMatcher]:
    """This thread's Tokenizer and the matcher of parts of speech left out of the index."""
    global _dictionary
    pair = getattr(_local, "sudachi", None)
    if pair is None:
        with _dictionary_lock:
            if _dictionary is None:
                dictionary = Dictionary(dict="core")
                skip = dictionary.pos_matcher(lambda pos: pos[0] in _SUDACHI_SKIPPED_POS)
                _dictionary = (dictionary, skip)
            dictionary, skip = _dictionary
            # Without "split_a" in the fields, Morpheme.split(A) silently returns no pieces.
            fields = {"pos", "normalized_form", "split_a", "reading_form"}
            pair = (dictionary.tokenizer(mode=SplitMode.C, fields=fields), skip)
        _local.sudachi = pair
    return pair


def _hard_split(piece: str, limit: int) -> list[str]:
    """Cut an over-long piece into parts of at most ``limit`` UTF-8 bytes.

    Cuts on a character boundary, at the last space or punctuation in the second half of the
    window when there is one, so a word is cut only in text that has no breaks at all.
    """
    data = piece.encode()
    parts: list[str] = []
    start = 0
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back up to a boundary
            end -= 1
        window = data[start:end].decode()
        breaks = [m.end() for m in _BREAK_AT.finditer(window, len(window) // 2)]
        cut = start + len(window[: breaks[-1]].encode()) if breaks else end
        parts.append(data[start:cut].decode())
        start = cut
    if start < len(data):
        parts.append(data[start:].decode())
    return parts


def _sudachi_pieces(text: str, limit: int = SUDACHI_MAX_BYTES) -> list[str]:
    """Pack sentences and lines into as few parts under ``limit`` bytes as possible."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for match in _SENTENCE.finditer(text):
        sentence = match.group()
        if not sentence:
            continue
        length = len(sentence.encode())
        if size + length > limit and current:
            pieces.append("".join(current))
            current, size = [], 0
        if length > limit:
            pieces.extend(_hard_split(sentence, limit))
            continue
        current.append(sentence)
        size += length
    if current:
        pieces.append("".join(current))
    return pieces


@dataclass(slots=True)
class _Analysis:
    """What Sudachi makes of a text: normalized forms, and the kanji of its common words."""

    forms: list[str]
    kanji: dict[str, None]  # an ordered set

    def add(self, morpheme, skip: PosMatcher) -> None:
        self.forms.append(morpheme.normalized_form())
        pieces = morpheme.split(SplitMode.A)
        if len(pieces) > 1:
            kept = [p for p in pieces if not skip(p)]
            self.forms.extend(p.normalized_form() for p in kept)
        else:
            kept = [morpheme]
        # The kanji of each finest piece, unless the piece is a name (熊本, 桜井, 金正恩, 森さん);
        # a one-kanji place is the word itself (米, 英 when tagged as countries).
        for piece in kept:
            pos = piece.part_of_speech()
            surface = piece.surface()
            if pos[1] != "固有名詞" or (len(surface) == 1 and pos[2] == "地名"):
                self.kanji.update(dict.fromkeys(KANJI.findall(surface)))


def _analyse(tokenizer: Tokenizer, skip: PosMatcher, piece: str, into: _Analysis) -> None:
    try:
        morphemes = tokenizer.tokenize(piece)
    except SudachiError:
        # Not expected: every piece is under the limit. Halve rather than lose the text or raise.
        if len(piece) < 2:
            return
        half = len(piece) // 2
        _analyse(tokenizer, skip, piece[:half], into)
        _analyse(tokenizer, skip, piece[half:], into)
        return
    for morpheme in morphemes:
        if not skip(morpheme):
            into.add(morpheme, skip)


def _sudachi_analysis(cleaned: str) -> tuple[list[str], list[str]]:
    """(index-form normalized terms, kanji of common words) of cleaned text."""
    tokenizer, skip = _sudachi()
    analysis = _Analysis(forms=[], kanji={})
    for piece in _sudachi_pieces(cleaned):
        _analyse(tokenizer, skip, piece, analysis)
    terms: list[str] = []
    for form in analysis.forms:
        # Normalized forms may be upper case (AI) or hold . - ・ (3.5, Wi-Fi): keep one token.
        term = _NON_WORD.sub("", normalize(form))[:MAX_TOKEN_CHARS]
        if term:
            terms.append(term)
    kanji = "".join(analysis.kanji).translate(_INDEX_FORM)  # 斉 → 斎, as in the other streams
    return terms, list(dict.fromkeys(kanji))


def sudachi_terms(text: str) -> list[str]:
    """SudachiPy mode C normalized forms, each followed by its mode A pieces when A splits it.

    Particles, auxiliary verbs, symbols and whitespace are left out. Forms are in index form
    (lower case, folded, letters and digits only): 引越し, 引っ越し → 引っ越し; 非核化 → 非核化, 非核, 化.
    Text of any length is fed to Sudachi in pieces under its per-call byte limit.
    """
    return _sudachi_analysis(clean(text))[0]


def index_text(text: str) -> str:
    """The whitespace-separated string of index terms for ``text`` (see the module docstring)."""
    cleaned = clean(text)
    tokens, _ = bigram_stream(cleaned.lower().translate(_INDEX_FORM))
    terms, kanji = _sudachi_analysis(cleaned)
    tokens.extend(SUDACHI_PREFIX + term for term in terms)
    tokens.extend(KANJI_PREFIX + k for k in kanji)
    return " ".join(tokens)


def reading(text: str) -> str:
    """The reading of a name or title in hiragana, from SudachiPy's reading forms (米朝関係 →
    べいちょうかんけい), for 五十音 order. Words the dictionary lacks keep their surface (a Latin
    word, an unknown kanji name), so the editor checks and corrects the result in the admin."""
    text = clean(text or "").strip()
    if not text:
        return ""
    tokenizer, _skip = _sudachi()
    parts = []
    for piece in _sudachi_pieces(text):
        for morpheme in tokenizer.tokenize(piece):
            surface = morpheme.surface()
            if morpheme.part_of_speech()[0] in ("空白", "補助記号", "記号"):
                parts.append(surface)  # a space or ・ reads as itself, not as キゴウ
                continue
            form = morpheme.reading_form()
            parts.append(form if form and not morpheme.is_oov() else surface)
    return jaconv.kata2hira("".join(parts)).strip()[:100]


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of SudachiPy's words (mode C) of two or more characters,
    so a line is never broken inside one (kisha.core.phrases: BudouX alone splits 据え|置き).
    Text over Sudachi's per-call limit gives no spans rather than pieces out of place."""
    if not text or len(text.encode()) > SUDACHI_MAX_BYTES:
        return []
    tokenizer, _skip = _sudachi()
    try:
        morphemes = tokenizer.tokenize(text)
    except SudachiError:
        return []
    return [(m.begin(), m.end()) for m in morphemes if m.end() - m.begin() > 1]
