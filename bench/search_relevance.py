"""Relevance of Japanese search: recall@10 and precision@10 per query category.

Runs the labelled set of tests/search/relevance/ (original articles and at least 60 queries)
against the database the settings point at — SQLite by default, PostgreSQL with DATABASE_URL —
in a throwaway test database on that server, so no real content is touched.

    .venv/bin/python bench/search_relevance.py
    DATABASE_URL=postgres://… .venv/bin/python bench/search_relevance.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kisha.settings")
os.environ.setdefault("KISHA_TASKS", "immediate")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main() -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from kisha.news.services import site_ensure_home
    from tests.search.relevance.evaluate import (
        TARGET_PRECISION,
        TARGET_RECALL,
        build_site,
        by_category,
        score_all,
    )

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        build_site(site_ensure_home(title="週刊キシャ"))
        built = time.perf_counter() - started
        started = time.perf_counter()
        scores = score_all()
        ran = time.perf_counter() - started
        print(
            f"database: {connection.vendor}; {len(scores)} queries; "
            f"site built in {built:.1f} s, queries run in {ran:.2f} s"
        )
        print(f"{'category':<10} {'queries':>7} {'recall@10':>10} {'precision@10':>13}")
        ok = True
        for category, (n, recall, precision) in sorted(by_category(scores).items()):
            flag = "" if recall >= TARGET_RECALL and precision >= TARGET_PRECISION else "  < target"
            ok &= not flag
            print(f"{category:<10} {n:>7} {recall:>10.3f} {precision:>13.3f}{flag}")
        overall_r = sum(s.recall for s in scores) / len(scores)
        overall_p = sum(s.precision for s in scores) / len(scores)
        print(f"{'all':<10} {len(scores):>7} {overall_r:>10.3f} {overall_p:>13.3f}")
        for s in scores:
            if s.recall < 1 or s.precision < 1:
                extra = sorted(set(s.found) - set(s.relevant))
                missed = sorted(set(s.relevant) - set(s.found))
                print(f"  {s.category}: {s.q!r} extra={extra} missed={missed}")
        return 0 if ok else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
