"""Phrase splitting for line breaks (kisha.core.phrases): BudouX plus the house corrections."""

import pytest

from django.core.cache import cache

from kisha.core.phrases import (
    cached_phrases,
    keep_words,
    phrase_html,
    phrases,
    register_phrase_words,
    split_key,
    splits_forget,
)

HEADLINES = [
    "米政府、北朝鮮との対話再開に含み　非核化の道筋はなお見えず",
    "中国の習近平国家主席の経済方針に各国が注目　内需拡大は進むか",
    "ｽﾏｰﾄﾌｫﾝで動く小型ＡＩ、みなと通信が提供開始",
    "米朝の実務者協議、サン・ロレンソで再開へ",
    "",
    "A",
    "😀👩‍👩‍👧 絵文字と e\u0301 の混在",
]


@pytest.mark.parametrize("text", HEADLINES)
def test_phrases_join_back_to_the_text(text):
    assert "".join(phrases(text)) == text


def test_no_break_inside_the_words_of_the_issue():
    cuts = phrases("米政府、北朝鮮との対話再開に含み　非核化の道筋はなお見えず")
    assert "なお見えず" in cuts  # BudouX alone gives な|お見えず
    joined = "|".join(phrases("中国の習近平国家主席の経済方針に各国が注目　内需拡大は進むか"))
    assert "経済方針に" in joined.split("|")
    # A full-width space is a break, which BudouX glues to the next phrase.
    assert "注目\u3000|内需拡大は" in joined


def test_registered_words_never_break():
    # The demo registers its fictional companies and places (kisha.demo.apps).
    assert "みなと通信が" in phrases("新サービスはみなと通信が提供する")
    assert any("サン・ロレンソ" in p for p in phrases("協議はサン・ロレンソで再開へ"))


def test_keep_setting(settings):
    settings.KISHA_PHRASE_KEEP = "湊川ロジテック"
    assert any("湊川ロジテック" in p for p in phrases("湊川ロジテックが新倉庫を開設"))


def test_html_is_escaped_and_marked_with_wbr():
    html = phrase_html('米政府、<script>alert("x")</script>の対話')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.startswith('<span class="phrases">') and html.endswith("</span>")
    assert "<wbr>" in html


def test_no_wbr_next_to_an_ascii_space():
    html = phrase_html("Apple が新製品")
    assert "<wbr> " not in html and " <wbr>" not in html


def test_empty_and_very_long_text():
    assert phrase_html("") == ""
    long = "長い見出しの試験です。" * 1000  # 11,000 characters, past BudouX's chunk
    assert "".join(phrases(long)) == long


def test_a_registered_source_is_used(monkeypatch):
    from kisha.core import phrases as module

    monkeypatch.setattr(module, "_word_sources", list(module._word_sources))
    register_phrase_words(lambda: ["鳴門ハーバー商会"])
    assert any("鳴門ハーバー商会" in p for p in phrases("鳴門ハーバー商会が発表した"))


def test_cuts_fall_between_phrases():
    from kisha.core.phrases import truncate_phrases
    from kisha.core.text import display_width

    title = "国産ロケット、5号機の打ち上げに成功　商業衛星を軌道へ"
    assert truncate_phrases(title, 28) == "国産ロケット、5号機の…"
    assert truncate_phrases(title, 200) == title
    # No phrase boundary in reach: cut by character, never past the width.
    long_word = "x" * 100
    cut = truncate_phrases(long_word, 28)
    assert cut.endswith("…") and display_width(cut) <= 28
    assert truncate_phrases("", 28) == ""


def test_numbers_and_latin_words_stay_whole():
    cuts = phrases("(2019年 ロイター/Kevin Lamarque)")
    assert not any(
        a[-1:].isdigit() and b[:1].isdigit() for a, b in zip(cuts, cuts[1:], strict=False)
    )
    assert any("2019年" in p for p in cuts)


def test_punctuation_inside_a_short_phrase_does_not_break():
    html = phrase_html("協議はサン・ロレンソで再開へ")
    assert '<span class="nobr">サン・ロレンソで</span>' in html


def test_no_break_inside_a_dictionary_word():
    # BudouX alone gives 据え|置き; SudachiPy's words (registered by kisha.search) veto it.
    assert not any(p.endswith("据え") for p in phrases("日銀、政策金利据え置き"))


def test_a_split_is_kept_in_the_worker_after_its_first_use(settings):
    splits_forget()
    text = "葉山首相、来週にも臨時国会を召集へ　補正予算の成立急ぐ"
    first = cached_phrases(text)
    assert not any("臨時国会を召集" in part for part in first)
    cache.clear()  # the shared copy is gone: the next render must not need it
    assert cached_phrases(text) == first
    assert cache.get(split_key(text, keep_words())) is None
    # A new kept word is a new split, in this worker at once.
    settings.KISHA_PHRASE_KEEP = "臨時国会を召集"
    assert any("臨時国会を召集" in part for part in cached_phrases(text))
