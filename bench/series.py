"""Uncached series pages: a series of 5, 100 and 500 articles (the last in ten seasons), the
series index, and an article that belongs to three series, from a production server.

    .venv/bin/python bench/series.py [--articles 2000] [--database-url postgres://…]

Fills a throwaway database with the demo generator (kept under var/bench/ and reused), adds the
series, serves it with gunicorn (DEBUG off, 2 sync workers, KISHA_PAGE_CACHE=off: every request
renders) and prints queries per request, the median and p95 of sequential requests, and the
median CPU time of a render in-process (steady when the machine is shared and busy).
Target (issue 14): series page ≤ 15 ms median, with the same number of queries at any length.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, demo_site, get, gunicorn, machine, sequential_latency  # noqa: E402

PROBE = r"""
import json, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from kisha.news.models import ArticlePage, HomePage
from kisha.series.services import SeasonSpec, series_index_ensure, series_publish

index = series_index_ensure(home=HomePage.objects.first())
ids = list(ArticlePage.objects.live().order_by("first_published_at").values_list("id", flat=True))
shapes = {"bench-5": (5, 0), "bench-100": (100, 0), "bench-500": (500, 10)}
made = {}
for slug, (count, seasons) in shapes.items():
    chosen = ids[:count]
    per = max(1, count // seasons) if seasons else 0
    made[slug] = series_publish(
        index=index, slug=slug, title=f"ベンチ連載 {count}本", kicker="連載",
        seasons=[SeasonSpec(n + 1, f"第{n + 1}部") for n in range(seasons)],
        entries=[(pid, min(i // per + 1, seasons) if seasons else None) for i, pid in enumerate(chosen)],
    )
member = ArticlePage.objects.get(id=ids[2])  # in all three series
client = Client(HTTP_HOST="127.0.0.1")
result = {"articles": len(ids), "urls": {}}
pages = [(f"series, {n} articles", made[s].url) for s, n in (("bench-5", 5), ("bench-100", 100), ("bench-500", 500))]
plain = ArticlePage.objects.live().exclude(id__in=ids[:500]).first()
pages += [("series index", index.url), ("article in 3 series", member.url)]
pages += [("article in no series (reference)", plain.url), ("section page (reference)", member.get_parent().url)]
import statistics, time
for name, url in pages:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    queries = len(ctx.captured_queries)  # (the next request's start clears Django's log)
    # CPU time of the render in this process: what a request costs, unlike wall time, which a
    # busy shared machine inflates by whatever else runs.
    cpu = []
    for _ in range(50):
        started = time.process_time()
        client.get(url)
        cpu.append((time.process_time() - started) * 1000)
    result["urls"][name] = {
        "url": url, "queries": queries, "status": status,
        "cpu": statistics.median(cpu),
    }
print(json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per page")
    args = parser.parse_args()

    print(f"# Kisha series benchmark — {machine()}")
    env, _, summary = demo_site("series", articles=args.articles, database_url=args.database_url)
    env = {**env, "KISHA_PAGE_CACHE": "off"}
    print(f"database: {summary}")
    probe = json.loads(
        subprocess.run(
            [PYTHON, "-c", PROBE], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    rows = []
    with gunicorn(env) as port:
        for name, info in probe["urls"].items():
            status, _ = get(port, info["url"], timeout=120)  # warm: imports, renditions, memos
            assert status == 200, (name, status)
            latency = sequential_latency(port, info["url"], requests=args.requests)
            rows.append((name, info, latency))
        report(rows)  # before the server stops: a slow shutdown must not lose the figures


def report(rows) -> None:
    print()
    print("| page | queries | median ms | p95 ms | in-process CPU ms (median) |")
    print("|---|---:|---:|---:|---:|")
    for name, info, latency in rows:
        print(
            f"| {name} | {info['queries']} | {latency['median']:.1f} | {latency['p95']:.1f} "
            f"| {info['cpu']:.1f} |"
        )
    print(
        "\nsequential: one request at a time, new connection each, KISHA_PAGE_CACHE=off; "
        "CPU: process time of 50 renders through Django's test client"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
