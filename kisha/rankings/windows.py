"""The three ranking windows, in JST."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kisha.core.text import to_jst

from .backends.base import jst_hour


@dataclass(frozen=True)
class Window:
    key: str
    label: str
    hours: int = 0  # read the hourly table for the last `hours` JST hours (current included)
    days: int = 0  # or the daily table for the last `days` JST days (today included)

    def start(self, now: dt.datetime) -> dt.datetime | dt.date:
        if self.hours:
            return jst_hour(now) - dt.timedelta(hours=self.hours - 1)
        return to_jst(now).date() - dt.timedelta(days=self.days - 1)


# 24時間 is rolling by the hour; 週間 and 月間 are the last 7 and 30 calendar days in JST
# (today included), read from the daily table so a month costs one row per article and day.
WINDOWS: dict[str, Window] = {
    "24h": Window("24h", "24時間", hours=24),
    "week": Window("week", "週間", days=7),
    "month": Window("month", "月間", days=30),
}
