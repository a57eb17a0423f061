"""Relevance, measured: the labelled queries of tests/search/relevance/ reach the targets."""

import pytest

from tests.search.relevance.evaluate import (
    TARGET_PRECISION,
    TARGET_RECALL,
    build_site,
    by_category,
    load,
    score_all,
)

pytestmark = pytest.mark.django_db


def test_the_set_is_big_enough():
    articles, queries = load()
    slugs = {a["slug"] for a in articles}
    assert len(queries) >= 60
    assert all(set(q["relevant"]) <= slugs for q in queries)  # no label points nowhere


@pytest.fixture
def categories(home, capsys):
    build_site(home)
    scores = score_all()
    categories = by_category(scores)
    with capsys.disabled():
        print()
        for category, (n, recall, precision) in sorted(categories.items()):
            print(f"  {category:<10} n={n:<3} recall@10={recall:.3f} precision@10={precision:.3f}")
        for s in scores:
            if s.recall < 1 or s.precision < 1:
                print(f"  miss {s.category}: {s.q!r} found={s.found} relevant={s.relevant}")
    return categories


def test_recall_and_precision_per_category(categories):
    below = set()
    for category, (_, recall, precision) in categories.items():
        if recall < TARGET_RECALL:
            below.add((category, "recall"))
        if precision < TARGET_PRECISION:
            below.add((category, "precision"))
    assert below == set()
