"""What a counter back end does: record a view, hand its counts to the fold in batches, and
forget a batch once the fold has made it durable."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from kisha.core.text import JST


class Outcome(enum.IntEnum):
    """What became of one beacon; the values are what the Redis script returns."""

    COUNTED = 1
    DUPLICATE = 2
    RATE_LIMITED = 3
    DROPPED = 4


@dataclass
class Batch:
    """Counts claimed from a back end, applied to the durable tables once (by `id`)."""

    id: str
    rows: list[tuple[int, dt.datetime, int]]  # (page_id, JST hour start, views)
    source: str = ""
    meta: dict = field(default_factory=dict)


def jst_hour(when: dt.datetime) -> dt.datetime:
    """The start of the JST hour containing `when` (aware)."""
    return when.astimezone(JST).replace(minute=0, second=0, microsecond=0)


def hour_key(hour: dt.datetime) -> str:
    """`2026112614`: a JST hour as a compact key."""
    return hour.astimezone(JST).strftime("%Y%m%d%H")


def hour_from_key(key: str) -> dt.datetime:
    return dt.datetime.strptime(key, "%Y%m%d%H").replace(tzinfo=JST)


class BaseCounter:
    """A place where views are counted between folds.

    `record` runs on every beacon and must never block for long or raise; `batches` and `ack`
    run in the fold task. A batch is acknowledged only after its counts are committed together
    with its id, so a crash in between is harmless (see services.rankings_fold).
    """

    name = "base"

    @classmethod
    def from_settings(cls) -> BaseCounter:
        raise NotImplementedError

    def record(self, *, page_id: int, reader: str, address: str, now: dt.datetime) -> Outcome:
        raise NotImplementedError

    def flush(self) -> int:
        """Move anything held in this process to where the fold can see it; returns views."""
        return 0

    def batches(self) -> list[Batch]:
        raise NotImplementedError

    def ack(self, batch: Batch) -> None:
        raise NotImplementedError

    def status(self) -> dict:
        return {"backend": self.name}

    def close(self) -> None:
        self.flush()
