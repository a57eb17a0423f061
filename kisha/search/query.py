"""Turn a parsed query into an FTS5 MATCH expression or a PostgreSQL tsquery.

Each required term matches when its bigram phrase OR its Sudachi phrase matches (a term of one
kanji alone: when its kanji-set token is there); terms are ANDed; excluded terms are subtracted.
Every token comes from the tokenizer, so it holds only letters and digits, and is still quoted:
no character of the user's query ever reaches the query language as syntax (FTS5's ``NEAR``,
``*``, ``^``, column filters; tsquery's ``& | ! <-> :*``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .tokenizer import Query, QueryTerm, parse_query, term_bigrams, term_kanji, term_sudachi


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
class CompiledQuery:
    """A query ready for either database. ``empty`` means it can match nothing at all."""

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
