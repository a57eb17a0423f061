"""Japanese text helpers: JST dates, display-width truncation, reading time, normalisation.

Everything a reader sees as a date or a cut headline goes through here, so the site formats them
one way. Widths are terminal columns as wcwidth counts them: a kanji or full-width kana is two
columns, ASCII is one.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

from wcwidth import wcswidth, wcwidth

JST = ZoneInfo("Asia/Tokyo")
WEEKDAYS = "月火水木金土日"
ELLIPSIS = "…"
# U+2026 is "ambiguous" width: one column in Western fonts, two in Japanese ones. Budget two so a
# cut title never overflows the box it was cut for.
ELLIPSIS_WIDTH = 2
_ASCII_SPACE = re.compile(r"[ \t\r\n\f\v]+")
# Japanese readers of news read roughly 400–600 characters a minute; 500 is the common midpoint.
CHARS_PER_MINUTE = 500


def to_jst(value: dt.datetime) -> dt.datetime:
    """Convert an aware datetime to JST; a naive one is taken to be UTC (the database's zone)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(JST)


def jst_datetime(value: dt.datetime | None) -> str:
    """`2019年12月10日(火)15時00分`: the reference page's publication time."""
    if value is None:
        return ""
    t = to_jst(value)
    return f"{t.year}年{t.month}月{t.day}日({WEEKDAYS[t.weekday()]}){t.hour:02d}時{t.minute:02d}分"


def jst_date(value: dt.date | dt.datetime | None) -> str:
    """`2019年12月10日`."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_jst(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def jst_time(value: dt.datetime | None) -> str:
    """`15:00`: the ticker's compact time."""
    if value is None:
        return ""
    t = to_jst(value)
    return f"{t.hour:02d}:{t.minute:02d}"


def jst_time_dated(value: dt.datetime | None, *, now: dt.datetime | None = None) -> str:
    """`15:00` today in JST, `11/28 23:40` on any other day: a list covering two days (the
    ticker's 48 hours) must say which day a bare time belongs to."""
    if value is None:
        return ""
    t = to_jst(value)
    today = to_jst(now or dt.datetime.now(dt.UTC)).date()
    if t.date() == today:
        return f"{t.hour:02d}:{t.minute:02d}"
    return f"{t.month}/{t.day} {t.hour:02d}:{t.minute:02d}"


def jst_iso(value: dt.datetime | None) -> str:
    """ISO 8601 in JST with offset, for `<time datetime>` and structured data."""
    if value is None:
        return ""
    return to_jst(value).isoformat(timespec="seconds")


def issue_date_label(start: dt.date, end: dt.date | None = None) -> str:
    """`2025年11月 4日/2025年11月11日号`: print-issue labels pad the day to two columns with a space.

    A combined two-week issue names both dates; a single issue names one.
    """

    def one(d: dt.date) -> str:
        return f"{d.year}年{d.month}月{d.day:>2}日"

    return f"{one(start)}/{one(end)}号" if end else f"{one(start)}号"


def on_sale_label(value: dt.date) -> str:
    """`(10/28発売)`: the on-sale date as M/DD."""
    return f"({value.month}/{value.day:02d}発売)"


def char_width(ch: str) -> int:
    """Display columns of one character; control and non-printing characters count as zero."""
    if ch == ELLIPSIS:
        return ELLIPSIS_WIDTH
    w = wcwidth(ch)
    return max(w, 0)


def display_width(text: str) -> int:
    """Display columns of a string, counting the ellipsis as two and unprintables as zero."""
    if ELLIPSIS not in text:
        w = wcswidth(text)
        if w >= 0:
            return w
    return sum(char_width(ch) for ch in text)


def truncate_width(text: str, width: int, *, ellipsis: str = ELLIPSIS) -> str:
    """Cut `text` to at most `width` display columns, ending in `…` when anything was cut.

    The ellipsis is budgeted inside the width, so the result never exceeds it. Combining marks
    stay with their base character, and whitespace left dangling before the ellipsis is dropped.
    """
    if width <= 0 or not text:
        return ""
    # Collapse runs of ASCII whitespace and line breaks, but keep the full-width space (U+3000),
    # which Japanese headlines use as a deliberate separator.
    text = _ASCII_SPACE.sub(" ", text).strip(" ")
    if display_width(text) <= width:
        return text
    budget = width - (ELLIPSIS_WIDTH if ellipsis == ELLIPSIS else display_width(ellipsis))
    if budget <= 0:
        return ellipsis if display_width(ellipsis) <= width else ""
    used = 0
    end = 0
    for index, ch in enumerate(text):
        w = char_width(ch)
        if used + w > budget:
            break
        used += w
        end = index + 1
    # Do not leave a lone base character without its combining mark.
    while end < len(text) and unicodedata.combining(text[end]):
        end -= 1
    return text[:end].rstrip() + ellipsis


def normalize(text: str) -> str:
    """NFKC: full-width Latin and digits to half-width, half-width kana to full-width."""
    return unicodedata.normalize("NFKC", text)


def count_characters(text: str) -> int:
    """Characters a reader reads: everything but whitespace."""
    return sum(1 for ch in text if not ch.isspace())


def reading_minutes(text_or_count: str | int) -> int:
    """Whole minutes to read, at least one, counted in characters as Japanese readers read."""
    count = text_or_count if isinstance(text_or_count, int) else count_characters(text_or_count)
    if count <= 0:
        return 1
    return max(1, -(-count // CHARS_PER_MINUTE))
