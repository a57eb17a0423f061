"""Issue-date labels in the print magazine's three formats, from the dates alone.

    long   2025年11月 4日/2025年11月11日号(10/28発売)   the sidebar (the reference page)
    short  2025/11/4・11合併号（10/28発売）             lists, the archive
    line   2025年11月 4日/11日号                         the 本誌 … 掲載 line on an article

The long format's day is space-padded to two columns and its on-sale date is M/DD; both come
from kisha.core.text so every printed date on the site has one source.
"""

from __future__ import annotations

import datetime as dt

from kisha.core.text import issue_date_label, on_sale_label


def _day(value: dt.date) -> str:
    return f"{value.day:>2}日"


def label_long(*, cover: dt.date, cover_end: dt.date | None, on_sale: dt.date | None) -> str:
    """`2025年11月 4日/2025年11月11日号(10/28発売)`; a single issue names one date."""
    label = issue_date_label(cover, cover_end)
    return label + on_sale_label(on_sale) if on_sale else label


def label_short(*, cover: dt.date, cover_end: dt.date | None, on_sale: dt.date | None) -> str:
    """`2025/11/4・11合併号（10/28発売）`: the second date drops what it shares with the first
    (the year, then the month); a single issue is `2025/11/18号（11/11発売）`."""
    first = f"{cover.year}/{cover.month}/{cover.day}"
    if cover_end is None:
        label = f"{first}号"
    elif cover_end.year != cover.year:
        label = f"{first}・{cover_end.year}/{cover_end.month}/{cover_end.day}合併号"
    elif cover_end.month != cover.month:
        label = f"{first}・{cover_end.month}/{cover_end.day}合併号"
    else:
        label = f"{first}・{cover_end.day}合併号"
    if on_sale:
        label += f"（{on_sale.month}/{on_sale.day:02d}発売）"
    return label


def label_line(*, cover: dt.date, cover_end: dt.date | None) -> str:
    """`2025年11月 4日/11日号`, as an article names the issue it appeared in; the second date
    repeats the month or the year only when it changes."""
    first = f"{cover.year}年{cover.month}月{_day(cover)}"
    if cover_end is None:
        return f"{first}号"
    if cover_end.year != cover.year:
        second = f"{cover_end.year}年{cover_end.month}月{_day(cover_end)}"
    elif cover_end.month != cover.month:
        second = f"{cover_end.month}月{_day(cover_end)}"
    else:
        second = _day(cover_end)
    return f"{first}/{second}号"
