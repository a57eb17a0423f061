"""House-style characters and credit brackets (kisha.core.characters), with hostile input."""

import datetime as dt

import pytest

from kisha.core.characters import (
    caption_bracket_width,
    changed_spans,
    credit_brackets,
    newspaper_text,
)
from kisha.core.models import format_credit
from kisha.core.text import JST, jst_time_dated


@pytest.mark.parametrize(
    ("typed", "set_as"),
    [
        ("ｽﾏｰﾄﾌｫﾝで動く小型ＡＩ", "スマートフォンで動く小型AI"),
        ("ＡＩ", "AI"),
        ("２０２６年１１月", "2026年11月"),
        ("ｶﾞｷﾞｸﾞ ﾊﾟﾋﾟﾌﾟ", "ガギグ パピプ"),  # voiced marks join their kana
        ("｢ｶｯｺ｣､ﾃｽﾄ｡", "「カッコ」、テスト。"),
        # Full-width punctuation and the ideographic space are Japanese text's own: kept.
        ("ＡＩ（人工知能）が！？　次へ", "AI（人工知能）が！？　次へ"),
        ("生成AIとＡＩ", "生成AIとAI"),
        ("", ""),
    ],
)
def test_newspaper_style(typed, set_as):
    assert newspaper_text(typed) == set_as


@pytest.mark.parametrize(
    "text",
    [
        "詳しくは https://ｅｘａｍｐｌｅ.jp/ＡＩ/ を参照",
        "問い合わせは ｉｎｆｏ@example.jp へ",
        "www.example.jp/ﾃｽﾄ",
    ],
)
def test_urls_and_addresses_are_left_alone(text):
    import re

    protected = re.findall(r"https?://\S+|\S+@\S+|www\.\S+", text)
    after = newspaper_text(text)
    for span in protected:
        assert span in after


def test_kept_words(settings):
    settings.KISHA_TEXT_KEEP = "ＮＴＴ,ｱｲｳ商事"
    assert newspaper_text("ＮＴＴとＡＩ、ｱｲｳ商事のｽﾏﾎ") == "ＮＴＴとAI、ｱｲｳ商事のスマホ"


def test_style_off(settings):
    settings.KISHA_TEXT_STYLE = "off"
    assert newspaper_text("ｽﾏｰﾄﾌｫﾝでＡＩ") == "ｽﾏｰﾄﾌｫﾝでＡＩ"


@pytest.mark.parametrize(
    "text",
    [
        "ｽﾏｰﾄﾌｫﾝで動く小型ＡＩ",
        "😀👩‍👩‍👧ＡＩ\u0301ｶ\u3099 e\u0301",  # emoji, ZWJ sequences, combining marks
        "ｱ" * 5000 + "Ａ" * 5000,  # very long
        "\u200b\ufeffＡ\u202eＢ",  # invisible and bidi controls pass through
        "https://ｅｘ.jp ＡＩ www.ｅｘ.jp",
    ],
)
def test_idempotent_and_nothing_lost(text):
    once = newspaper_text(text)
    assert newspaper_text(once) == once
    # Only width changes: the emoji, marks and controls are all still there.
    for ch in ("😀", "\u200d", "\u0301", "\u200b", "\u202e"):
        assert text.count(ch) == once.count(ch)


def test_changed_spans_for_the_message():
    spans = changed_spans("小型ＡＩで", "小型AIで")
    assert spans == [("小型ＡＩ", "小型AI")]


@pytest.mark.parametrize(
    ("caption", "style", "expected"),
    [
        ("会談に臨む両首脳（右）", "follow", ("（", "）")),
        ("会談に臨む両首脳(右)", "follow", ("(", ")")),
        ("会談に臨む両首脳", "follow", ("(", ")")),  # the reference page's own
        ("", "follow", ("(", ")")),
        ("会談に臨む両首脳(右)", "full", ("（", "）")),
        ("会談に臨む両首脳（右）", "half", ("(", ")")),
    ],
)
def test_credit_brackets(caption, style, expected):
    assert credit_brackets(caption, style=style) == expected


def test_bracket_width_counts_the_majority():
    assert caption_bracket_width("（右）と(左)（中）") == "full"
    assert caption_bracket_width("なし") is None


def test_credit_with_full_width_brackets(settings):
    credit = format_credit(
        year=2019, agency="ロイター", photographer="Kevin Lamarque", brackets=("（", "）")
    )
    assert credit == "（2019年 ロイター/Kevin Lamarque）"
    assert format_credit(year=None, agency="", photographer="", brackets=("（", "）")) == ""


def test_credit_after_a_caption(image):
    image.credit_year, image.credit_agency, image.credit_photographer = 2019, "ロイター", ""
    assert image.credit_after("両首脳（右）") == "（2019年 ロイター）"
    assert image.credit_after("両首脳") == "(2019年 ロイター)"


def test_ticker_times_carry_the_date_unless_today():
    now = dt.datetime(2026, 11, 29, 10, 0, tzinfo=JST)
    assert jst_time_dated(dt.datetime(2026, 11, 29, 0, 5, tzinfo=JST), now=now) == "00:05"
    assert jst_time_dated(dt.datetime(2026, 11, 28, 23, 40, tzinfo=JST), now=now) == "11/28 23:40"
    # 23:40 in Tokyo on the 28th is 14:40 UTC: the day is JST's, not UTC's.
    utc = dt.datetime(2026, 11, 28, 15, 30, tzinfo=dt.UTC)  # 00:30 on the 29th in JST
    assert jst_time_dated(utc, now=now) == "00:30"
    assert jst_time_dated(None) == ""
