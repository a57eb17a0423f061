"""The app's settings, each with a default, read from django.conf.settings when asked."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Related articles stored per article; the block after the body shows the first
    # KISHA_RECOMMEND_MAIN of them, the sidebar the rest.
    "KISHA_RECOMMEND_STORED": 10,
    "KISHA_RECOMMEND_MAIN": 6,
    # Terms kept per article vector (the highest TF-IDF weights) and postings read per term when
    # scoring: both bound the work per article, whatever the archive's size.
    "KISHA_RECOMMEND_TERMS": 24,
    "KISHA_RECOMMEND_POSTINGS": 120,
    # Only the first this many characters of the body are tokenized: the top of a news story
    # says what it is about, and SudachiPy costs about 3.5 µs a character.
    "KISHA_RECOMMEND_BODY_CHARS": 2500,
    # Added to the text similarity of two articles with the same primary topic, and per shared tag.
    "KISHA_RECOMMEND_TOPIC_BONUS": 0.15,
    "KISHA_RECOMMEND_TAG_BONUS": 0.05,
    # Recency decay: an article this many days apart from the one read weighs half as much
    # in the part of the score that decays.
    "KISHA_RECOMMEND_HALF_LIFE_DAYS": 7,
    # At most this many articles of one series in a related list (kisha.series).
    "KISHA_RECOMMEND_PER_SERIES": 2,
    # Per-reader answers: history ids read at most, and the API's body limit in bytes.
    "KISHA_RECOMMEND_HISTORY": 20,
    "KISHA_RECOMMEND_MAX_BODY": 2048,
    # How long popular-now and fresh ids are kept in the shared cache for the per-reader API.
    "KISHA_RECOMMEND_POOL_SECONDS": 30,
}


def conf(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
