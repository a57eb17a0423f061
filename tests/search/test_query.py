"""Parsing what a reader types into the search box (``kisha.search.query.parse_query``): terms,
phrases, exclusions and the caps, with the real SudachiPy dictionary."""

from __future__ import annotations

import pytest

from kisha.search import query as qm
from kisha.search.query import (
    Query,
    QueryTerm,
    parse_query,
    query_compile,
    term_bigrams,
    term_sudachi,
)
from kisha.search.tokenizer import index_text


def only(q: str) -> QueryTerm:
    (term,) = parse_query(q).terms
    return term


# parse_query ----------------------------------------------------------------------------------


def test_terms_split_on_spaces_and_punctuation() -> None:
    query = parse_query("台風　被害、北海道 ＡＩ・株価")
    assert [t.text for t in query.terms] == ["台風", "被害", "北海道", "ai", "株価"]
    assert not query.truncated
    assert all(not t.phrase and not t.exclude for t in query.terms)


@pytest.mark.parametrize(
    "q", ['"日本 経済"', "「日本 経済」", "『日本 経済』", "“日本 経済”", "＂日本 経済＂"]
)
def test_quoted_phrases(q: str) -> None:
    term = only(q)
    assert term == QueryTerm(text="日本 経済", raw="日本 経済", phrase=True)


def test_unclosed_quote_runs_to_the_end() -> None:
    query = parse_query("台風 「日本 経済")
    assert [(t.text, t.phrase) for t in query.terms] == [("台風", False), ("日本 経済", True)]


def test_exclusions() -> None:
    query = parse_query('台風 -被害 －"北海道 東北" -covid-19 − 株')
    assert [t.text for t in query.required] == ["台風", "株"]
    assert [(t.text, t.phrase) for t in query.excluded] == [
        ("被害", False),
        ("北海道 東北", True),
        ("covid-19", True),
    ]
    assert term_bigrams(query.excluded[2]) == ["covid", "19"]


def test_prefix_flag() -> None:
    assert only("株").prefix
    assert only("12月").prefix
    assert only('"日本 株"').prefix
    assert not only("株価").prefix
    assert not only("c").prefix  # a Latin word is a whole token
    assert not only('"日本 株。"').prefix


def test_caps_are_explicit() -> None:
    query = parse_query(" ".join(f"語{i:02d}" for i in range(15)))
    assert len(query.terms) == qm.MAX_QUERY_TERMS and query.truncated
    query = parse_query("あ" * 150 + " " + "い" * 150)
    assert query.truncated
    assert sum(len(t.text) for t in query.terms) <= qm.MAX_QUERY_CHARS
    assert not parse_query("台風 " * 50).truncated  # duplicates collapse, nothing dropped
    assert parse_query("台風 " * 50).terms == (only("台風"),)


def test_ten_thousand_character_query_is_cut_before_the_work() -> None:
    # A reader's 10,000 characters cost what the first MAX_QUERY_CHARS cost: the cut comes
    # before NFKC, Sudachi and the compiler, so the search they get is the one for those.
    q = "北朝鮮の非核化交渉" * 1112
    assert len(q) > 10_000
    query = parse_query(q)
    assert query.truncated and len(query.terms) == 1
    (term,) = query.terms
    assert len(term.raw) == qm.MAX_QUERY_CHARS
    assert term.raw == q[: qm.MAX_QUERY_CHARS]
    head = query_compile(q[: qm.MAX_QUERY_CHARS])
    assert not head.query.truncated
    assert query_compile(q).required == head.required
    assert len(term_sudachi(term)) <= qm.MAX_QUERY_CHARS


def test_empty_queries() -> None:
    for q in ["", "   ", "　", "、。！", "😀", '""', "「」", "-", "- -"]:
        assert parse_query(q) == Query(terms=())


def test_sudachi_reads_the_raw_term() -> None:
    term = only("一斉")
    assert term.text == "一斎" and term.raw == "一斉"
    assert term_sudachi(term) == ["zs一斎"]
    assert "zs一斎" in index_text("一斉に休校した").split()


def test_a_term_sudachi_cannot_see_has_an_empty_phrase() -> None:
    assert term_sudachi("の") == []
    assert term_bigrams("の") == ["の"]
