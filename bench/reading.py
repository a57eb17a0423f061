"""What phrase-setting (BudouX, kisha.core.phrases) costs a page render, measured side by side.

    SQLITE_PATH=var/after.sqlite3 .venv/bin/python bench/reading.py [--rounds 40]

Runs against a built demo database (`make demo`, or demo_site into SQLITE_PATH). Renders the
home page and an article in this process through Django's test client, with Kisha's page cache
off and the sidebar fragments warm (as between two ingests), alternately with the real
`phrase_html` and with a stand-in that only escapes, and prints ms per render of each and the
ratio, and the cost of one split.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kisha.settings")
os.environ.setdefault("KISHA_PAGE_CACHE", "off")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from django.utils.html import format_html

    from kisha.core import phrases
    from kisha.news.models import ArticlePage

    real = phrases.phrase_html

    def plain(text):
        return format_html("{}", text)

    article = ArticlePage.objects.live().order_by("-first_published_at").first()
    if article is None:
        sys.exit("no articles: build the demo first (make demo, or manage.py demo_site)")
    client = Client()
    urls = {"home": "/", "article": article.url}
    for url in urls.values():
        assert client.get(url).status_code == 200  # warm renditions, memos and fragments
    results: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for mode, fn in (("budoux", real), ("plain", plain)):
            phrases.phrase_html = fn
            for name, url in urls.items():
                start = time.perf_counter()
                client.get(url)
                results.setdefault((name, mode), []).append((time.perf_counter() - start) * 1000)
    phrases.phrase_html = real

    titles = list(ArticlePage.objects.live().values_list("title", flat=True)[:200])
    start = time.perf_counter()
    for title in titles:
        phrases.phrases(title)
    per_split = (time.perf_counter() - start) * 1000 / len(titles)

    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    for name in urls:
        on = statistics.median(results[(name, "budoux")])
        off = statistics.median(results[(name, "plain")])
        print(f"{name:8} with BudouX {on:6.1f} ms  without {off:6.1f} ms  ratio {on / off:.2f}")
    print(f"one headline split: {per_split:.3f} ms ({len(titles)} headlines)")


if __name__ == "__main__":
    main()
