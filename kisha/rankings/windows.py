"""The three ranking windows, in JST hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .backends.base import jst_hour


@dataclass(frozen=True)
class Window:
    key: str
    label: str
    hours: int  # the last `hours` JST hours, the current one included

    def start(self, now: dt.datetime) -> dt.datetime:
        return jst_hour(now) - dt.timedelta(hours=self.hours - 1)


# All three roll by the hour, so no ranking jumps at midnight and moving a window forward costs
# the same small step every hour (see totals.py) instead of a whole day's rows at once.
WINDOWS: dict[str, Window] = {
    "24h": Window("24h", "24時間", hours=24),
    "week": Window("week", "週間", hours=7 * 24),
    "month": Window("month", "月間", hours=30 * 24),
}
