"""The Japanese search tokenizer, with the real SudachiPy core dictionary (no mocks).

The DESIGN.md §5 table is checked end to end: articles indexed with ``index_text`` in SQLite FTS5
(the embedded search back end, from the standard library) and searched with the MATCH expression
``kisha.search.query.query_compile`` makes, so the token alphabet is proven to survive FTS5's
unicode61 tokenizer and the tests exercise the compiler the site uses.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace

import pytest

from kisha.search import tokenizer as tk
from kisha.search.query import (
    CompiledQuery,
    QueryTerm,
    TermPhrases,
    parse_query,
    query_compile,
    term_bigrams,
    term_kanji,
    term_sudachi,
)
from kisha.search.tokenizer import bigrams, index_text, normalize, sudachi_terms

HOSTILE = [
    "",
    " ",
    "\u3000\u3000",
    "\x00",
    "a\x00b\x00東京",
    "\ud800",
    "東京\udfff大阪\ud800",
    "\x07\x1b[31m赤\x1b[0m",
    "\u200f\u202eالعربية\u202c東京\u200e",
    "😀🇯🇵👨‍👩‍👧 絵文字だけ 😀",
    "\ufeff\u200b\u200d\u00ad",
    "葛\U000e0100城市",  # ideographic variation selector
    "\ue000\U000f0000",  # private use
    "ア\u3099゛゜",
    "İstanbul",
    "❶❷ ⓵ ① ½ ㈱ ㌀",
    "-",
    '"',
    "「",
    '-"',
    "--- ---",
    "\n\r\t\v\f",
    "\U0010ffff\U000e0001",
    "ᦰᦱ\u1cf2",
    "zs zb z",
]


def positions(text: str) -> list[str]:
    return index_text(text).split()


def fts5_hits(articles: dict[int, str], compiled: CompiledQuery) -> list[int]:
    """The articles ``compiled`` matches, as the embedded back end asks: its index text in an
    FTS5 table with the unicode61 tokenizer (migration 0002), its MATCH from ``fts5()``."""
    if compiled.empty:
        return []
    con = _fts5()
    con.executemany(
        "INSERT INTO t (rowid, body) VALUES (?, ?)",
        ((rowid, index_text(text)) for rowid, text in articles.items()),
    )
    rows = con.execute("SELECT rowid FROM t WHERE t MATCH ?", (compiled.fts5(),))
    return sorted(rowid for (rowid,) in rows)


def matches(article: str, q: str) -> bool:
    """Whether the search for ``q`` finds ``article``, through ``kisha.search.query``."""
    return fts5_hits({1: article}, query_compile(q)) == [1]


def term_hits(article: str, q: str) -> tuple[bool, bool]:
    """For a one-term query: (its bigram phrase finds the article, its Sudachi phrase does)."""
    compiled = query_compile(q)
    (term,) = compiled.required

    def finds(side: TermPhrases) -> bool:
        return side.matchable and fts5_hits({1: article}, replace(compiled, required=(side,))) == [
            1
        ]

    return finds(replace(term, sudachi=())), finds(replace(term, bigrams=()))


def only(q: str) -> QueryTerm:
    (term,) = parse_query(q).terms
    return term


# normalize ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ｽﾏｰﾄﾌｫﾝ", "スマートフォン"),
        ("ＡＩ", "ai"),
        ("Ａｉ", "ai"),
        ("ｉＰｈｏｎｅ１５", "iphone15"),
        ("齋藤", "斎藤"),
        ("齊藤", "斎藤"),
        ("斉藤", "斎藤"),
        ("髙島屋", "高島屋"),
        ("﨑", "崎"),
        ("山嵜", "山崎"),
        ("渡邊と渡邉", "渡辺と渡辺"),
        ("長濱", "長浜"),
        ("小澤", "小沢"),
        ("國學院", "国學院"),
        ("櫻井", "桜井"),
        ("德川", "徳川"),
        ("瀨戸", "瀬戸"),
        ("廣瀬", "広瀬"),
        ("𠮷野家", "吉野家"),
        ("東京\u3000大阪", "東京 大阪"),
        ("㈱", "(株)"),
        ("①", "1"),
    ],
)
def test_normalize(given: str, expected: str) -> None:
    assert normalize(given) == expected


def test_normalize_keeps_distinct_characters_apart() -> None:
    assert normalize("龍") == "龍"  # not folded to 竜: both live name characters
    assert normalize("竜巻") == "竜巻"
    assert normalize("一斉") == "一斎"  # merged, but identically in articles and queries


def test_normalize_strips_invisible_and_broken_code_points() -> None:
    assert normalize("\u200f東京\u200e") == "東京"
    assert normalize("東\u200b京") == "東京"
    assert normalize("東京\ud800") == "東京"
    assert normalize("a\x00b") == "a b"
    assert normalize("葛\U000e0100") == "葛"
    assert normalize("İ") == "i"


def test_normalize_is_idempotent() -> None:
    for text in [*HOSTILE, "ｽﾏｰﾄﾌｫﾝとＡＩ、齋藤さん。", "İstanbul ❶"]:
        once = normalize(text)
        assert normalize(once) == once


# bigrams ------------------------------------------------------------------------------------


def test_bigrams_of_japanese_runs_and_words() -> None:
    assert bigrams("北朝鮮の非核化") == ["北朝", "朝鮮", "鮮の", "の非", "非核", "核化"]
    assert bigrams("株") == ["株"]
    assert bigrams("iPhone15を買う") == ["iphone15", "を買", "買う"]
    assert bigrams("2019年12月10日") == ["2019", "年", "12", "月", "10", "日"]
    assert bigrams("Café au lait") == ["café", "au", "lait"]


def test_bigrams_separators() -> None:
    assert bigrams("東京\u3000大阪、京都。") == ["東京", "大阪", "京都"]
    assert bigrams("ジョー・バイデン") == ["ジョ", "ョー", "バイ", "イデ", "デン"]
    assert bigrams("東京😀大阪") == ["東京", "大阪"]
    assert bigrams("（株）「台風」…!?") == ["株", "台風"]
    assert bigrams("snake_case") == ["snake", "case"]


def test_bigrams_keep_long_vowel_and_iteration_marks() -> None:
    assert bigrams("人々") == ["人々"]
    assert bigrams("ｽﾏｰﾄﾌｫﾝ") == ["スマ", "マー", "ート", "トフ", "フォ", "ォン"]
    assert bigrams("二〇一九") == ["二〇", "〇一", "一九"]


def test_kim_jong_un_is_found_by_bigrams_whatever_sudachi_does() -> None:
    assert bigrams("金正恩") == ["金正", "正恩"]
    assert sudachi_terms("金正恩") != ["金正恩"]  # core dictionary: 金正 + 恩
    article = "北朝鮮の金正恩総書記は10日、談話を発表した。"
    assert term_hits(article, "金正恩")[0]


# sudachi_terms --------------------------------------------------------------------------------


def test_spelling_variants_share_a_normalized_form() -> None:
    assert (
        sudachi_terms("引越し")
        == sudachi_terms("引っ越し")
        == sudachi_terms("引越")
        == ["引っ越し"]
    )
    assert sudachi_terms("打合せ") == sudachi_terms("打ち合わせ") == ["打ち合わせ"]
    assert sudachi_terms("打合わせ") == ["打ち合わせ"]
    assert sudachi_terms("ヴァイオリン") == sudachi_terms("バイオリン")


def test_mode_a_pieces_follow_a_compound() -> None:
    assert sudachi_terms("非核化") == ["非核化", "非核", "化"]
    assert sudachi_terms("東京都知事選挙") == ["東京都知事選挙", "東京", "都", "知事", "選挙"]
    assert sudachi_terms("台風") == ["台風"]  # no split, no repetition


def test_particles_auxiliaries_symbols_and_spaces_are_left_out() -> None:
    assert sudachi_terms("北朝鮮の非核化について") == ["北朝鮮", "非核化", "非核", "化", "つく"]
    assert sudachi_terms("食べた。") == ["食べる"]
    assert sudachi_terms("東京　大阪\n「京都」") == ["東京", "大阪", "京都"]
    terms = sudachi_terms("東京では雨が降ったので、試合は中止されました。")
    assert terms == ["東京", "雨", "降る", "試合", "中止", "為る"]


def test_sudachi_terms_are_index_tokens() -> None:
    assert sudachi_terms("ＡＩ") == ["ai"]  # Sudachi's normalized form is upper-case AI
    assert sudachi_terms("齋藤さん") == ["斎藤", "さん"]
    assert sudachi_terms("高島屋") == ["高島屋"]  # Sudachi normalizes it to 髙島屋
    assert sudachi_terms("Wi-Fi") == ["wifi"]


def test_sudachi_is_fed_in_pieces_under_its_limit() -> None:
    text = "北朝鮮の非核化について話し合った" * 1300  # 62,400 bytes, no newline, no 。
    assert len(text.encode()) > 60_000
    terms = sudachi_terms(text)
    assert terms.count("非核化") >= 1299  # at most the one at a hard cut is lost
    assert "zs非核化" in index_text(text).split()


def test_sixty_thousand_bytes_of_one_unbroken_word() -> None:
    for text in ["亜" * 20_000, "a" * 60_000, "𩸽" * 15_000, "あ。" * 10_000 + "い" * 20_000]:
        assert len(text.encode()) >= 60_000
        sudachi_terms(text)
        index_text(text)


def test_pieces_are_under_the_limit_and_rejoin_to_the_text() -> None:
    text = ("日本語の文。" * 3000) + ("𩸽" * 20_000) + "\n" + ("word " * 12_000)
    pieces = tk._sudachi_pieces(text)
    assert "".join(pieces) == text
    assert all(0 < len(p.encode()) <= tk.SUDACHI_MAX_BYTES for p in pieces)
    assert len(pieces) < 10  # packed, not one call per sentence
    exact = "a" * tk.SUDACHI_MAX_BYTES
    assert tk._sudachi_pieces(exact) == [exact]
    assert [len(p) for p in tk._sudachi_pieces(exact + "é")] == [tk.SUDACHI_MAX_BYTES, 1]


def test_hard_split_prefers_a_break() -> None:
    parts = tk._hard_split("あ" * 10 + "、" + "い" * 10, 40)
    assert parts == ["あ" * 10 + "、", "い" * 10]


# index_text ---------------------------------------------------------------------------------


def test_index_text_token_scheme() -> None:
    tokens = positions("日本株の引越し。Zoom会議")
    assert tokens == [
        *["日本", "本株", "株の", "の引", "引越", "越し", "し"],
        *["zbzoom", "会議", "議"],
        *["zs日本", "zs株", "zs引っ越し", "zszoom", "zs会議"],
        *["zk株", "zk引", "zk越", "zk会", "zk議"],  # not 日 or 本: 日本 is a name
    ]


def test_bigram_stream_never_enters_the_sudachi_namespace() -> None:
    tokens = positions("zsfoo zoom źle Zebra ZS")
    bigram_stream = [t for t in tokens if not t.startswith("zs")]
    assert bigram_stream == ["zbzsfoo", "zbzoom", "zbźle", "zbzebra", "zbzs"]
    assert term_bigrams("zsfoo") == ["zbzsfoo"]


def test_tokens_are_capped() -> None:
    tokens = positions("x" * 500)
    assert tokens == ["x" * tk.MAX_TOKEN_CHARS, "zs" + "x" * tk.MAX_TOKEN_CHARS]


def test_index_text_is_ascii_space_separated_letters_and_digits() -> None:
    for text in [*HOSTILE, "3.5%の利上げ、U.S.とCOVID-19。ｽﾏｰﾄﾌｫﾝ"]:
        out = index_text(text)
        assert out == " ".join(out.split(" ")) and "  " not in out
        assert all(t.isalnum() for t in out.split())


# DESIGN.md §5, end to end ---------------------------------------------------------------------


def test_spelling_variants_hit_by_sudachi_only() -> None:
    assert term_hits("来月、事務所の引っ越しを予定している。", "引越し") == (False, True)
    assert term_hits("午後から打ち合わせがあった。", "打合せ") == (False, True)


def test_one_character_term_hits_as_prefix() -> None:
    assert term_hits("12月中旬に", "12月")[0]
    assert term_hits("ネコ科", "ネ")[0]
    assert not matches("株価が上がった", "株券")


@pytest.mark.parametrize(
    "article",
    [
        "株価が上がった",
        "日本株。",  # run-final
        "半導体株に売りが出た",
        "株を買う",
        "株主総会が開かれた",
        "切り株に腰掛けた",  # a stump is a 株 too: word sense is beyond the tokenizer
    ],
)
def test_one_kanji_term_finds_the_kanji_in_common_words(article: str) -> None:
    assert matches(article, "株")


@pytest.mark.parametrize(
    ("article", "q"),
    [
        ("熊本に工場を建てる", "熊"),
        ("熊谷さんが話した", "熊"),
        ("桜井さんが話した", "桜"),
        ("櫻井さんが話した", "桜"),
        ("髙島屋の売り上げ", "島"),
        ("鷲見航太郎が優勝", "航"),
        ("北朝鮮の非核化", "北"),
        ("森さんが話した", "森"),  # a one-kanji surname
    ],
)
def test_one_kanji_term_skips_names(article: str, q: str) -> None:
    assert not matches(article, q)


@pytest.mark.parametrize(
    ("article", "q"),
    [
        ("熊本県で地震", "県"),  # the common head split off a name
        ("清水寺を訪れた", "寺"),
        ("大阪市の予算", "市"),
        ("米大統領が来日", "米"),
        ("大雪で交通が乱れた", "雪"),
        ("豪雨と大雨", "雨"),
        ("議論は難航した", "航"),
        ("一斉に休校", "斎"),  # 斉 and 斎 merge in every stream
        ("書齋で読書", "斎"),
    ],
)
def test_one_kanji_term_finds_heads_and_compounds(article: str, q: str) -> None:
    assert matches(article, q)


def test_kanji_tokens_come_once_at_the_end() -> None:
    tokens = positions("株価と株価、株主。")
    kanji = [t for t in tokens if t.startswith(tk.KANJI_PREFIX)]
    assert kanji == ["zk株", "zk価", "zk主"]
    assert tokens[-len(kanji) :] == kanji


def test_term_kanji() -> None:
    assert term_kanji(only("株")) == "zk株"
    assert term_kanji(only('"株"')) == "zk株"
    assert term_kanji("齋") == "zk斎"
    assert term_kanji(only("株価")) is None
    assert term_kanji(only("12月")) is None
    assert term_kanji(only("ネ")) is None
    assert term_kanji(only("a")) is None
    assert term_kanji(only("々")) is None


def test_part_of_a_compound_hits_both_ways() -> None:
    assert term_hits("北朝鮮の非核化について", "非核") == (True, True)


def test_full_and_half_width_forms_match() -> None:
    assert matches("新しいｽﾏｰﾄﾌｫﾝが出た", "スマートフォン")
    assert matches("生成ＡＩの規制", "ai")
    assert matches("生成AIの規制", "ＡＩ")
    assert matches("齋藤知事が会見", "斎藤")
    assert matches("斎藤知事が会見", "齋藤")


def test_phrases_and_exclusions() -> None:
    article = "日本株 上昇。円安が進んだ"
    assert matches(article, '"日本株 上昇"')
    assert matches(article, '"株 上昇"')
    assert not matches(article, '"上昇 日本株"')
    assert matches(article, "円安 -円高")
    assert not matches(article, "円安 -上昇")


def test_fts5_keeps_every_token_whole() -> None:
    con = _fts5()
    con.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    for text in [*HOSTILE, "ｽﾏｰﾄﾌｫﾝ、ＡＩ、齋藤さんの引越し。北朝鮮の金正恩総書記 Zoom Café"]:
        con.execute("DELETE FROM t")
        con.execute("INSERT INTO t (body) VALUES (?)", (index_text(text),))
        fts = [term for (term,) in con.execute("SELECT term FROM v ORDER BY offset")]
        assert len(fts) == len(positions(text)), text


def test_fts5_search_end_to_end() -> None:
    articles = {
        1: "来月、事務所の引っ越しを予定している。",
        2: "北朝鮮の金正恩総書記は非核化に応じない考えを示した。",
        3: "日本株。12月中旬に新しいｽﾏｰﾄﾌｫﾝを発売、齋藤社長",
        4: "東京都知事選挙の投票率",
    }

    def hits(q: str) -> list[int]:
        return fts5_hits(articles, query_compile(q))

    assert hits("引越し") == [1]
    assert hits("金正恩") == [2]
    assert hits("非核") == [2]
    assert hits("株") == [3]
    assert hits("12月") == [3]
    assert hits("スマートフォン 斎藤") == [3]
    assert hits("知事") == [4]
    assert hits("北朝鮮 -金正恩") == []
    assert hits('"事務所の引越し"') == [1]


def _fts5() -> sqlite3.Connection:
    # The embedded back end needs FTS5 (migration 0002): without it this fails, never skips.
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61')")
    return con


# robustness ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_raises(text: str) -> None:
    normalize(text)
    bigrams(text)
    sudachi_terms(text)
    index_text(text)
    for q in (text, f"-{text}", f'"{text}"', f"「{text}」 -{text} {text * 50}"):
        for term in parse_query(q).terms:
            term_bigrams(term)
            term_sudachi(term)
    term_bigrams(text)
    term_sudachi(text)


def test_threads_share_the_dictionary_safely() -> None:
    text = "北朝鮮の非核化について話し合った。" * 200
    expected = sudachi_terms(text)
    results: list[list[str]] = []
    errors: list[Exception] = []

    def work() -> None:
        try:
            for _ in range(5):
                results.append(sudachi_terms(text))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 40 and all(r == expected for r in results)


def test_dictionary_is_loaded_lazily() -> None:
    code = (
        "import kisha.search.tokenizer as t, kisha.search.query as q\n"
        "t.bigrams('東京'); t.normalize('東京'); q.parse_query('東京')\n"
        "assert t._dictionary is None\n"
        "t.sudachi_terms('東京')\n"
        "assert t._dictionary is not None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
