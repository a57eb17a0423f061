"""Issue-date labels in the reference formats: single, combined, month- and year-crossing."""

import datetime as dt

import pytest

from kisha.magazine.labels import label_line, label_long, label_short

D = dt.date


@pytest.mark.parametrize(
    ("cover", "end", "on_sale", "long", "short", "line"),
    [
        # The reference page's combined issue.
        (
            D(2025, 11, 4),
            D(2025, 11, 11),
            D(2025, 10, 28),
            "2025年11月 4日/2025年11月11日号(10/28発売)",
            "2025/11/4・11合併号（10/28発売）",
            "2025年11月 4日/11日号",
        ),
        # A single issue; a one-digit day is padded, the on-sale day is two digits.
        (
            D(2025, 11, 18),
            None,
            D(2025, 11, 11),
            "2025年11月18日号(11/11発売)",
            "2025/11/18号（11/11発売）",
            "2025年11月18日号",
        ),
        (
            D(2025, 3, 4),
            None,
            D(2025, 2, 25),
            "2025年3月 4日号(2/25発売)",
            "2025/3/4号（2/25発売）",
            "2025年3月 4日号",
        ),
        # Obon: a combined issue across a month.
        (
            D(2025, 8, 12),
            D(2025, 8, 19),
            D(2025, 8, 5),
            "2025年8月12日/2025年8月19日号(8/05発売)",
            "2025/8/12・19合併号（8/05発売）",
            "2025年8月12日/19日号",
        ),
        (
            D(2025, 4, 29),
            D(2025, 5, 6),
            D(2025, 4, 22),
            "2025年4月29日/2025年5月 6日号(4/22発売)",
            "2025/4/29・5/6合併号（4/22発売）",
            "2025年4月29日/5月 6日号",
        ),
        # New Year: across the year.
        (
            D(2025, 12, 30),
            D(2026, 1, 6),
            D(2025, 12, 23),
            "2025年12月30日/2026年1月 6日号(12/23発売)",
            "2025/12/30・2026/1/6合併号（12/23発売）",
            "2025年12月30日/2026年1月 6日号",
        ),
    ],
)
def test_labels(cover, end, on_sale, long, short, line):
    assert label_long(cover=cover, cover_end=end, on_sale=on_sale) == long
    assert label_short(cover=cover, cover_end=end, on_sale=on_sale) == short
    assert label_line(cover=cover, cover_end=end) == line


def test_a_label_without_an_on_sale_date_leaves_it_out():
    assert label_long(cover=D(2025, 11, 4), cover_end=None, on_sale=None) == "2025年11月 4日号"
    assert label_short(cover=D(2025, 11, 4), cover_end=None, on_sale=None) == "2025/11/4号"
