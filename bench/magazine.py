"""Uncached magazine pages: the current issue, an issue, a year of the archive, the product
list and a product, from a production server (gunicorn, DEBUG off, Kisha's page cache off).

    .venv/bin/python bench/magazine.py [--articles 2000] [--years 10] [--database-url postgres://…]

Fills a throwaway database (kept under var/bench/ and reused) with the demo generator, the
magazine's demo year and `years - 1` more years of weekly issues with full tables of contents,
then prints, per page, its queries and the median and p95 of sequential requests.
Target (issue 14): each page ≤ 15 ms median, with a constant number of queries.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, demo_site, get, gunicorn, machine, sequential_latency  # noqa: E402

FILL = r"""
import datetime as dt, sys, django
django.setup()
from kisha.magazine.demo import magazine_demo_build, _toc, FEATURES
from kisha.magazine.models import IssuePage, MagazineIndexPage
from kisha.news.models import ArticlePage
import random
years = int(sys.argv[1])
magazine_demo_build(seed=1, fast=True)
index = MagazineIndexPage.objects.get()
oldest = IssuePage.objects.order_by("cover_date").first().cover_date
wanted = 52 * years
have = IssuePage.objects.count()
rng = random.Random(2)
articles = list(ArticlePage.objects.live()[:500])
day = oldest
while have < wanted:
    day -= dt.timedelta(weeks=1)
    title, lead = FEATURES[have % len(FEATURES)]
    issue = IssuePage(title=title, slug=day.isoformat(), volume=day.year - 1900,
        number=1 + (day - dt.date(day.year, 1, 1)).days // 7, cover_date=day,
        on_sale_date=day - dt.timedelta(days=7), price=550, feature_lead=lead, live=True)
    issue.toc_entries = _toc(rng, title=title, picked=rng.sample(articles, k=3))
    index.add_child(instance=issue)
    have += 1
print(IssuePage.objects.count())
"""

PROBE = r"""
import json, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from kisha.magazine.models import IssuePage, MagazineIndexPage, PrintProductPage, ProductIndexPage
from kisha.magazine.selectors import issue_current
from kisha.news.models import ArticlePage
index = MagazineIndexPage.objects.get()
current = issue_current()
client = Client(HTTP_HOST="127.0.0.1")
urls = (
    ("current issue (index)", index.url),
    ("issue", current.url),
    ("archive year", f"{index.url}archive/{current.cover_date.year}/"),
    ("products", ProductIndexPage.objects.get().url),
    ("product", PrintProductPage.objects.live().order_by("-on_sale_date").first().url),
    # The article page, measured alongside on the same machine at the same moment: its
    # figure in docs/performance.md (bench/pages.py) makes a loaded machine's numbers readable.
    ("article (reference)", ArticlePage.objects.live().order_by("-first_published_at").first().url),
)
result = {"issues": IssuePage.objects.count(), "urls": {}}
for name, url in urls:
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
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--years", type=int, default=10, help="years of weekly issues")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    parser.add_argument("--requests", type=int, default=300, help="sequential requests per page")
    args = parser.parse_args()

    print(f"# Kisha magazine benchmark — {machine()}")
    env, _, summary = demo_site("magazine", articles=args.articles, database_url=args.database_url)
    env["KISHA_PAGE_CACHE"] = "off"  # every request renders: the uncached figure
    issues = subprocess.run(
        [PYTHON, "-c", FILL, str(args.years)], env=env, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    print(f"database: {summary}, {issues} issues")
    probe = json.loads(
        subprocess.run(
            [PYTHON, "-c", PROBE], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    print()
    print("| page | queries | median ms | p95 ms |")
    print("|---|---|---|---|")
    try:
        with gunicorn(env) as port:
            for name, info in probe["urls"].items():
                status, _ = get(port, info["url"], timeout=120)  # warm: renditions, fragments
                assert status == 200, (name, status)
                lat = sequential_latency(port, info["url"], requests=args.requests)
                print(f"| {name} | {info['queries']} | {lat['median']:.1f} | {lat['p95']:.1f} |")
                sys.stdout.flush()
    except subprocess.TimeoutExpired:
        pass  # gunicorn took long to stop on a loaded machine; the figures are printed
    print("\nsequential: one request at a time, new connection each; Kisha's page cache off")


if __name__ == "__main__":
    main()
