"""Search queries: what a reader typed, parsed once, and compiled for either database.

``query_compile`` parses the search box text (``parse_query``: terms, phrases, exclusions, caps)
and compiles it into a ``CompiledQuery``, which is what the search page hands down: the
selectors give it to Wagtail's ``.search()`` as a query object, the backend plans with it as it is
(no second parse) and the page highlights with its parsed ``query``. Index-side text handling
(normalisation, bigrams, Sudachi) lives in ``tokenizer.py``; both sides share its functions, so a
query term is always spelled the way the index spells it.

Each required term matches when its bigram phrase OR its Sudachi phrase matches (a term of one
kanji alone: when its kanji-set token is there); terms are ANDed; excluded terms are subtracted.
Every token comes from the tokenizer, so it holds only letters and digits, and is still quoted:
no character of the user's query ever reaches the query language as syntax (FTS5's ``NEAR``,
``*``, ``^``, column filters; tsquery's ``& | ! <-> :*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modelsearch.query import SearchQuery

from .tokenizer import (
    KANJI,
    KANJI_PREFIX,
    SUDACHI_PREFIX,
    bigram_stream,
    clean,
    normalize,
    sudachi_terms,
    text_runs,
)

MAX_QUERY_TERMS = 10
MAX_QUERY_CHARS = 200
_MAX_RAW_QUERY_CHARS = 4 * MAX_QUERY_CHARS  # bounds NFKC work; NFKC can expand (㌀ → アパート)
_WORD_CHARS = re.compile(r"[^\W_]+")  # letters and digits of any script, for splitting queries


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One search term. ``text`` is its index form; ``raw`` is what Sudachi reads.

    ``prefix`` means the last token of ``term_bigrams(term)`` must be matched as a prefix: the term
    ends in a one-character Japanese run (12月, ネ), which in an article is usually the start of a
    chunk (月中). It applies to the bigram phrase only. A term that is one kanji alone (株) is
    matched by ``term_kanji`` instead.
    """

    text: str
    raw: str
    phrase: bool = False
    exclude: bool = False
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. ``truncated`` is true when part of the query was dropped by the caps."""

    terms: tuple[QueryTerm, ...]
    truncated: bool = False

    @property
    def required(self) -> tuple[QueryTerm, ...]:
        return tuple(t for t in self.terms if not t.exclude)

    @property
    def excluded(self) -> tuple[QueryTerm, ...]:
        return tuple(t for t in self.terms if t.exclude)


_QUOTES = {'"': '"', "「": "」", "『": "』", "“": "”"}  # after NFKC: ＂→" and ｢｣→「」
_MINUS = "-−"  # after NFKC: －→-


def _make_term(raw: str, *, phrase: bool, exclude: bool) -> QueryTerm | None:
    text = normalize(raw).strip()
    runs = text_runs(text)
    if not runs:
        return None  # nothing searchable: emoji, punctuation
    last, japanese = runs[-1]
    prefix = japanese and len(last) == 1 and text.endswith(last)
    return QueryTerm(text=text, raw=raw.strip(), phrase=phrase, exclude=exclude, prefix=prefix)


def parse_query(q: str) -> Query:
    """Parse a search box query into terms; cheap and total for any input.

    Terms are split on spaces (U+3000 too) and punctuation; ``"…"``, ``「…」``, ``『…』`` and
    ``“…”`` make one phrase term; ``-term`` or ``-"…"`` excludes. An excluded word holding
    punctuation (``-covid-19``) is excluded as a phrase, not piece by piece. At most
    ``MAX_QUERY_TERMS`` terms from the first ``MAX_QUERY_CHARS`` characters are kept.
    """
    truncated = len(q) > _MAX_RAW_QUERY_CHARS
    text = clean(q[:_MAX_RAW_QUERY_CHARS])
    if len(text) > MAX_QUERY_CHARS:
        text, truncated = text[:MAX_QUERY_CHARS], True

    found: list[QueryTerm | None] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        exclude = text[i] in _MINUS
        if exclude:
            i += 1
            if i == n or text[i].isspace():
                continue
        if text[i] in _QUOTES:
            end = text.find(_QUOTES[text[i]], i + 1)
            end = n if end < 0 else end
            found.append(_make_term(text[i + 1 : end], phrase=True, exclude=exclude))
            i = end + 1
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] not in _QUOTES:
            i += 1
        words = _WORD_CHARS.findall(text[start:i])
        if exclude and len(words) > 1:
            found.append(_make_term(text[start:i], phrase=True, exclude=True))
        else:
            found.extend(_make_term(w, phrase=False, exclude=exclude) for w in words)

    terms: list[QueryTerm] = []
    seen: set[tuple[str, bool]] = set()
    for term in found:
        if term is None or (term.text, term.exclude) in seen:
            continue
        if len(terms) == MAX_QUERY_TERMS:
            truncated = True
            break
        seen.add((term.text, term.exclude))
        terms.append(term)
    return Query(terms=tuple(terms), truncated=truncated)


def term_bigrams(term: str | QueryTerm) -> list[str]:
    """The term as a phrase of index tokens from the bigram stream.

    The same tokens ``index_text`` writes, including the run-final unigram of every run but the
    last one, so a phrase across runs (``"日本株 上昇"``) lines up with the article. A string is
    read as user text; see ``QueryTerm.prefix`` for the last token.
    """
    text = term.text if isinstance(term, QueryTerm) else normalize(term)
    tokens, tail = bigram_stream(text)
    return tokens[:-1] if tail else tokens


def term_sudachi(term: str | QueryTerm) -> list[str]:
    """The term as a phrase of index tokens from the Sudachi stream (``zs`` + normalized form).

    An empty list means this representation cannot match (a lone particle such as の): callers
    must treat it as no match, never as match-all.
    """
    raw = term.raw if isinstance(term, QueryTerm) else term
    return [SUDACHI_PREFIX + t for t in sudachi_terms(raw)]


def term_kanji(term: str | QueryTerm) -> str | None:
    """The kanji-set token (``zk株``) when the term is one kanji alone, else None.

    Such a term finds the kanji in any common word (株, 株価, 日本株, 大雨 for 雨) but not inside
    names (熊本 for 熊): see the module docstring.
    """
    text = term.text if isinstance(term, QueryTerm) else normalize(term).strip()
    return KANJI_PREFIX + text if len(text) == 1 and KANJI.match(text) else None


@dataclass(frozen=True, slots=True)
class TermPhrases:
    """How one term matches: its bigram phrase or its Sudachi phrase (either may be empty, and
    that side cannot match); or, for a term that is one kanji alone, its kanji-set token."""

    bigrams: tuple[str, ...]
    sudachi: tuple[str, ...]
    prefix: bool
    kanji: str | None = None

    @property
    def matchable(self) -> bool:
        return bool(self.bigrams or self.sudachi or self.kanji)


def term_phrases(term: QueryTerm) -> TermPhrases:
    kanji = term_kanji(term)
    if kanji:
        return TermPhrases(bigrams=(), sudachi=(), prefix=False, kanji=kanji)
    return TermPhrases(
        bigrams=tuple(term_bigrams(term)), sudachi=tuple(term_sudachi(term)), prefix=term.prefix
    )


@dataclass(frozen=True, slots=True)
class CompiledQuery(SearchQuery):
    """A query ready for either database. ``empty`` means it can match nothing at all.

    A modelsearch ``SearchQuery``, so ``queryset.search(compiled)`` hands it to the backend
    untouched (``backend.planning`` uses it as it is; a plain string is compiled there).
    """

    query: Query
    required: tuple[TermPhrases, ...]
    excluded: tuple[TermPhrases, ...]

    @property
    def empty(self) -> bool:
        return not self.required or not all(t.matchable for t in self.required)

    def fts5(self, columns: tuple[str, ...] | None = None) -> str:
        """The MATCH expression; ``columns`` limits the required terms, never the exclusions
        (``-北朝鮮`` drops an article that says 北朝鮮 anywhere)."""
        required = " AND ".join(_fts5_term(t) for t in self.required)
        if columns:
            required = "{" + " ".join(columns) + "} : (" + required + ")"
        excluded = self.fts5_excluded()
        return f"({required}) NOT ({excluded})" if excluded else required

    def fts5_excluded(self) -> str:
        return " OR ".join(_fts5_term(t) for t in self.excluded if t.matchable)

    def tsquery(self) -> str:
        excluded = self.ts_excluded()
        required = self.ts_required()
        return f"({required}) & !({excluded})" if excluded else required

    def ts_required(self) -> str:
        return " & ".join(_ts_term(t) for t in self.required)

    def ts_excluded(self) -> str:
        return " | ".join(_ts_term(t) for t in self.excluded if t.matchable)

    def __repr__(self) -> str:  # SearchQuery's raises NotImplementedError
        return f"CompiledQuery({' '.join(t.raw for t in self.query.terms)!r})"


def query_compile(q: str) -> CompiledQuery:
    """Parse and compile a query string; total for any input (see ``tokenizer.parse_query``)."""
    query = parse_query(q)
    return CompiledQuery(
        query=query,
        required=tuple(term_phrases(t) for t in query.required),
        excluded=tuple(term_phrases(t) for t in query.excluded),
    )


def _fts5_term(term: TermPhrases) -> str:
    if term.kanji:
        return f'("{term.kanji}")'
    sides = []
    if term.bigrams:
        sides.append('"' + " ".join(term.bigrams) + '"' + ("*" if term.prefix else ""))
    if term.sudachi:
        sides.append('"' + " ".join(term.sudachi) + '"')
    return "(" + " OR ".join(sides) + ")"


def _ts_phrase(tokens: tuple[str, ...], *, prefix: bool = False) -> str:
    lexemes = [f"'{t}'" for t in tokens]
    if prefix:
        lexemes[-1] += ":*"
    return " <-> ".join(lexemes)


def _ts_term(term: TermPhrases) -> str:
    if term.kanji:
        return f"('{term.kanji}')"
    sides = []
    if term.bigrams:
        sides.append(_ts_phrase(term.bigrams, prefix=term.prefix))
    if term.sudachi:
        sides.append(_ts_phrase(term.sudachi))
    return "(" + " | ".join(f"({s})" for s in sides) + ")"
