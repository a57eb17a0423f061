"""Reading the reader's history from a request, whatever it holds.

The history comes from the reader's own browser (localStorage, never a cookie): a list of
article ids, most recent first. Anything else — strings, floats, booleans, nested lists,
negative or huge numbers, repeats, thousands of entries — is dropped or cut here, so the
selectors only ever see a short list of plausible ids.
"""

from __future__ import annotations

import json

from .conf import conf

MAX_ID = 2**31 - 1  # PostgreSQL integer: a larger id would fail the query, not just miss


def history_clean(values) -> list[int]:
    """Plausible article ids from `values`, first occurrences kept, at most the configured
    number; never raises."""
    limit = int(conf("KISHA_RECOMMEND_HISTORY"))
    if not isinstance(values, list | tuple):
        return []
    history: list[int] = []
    for value in values[: limit * 4]:
        if isinstance(value, bool):
            continue
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
            value = int(value)
        if isinstance(value, int) and 0 < value <= MAX_ID and value not in history:
            history.append(value)
            if len(history) >= limit:
                break
    return history


def history_from_body(body: bytes) -> list[int] | None:
    """`{"history": [ids…]}` from a POST body; None when it is not that shape at all."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    return history_clean(data.get("history"))


def history_from_query(value: str) -> list[int]:
    """`?h=12,34,56`: the first ids of a comma-separated list."""
    limit = int(conf("KISHA_RECOMMEND_HISTORY"))
    return history_clean(value[: limit * 12].split(",")[: limit * 4])
