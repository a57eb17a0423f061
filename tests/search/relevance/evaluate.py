"""Load the labelled set, run every query through the site's search, score recall and precision.

Shared by tests/search/test_relevance.py and bench/search_relevance.py. Metrics are at 10 and
per query, then averaged per category: recall@10 = relevant found in the top 10 / min(relevant,
10); precision@10 = relevant in the top 10 / results in the top 10 (1.0 for an empty top 10).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
SECTIONS = {
    "world": "ワールド",
    "business": "ビジネス",
    "society": "社会",
    "politics": "政治",
    "tech": "テクノロジー",
    "sports": "スポーツ",
}
TARGET_RECALL = 0.95
TARGET_PRECISION = 0.90


@dataclass(frozen=True)
class QueryScore:
    category: str
    q: str
    found: tuple[str, ...]
    relevant: tuple[str, ...]
    recall: float
    precision: float


def load() -> tuple[list[dict], list[dict]]:
    articles = json.loads((HERE / "articles.json").read_text(encoding="utf-8"))
    queries = json.loads((HERE / "queries.json").read_text(encoding="utf-8"))
    return articles, queries


def build_site(home) -> None:
    """Create the labelled articles as live pages under their sections."""
    from kisha.news.factories import ArticlePageFactory, SectionPageFactory

    articles, _ = load()
    sections = {
        slug: SectionPageFactory(parent=home, title=title, slug=slug)
        for slug, title in SECTIONS.items()
    }
    for article in articles:
        ArticlePageFactory(
            parent=sections[article["section"]],
            slug=article["slug"],
            title=article["title"],
            lead=article["lead"],
            body=[("paragraph", f"<p>{paragraph}</p>") for paragraph in article["body"]],
        )


def score_all() -> list[QueryScore]:
    from kisha.search.selectors import article_search

    _, queries = load()
    scores = []
    for query in queries:
        found = tuple(p.slug for p in article_search(query=query["q"])[:10])
        relevant = tuple(query["relevant"])
        hits = len(set(found) & set(relevant))
        recall = hits / min(len(relevant), 10) if relevant else float(not found)
        precision = hits / len(found) if found else 1.0
        scores.append(QueryScore(query["category"], query["q"], found, relevant, recall, precision))
    return scores


def by_category(scores: list[QueryScore]) -> dict[str, tuple[int, float, float]]:
    """category → (queries, mean recall@10, mean precision@10)."""
    groups: dict[str, list[QueryScore]] = defaultdict(list)
    for score in scores:
        groups[score.category].append(score)
    return {
        category: (
            len(items),
            sum(s.recall for s in items) / len(items),
            sum(s.precision for s in items) / len(items),
        )
        for category, items in groups.items()
    }
