import datetime as dt

import pytest

from kisha.core import text
from kisha.core.models import format_credit

UTC = dt.UTC


class TestJstDates:
    def test_reference_page_format(self):
        # 06:00 UTC is 15:00 in Tokyo; 2019-12-10 was a Tuesday.
        assert (
            text.jst_datetime(dt.datetime(2019, 12, 10, 6, 0, tzinfo=UTC))
            == "2019年12月10日(火)15時00分"
        )

    def test_hour_and_minute_are_zero_padded(self):
        assert (
            text.jst_datetime(dt.datetime(2024, 1, 1, 0, 5, tzinfo=text.JST))
            == "2024年1月1日(月)00時05分"
        )

    def test_date_rolls_over_at_jst_midnight(self):
        # 15:30 UTC on 31 December is already New Year's Day in Japan.
        value = dt.datetime(2023, 12, 31, 15, 30, tzinfo=UTC)
        assert text.jst_datetime(value) == "2024年1月1日(月)00時30分"
        assert text.jst_date(value) == "2024年1月1日"

    def test_naive_datetimes_are_taken_as_utc(self):
        assert text.jst_time(dt.datetime(2020, 5, 1, 3, 7)) == "12:07"

    def test_every_weekday(self):
        days = [
            text.jst_datetime(dt.datetime(2024, 7, d, 12, tzinfo=text.JST))[-8] for d in range(1, 8)
        ]
        assert "".join(days) == "月火水木金土日"

    def test_none_gives_empty(self):
        assert text.jst_datetime(None) == ""
        assert text.jst_date(None) == ""
        assert text.jst_iso(None) == ""

    def test_iso_has_the_jst_offset(self):
        assert (
            text.jst_iso(dt.datetime(2019, 12, 10, 6, 0, tzinfo=UTC)) == "2019-12-10T15:00:00+09:00"
        )

    def test_combined_issue_label_pads_the_day(self):
        label = text.issue_date_label(dt.date(2025, 11, 4), dt.date(2025, 11, 11))
        assert label == "2025年11月 4日/2025年11月11日号"
        assert text.on_sale_label(dt.date(2025, 10, 28)) == "(10/28発売)"
        assert text.on_sale_label(dt.date(2025, 3, 4)) == "(3/04発売)"

    def test_single_issue_label(self):
        assert text.issue_date_label(dt.date(2025, 1, 7)) == "2025年1月 7日号"


class TestTruncateWidth:
    def test_short_text_is_unchanged(self):
        assert text.truncate_width("米朝関係", 20) == "米朝関係"

    def test_full_width_characters_count_two_columns(self):
        result = text.truncate_width("北朝鮮の非核化交渉、米国が新たな提案を検討", 20)
        assert result == "北朝鮮の非核化交渉…"
        assert text.display_width(result) == 20

    def test_mixed_width(self):
        result = text.truncate_width("AI規制法案、EUで可決へ　日本企業にも影響", 16)
        assert result.endswith("…")
        assert text.display_width(result) <= 16

    @pytest.mark.parametrize("width", range(1, 40))
    def test_never_exceeds_the_width(self, width):
        result = text.truncate_width("ｽﾏｰﾄﾌｫﾝ新機種、ＡＩ搭載で価格は据え置き（2025年）", width)
        assert text.display_width(result) <= width

    def test_exact_fit_is_not_cut(self):
        assert text.truncate_width("あいうえお", 10) == "あいうえお"
        assert text.truncate_width("あいうえおか", 10) == "あいうえ…"

    def test_trailing_space_before_ellipsis_is_dropped(self):
        assert text.truncate_width("ab cd efgh", 5) == "ab…"

    def test_whitespace_is_collapsed(self):
        assert text.truncate_width("  日本\n\t経済  ", 20) == "日本 経済"

    def test_combining_marks_stay_with_their_base(self):
        result = text.truncate_width("か\u3099か\u3099か\u3099か\u3099", 5)
        assert not result.startswith("\u3099")
        assert result.count("か") == result.count("\u3099")

    def test_full_width_space_is_kept(self):
        assert (
            text.truncate_width("米朝首脳、合意できず\u3000協議は継続へ", 40)
            == "米朝首脳、合意できず\u3000協議は継続へ"
        )

    def test_zero_and_negative_width(self):
        assert text.truncate_width("ニュース", 0) == ""
        assert text.truncate_width("ニュース", -3) == ""

    def test_control_characters_do_not_crash(self):
        assert text.display_width(text.truncate_width("速報\x00\x1b[31m台風", 6)) <= 6

    def test_emoji(self):
        assert text.display_width(text.truncate_width("🎉🎉🎉🎉🎉", 6)) <= 6


class TestReadingTime:
    def test_counts_characters_not_words(self):
        assert text.reading_minutes("あ" * 500) == 1
        assert text.reading_minutes("あ" * 501) == 2
        assert text.reading_minutes("あ " * 1500) == 3

    def test_empty_text_is_one_minute(self):
        assert text.reading_minutes("") == 1

    def test_count_characters_ignores_whitespace(self):
        assert text.count_characters("日本　経済\n新聞 ") == 6


class TestNormalize:
    def test_nfkc(self):
        assert text.normalize("ｽﾏｰﾄﾌｫﾝ") == "スマートフォン"
        assert text.normalize("ＡＩ１２３") == "AI123"


class TestCredit:
    def test_reference_format(self):
        assert (
            format_credit(year=2019, agency="ロイター", photographer="Kevin Lamarque")
            == "(2019年 ロイター/Kevin Lamarque)"
        )

    def test_missing_parts(self):
        assert format_credit(year=None, agency="共同", photographer="") == "(共同)"
        assert format_credit(year=2020, agency="", photographer="田中一郎") == "(2020年 田中一郎)"
        assert format_credit(year=None, agency=" ", photographer="") == ""
