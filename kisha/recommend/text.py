"""An article as weighted terms, from the shared Japanese tokenizer (kisha.search.services).

Terms are SudachiPy normalized forms (spelling variants meet: 引越し/引っ越し), with their
mode A pieces (非核化 → 非核化, 非核, 化). One-character terms and bare numbers are dropped:
they are particles the part-of-speech filter let through, counters, and dates, which say
nothing about what a story is about.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from kisha.search.services import text_terms

from .conf import conf

# Counts kept per article: enough for TF-IDF to pick its top terms from.
KEPT_COUNTS = 64
_NUMBER = re.compile(r"^[0-9]+$")
FIELD_WEIGHTS = (("title", 3), ("lead", 2), ("body", 1))


def _useful(term: str) -> bool:
    return len(term) > 1 and not _NUMBER.match(term)


def term_counts(*, title: str, lead: str, body: str) -> dict[str, int]:
    """Weighted counts of an article's terms (title ×3, lead ×2, body ×1), the most frequent
    KEPT_COUNTS of them."""
    counts: Counter[str] = Counter()
    fields = {"title": title, "lead": lead, "body": body[: int(conf("KISHA_RECOMMEND_BODY_CHARS"))]}
    for name, weight in FIELD_WEIGHTS:
        for term in text_terms(fields[name] or ""):
            if _useful(term):
                counts[term] += weight
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:KEPT_COUNTS])


def idf(*, df: int, documents: int) -> float:
    return math.log((documents + 1) / (df + 1)) + 1.0


def tfidf_vector(
    counts: dict[str, int], *, df: dict[str, int], documents: int, size: int | None = None
) -> dict[str, float]:
    """The top `size` terms by sublinear TF × IDF, scaled to unit length. A term seen in no
    other article (df missing) counts as seen once."""
    size = size or int(conf("KISHA_RECOMMEND_TERMS"))
    weights = {
        term: (1.0 + math.log(count)) * idf(df=df.get(term, 1), documents=documents)
        for term, count in counts.items()
    }
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:size]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {term: round(w / norm, 6) for term, w in top}
