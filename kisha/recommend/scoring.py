"""Scoring related articles over term vectors, shared by the full refresh and the update on
publish, so both rank alike.

Text similarity is the dot product of unit TF-IDF vectors (cosine), read through postings
capped per term (the heaviest KISHA_RECOMMEND_POSTINGS of each): an article sharing only a
word that thousands of articles use lightly is not a candidate through that word. The shared
primary topic and tags add a bonus; the part from text decays with the time between the two
articles, so a story's follow-ups outrank a look-alike from years before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .conf import conf

DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class Meta:
    topic_id: int | None
    tags: frozenset[int]
    published: float  # a POSIX timestamp; 0 when unknown


@dataclass(frozen=True, slots=True)
class Weights:
    topic: float
    tag: float
    half_life: float

    @classmethod
    def from_settings(cls) -> Weights:
        return cls(
            topic=float(conf("KISHA_RECOMMEND_TOPIC_BONUS")),
            tag=float(conf("KISHA_RECOMMEND_TAG_BONUS")),
            half_life=float(conf("KISHA_RECOMMEND_HALF_LIFE_DAYS")) * DAY,
        )


def similarities(
    vector: dict[str, float], postings: dict[str, list[tuple[int, float]]]
) -> dict[int, float]:
    """Cosine similarity to every article that shares a term through the capped postings."""
    scores: dict[int, float] = {}
    get = scores.get
    for term, weight in vector.items():
        for other, other_weight in postings.get(term, ()):
            scores[other] = get(other, 0.0) + weight * other_weight
    return scores


def final_score(similarity: float, a: Meta, b: Meta, weights: Weights) -> float:
    gap = abs(a.published - b.published)
    decay = 0.5 ** (gap / weights.half_life) if weights.half_life > 0 else 1.0
    score = similarity * (0.5 + 0.5 * decay)
    if a.topic_id is not None and a.topic_id == b.topic_id:
        score += weights.topic
    if a.tags and b.tags:
        score += weights.tag * min(2, len(a.tags & b.tags))
    return score


def rank(
    article_id: int,
    sims: dict[int, float],
    metas: dict[int, Meta],
    *,
    weights: Weights,
    limit: int,
    series: Mapping[int, frozenset[int]] | None = None,
    per_series: int = 2,
) -> list[tuple[int, float]]:
    """The best `limit` other articles, (id, score) best first; never the article itself,
    never an article without metadata (not eligible: unpublished, restricted, embargoed), and
    at most `per_series` of any one series (`series`: article id → its series ids)."""
    own = metas.get(article_id)
    if own is None:
        return []
    scored = []
    for other, sim in sims.items():
        if other == article_id:
            continue
        meta = metas.get(other)
        if meta is None:
            continue
        scored.append((round(final_score(sim, own, meta, weights), 6), other))
    scored.sort(key=lambda pair: (-pair[0], -pair[1]))
    if not series:
        return [(other, score) for score, other in scored[:limit]]
    ranked = [(other, score) for score, other in scored]
    return series_capped(ranked, series, per_series=per_series)[:limit]


def series_capped(
    ranked: list[tuple[int, float]], series: Mapping[int, frozenset[int]], *, per_series: int
) -> list[tuple[int, float]]:
    """`ranked` without the entries past the `per_series`-th of any one series: a travel
    series of forty episodes must not fill the whole block."""
    if not series:
        return ranked
    seen: Counter[int] = Counter()
    kept = []
    for other, score in ranked:
        member_of = series.get(other, frozenset())
        if any(seen[s] >= per_series for s in member_of):
            continue
        seen.update(member_of)
        kept.append((other, score))
    return kept


def postings_from_vectors(
    vectors: Iterable[tuple[int, dict[str, float]]], *, cap: int
) -> dict[str, list[tuple[int, float]]]:
    """Term → the `cap` heaviest (article, weight) pairs, heaviest first."""
    postings: dict[str, list[tuple[int, float]]] = {}
    for article_id, vector in vectors:
        for term, weight in vector.items():
            postings.setdefault(term, []).append((article_id, weight))
    for pairs in postings.values():
        if len(pairs) > cap:
            pairs.sort(key=lambda pair: (-pair[1], pair[0]))
            del pairs[cap:]
    return postings
