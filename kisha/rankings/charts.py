"""A server-rendered bar chart of daily views: geometry computed here, drawn as SVG by the
template, so the newsroom needs no JavaScript chart library."""

from __future__ import annotations

import datetime as dt

from kisha.core.text import WEEKDAYS

WIDTH = 720
HEIGHT = 240
LEFT = 48  # room for the y-axis labels
BOTTOM = 28  # room for the date labels
TOP = 12
RIGHT = 20  # room for the last date label


def nice_ceiling(value: int) -> int:
    """The next round number at or above `value` (1, 2, 5 × 10ⁿ) for the y axis."""
    if value <= 0:
        return 10
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def daily_views_chart(series: list[tuple[dt.date, int]]) -> dict:
    """Bars, gridlines and labels for `series` (date, views), oldest first."""
    top = nice_ceiling(max((views for _, views in series), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(series), 1)
    bars = []
    for n, (day, views) in enumerate(series):
        h = round(plot_h * views / top, 1)
        bars.append(
            {
                "x": round(LEFT + n * slot + slot * 0.15, 1),
                "y": round(TOP + plot_h - h, 1),
                "w": round(slot * 0.7, 1),
                "h": h,
                "day": day,
                "label": f"{day.month}月{day.day}日({WEEKDAYS[day.weekday()]})",
                "views": views,
                "tick": f"{day.month}/{day.day}" if n % 5 == 0 or n == len(series) - 1 else "",
                "tick_x": round(LEFT + n * slot + slot / 2, 1),
            }
        )
    # nice_ceiling gives 1, 2 or 5 × 10ⁿ: five divisions keep every label a whole number.
    divisions = 5 if top % 5 == 0 else top
    grid = [
        {"y": round(TOP + plot_h - plot_h * k / divisions, 1), "value": top * k // divisions}
        for k in range(divisions + 1)
    ]
    return {
        "width": WIDTH,
        "right": WIDTH - RIGHT,
        "height": HEIGHT,
        "left": LEFT,
        "baseline": TOP + plot_h,
        "label_y": HEIGHT - 8,
        "bars": bars,
        "grid": grid,
        "total": sum(views for _, views in series),
    }
