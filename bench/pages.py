"""Uncached page speed: article and home pages from a production server, next to nginx serving
the same HTML as a static file.

    .venv/bin/python bench/pages.py [--articles 10000] [--database-url postgres://…]

Fills a throwaway database with the demo generator (kept under var/bench/ and reused), serves it
with gunicorn (DEBUG off, 2 sync workers), and prints, for each page: queries per request,
median and p95 of sequential requests, and wrk throughput — for Kisha and for nginx side by side.
Targets (issue 2): article ≤ 15 ms and home ≤ 25 ms median, each ≤ 12 queries.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    PYTHON,
    demo_site,
    get,
    gunicorn,
    machine,
    nginx,
    sequential_latency,
    wrk,
)

PROBE = r"""
import json, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from kisha.news.models import ArticlePage, SectionPage
article = ArticlePage.objects.live().order_by("-first_published_at").first()
section = SectionPage.objects.live().first()
client = Client(HTTP_HOST="127.0.0.1")
result = {"articles": ArticlePage.objects.count(), "urls": {}}
for name, url in (("article", article.url), ("home", "/"), ("section", section.url)):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    result["urls"][name] = {"url": url, "queries": len(ctx.captured_queries), "status": status}
print(json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    parser.add_argument("--requests", type=int, default=300, help="sequential requests per page")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    args = parser.parse_args()

    print(f"# Kisha page benchmark — {machine()}")
    env, workdir, summary = demo_site(
        "pages", articles=args.articles, database_url=args.database_url
    )
    print(f"database: {summary}")
    probe = json.loads(
        subprocess.run(
            [PYTHON, "-c", PROBE], env=env, check=True, capture_output=True, text=True
        ).stdout
    )

    static_dir = workdir / "html"
    static_dir.mkdir(exist_ok=True)
    rows = []
    with gunicorn(env) as port:
        for name, info in probe["urls"].items():
            status, body = get(port, info["url"])  # warm: renditions, caches
            assert status == 200, (name, status)
            (static_dir / f"{name}.html").write_bytes(body)
        with nginx(static_dir) as nginx_port:
            for name, info in probe["urls"].items():
                kisha_lat = sequential_latency(port, info["url"], requests=args.requests)
                nginx_lat = sequential_latency(nginx_port, f"/{name}.html", requests=args.requests)
                kisha_rps = wrk(port, info["url"], seconds=args.seconds)
                nginx_rps = wrk(nginx_port, f"/{name}.html", seconds=args.seconds)
                rows.append((name, info, kisha_lat, nginx_lat, kisha_rps, nginx_rps))

    print()
    print(
        "| page | queries | Kisha median ms | Kisha p95 ms | nginx median ms | Kisha req/s | nginx req/s |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, info, kl, nl, kr, nr in rows:
        print(
            f"| {name} | {info['queries']} | {kl['median']:.1f} | {kl['p95']:.1f} | {nl['median']:.2f} "
            f"| {kr.get('rps', float('nan')):.0f} | {nr.get('rps', float('nan')):.0f} |"
        )
    print("\nsequential: one request at a time, new connection each; req/s: wrk -t2 -c8")


if __name__ == "__main__":
    main()
