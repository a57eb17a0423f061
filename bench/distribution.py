"""Uncached speed of the site feed and the sitemaps at 100,000 articles (issue 13, item 8).

    .venv/bin/python bench/distribution.py [--articles 100000] [--database-url postgres://…]

Fills a throwaway database (kept under var/bench/ and reused): `demo_build(fast=True)` makes
--seed articles (2,000: about 40 s), then copies of them are written in bulk — Page rows by
`bulk_create`, the article rows and bylines copied row for row — up to --articles, with new
slugs, tree paths and translation keys, and publication times spread over the last 60 days
like the demo's (so 48 hours hold some 3,300 articles and the news sitemap is at its 1,000
cap). demo_build alone takes about 20 ms an article (33 minutes for 100,000 on SQLite); the copy
takes a few minutes. Then gunicorn (DEBUG off, 2 sync workers, KISHA_PAGE_CACHE=off: every
request renders) answers sequential requests, each on a new connection; the queries per request
are counted in a separate process through Django's test client.

Target: the site feed and the news sitemap ≤ 50 ms (median) uncached, with a number of queries
that does not grow with the articles (also tests/seo/test_sitemaps.py).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, demo_site, gunicorn, machine, sequential_latency  # noqa: E402

FILL = r"""
import json, sys, time, uuid, datetime as dt
import django
django.setup()
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page
from kisha.core.memo import generation_bump
from kisha.demo.services import _published_at
from kisha.news.models import ArticlePage, SectionPage

target = int(sys.argv[1])
started = time.monotonic()
have = ArticlePage.objects.count()
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

def step(n):
    out = ""
    for _ in range(Page.steplen):
        n, r = divmod(n, 36)
        out = ALPHABET[r] + out
    return out

if have < target:
    # The demo's own articles (a rerun after a partial fill must not copy the copies).
    seeds = list(
        Page.objects.filter(id__in=ArticlePage.objects.values("id"))
        .exclude(slug__contains="--x")
        .order_by("id")
    )
    # The article rows are copied inside the database (INSERT … SELECT), so no value makes a
    # round trip through Python (JSON columns would come back as lists on PostgreSQL).
    table = ArticlePage._meta.db_table
    other = [f.column for f in ArticlePage._meta.local_concrete_fields if f.column != "page_ptr_id"]
    copy_sql = (
        f"INSERT INTO {table} (page_ptr_id, {', '.join(other)}) "
        f"SELECT %s, {', '.join(other)} FROM {table} WHERE page_ptr_id = %s"
    )
    through = ArticlePage.authors.through
    bylines = {}
    for article_id, author_id in through.objects.values_list("articlepage_id", "author_id"):
        bylines.setdefault(article_id, []).append(author_id)
    sections = {s.path: s for s in SectionPage.objects.all()}
    next_child = {}
    for path in sections:
        last = (
            Page.objects.filter(path__startswith=path, depth=len(path) // Page.steplen + 1)
            .order_by("-path").values_list("path", flat=True).first()
        )
        next_child[path] = (int(last[-Page.steplen:], 36) + 1) if last else 1
    next_id = (Page.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    now = timezone.now().replace(second=0, microsecond=0)
    fields = [f.attname for f in Page._meta.concrete_fields]
    index = have
    while index < target:
        batch = seeds[: target - index]
        pages, rows, links = [], [], []
        for seed in batch:
            parent = seed.path[: -Page.steplen]
            values = {name: getattr(seed, name) for name in fields}
            # Copies spread over the whole 60 days, so the site is as dense as a demo of
            # `target` articles (48 hours then hold some 3,300 at 100,000).
            spread = (index - have) * target // (target - have)
            when = _published_at(seed=7, index=spread, total=target, now=now)
            slug = f"{seed.slug}--x{index}"
            values.update(
                id=next_id,
                path=parent + step(next_child[parent]),
                slug=slug,
                url_path=sections[parent].url_path + slug + "/",
                translation_key=uuid.uuid4(),
                first_published_at=when,
                last_published_at=when,
                latest_revision_created_at=when,
                live_revision_id=None,
                latest_revision_id=None,
            )
            next_child[parent] += 1
            pages.append(Page(**values))
            rows.append((next_id, seed.id))
            links += [through(articlepage_id=next_id, author_id=a) for a in bylines.get(seed.id, [])]
            next_id += 1
            index += 1
        with transaction.atomic():
            Page.objects.bulk_create(pages, batch_size=500)
            with connection.cursor() as cur:
                cur.executemany(copy_sql, rows)
            through.objects.bulk_create(links, batch_size=500)
        print(f"{index} articles", file=sys.stderr)
    with transaction.atomic():
        for path, section in sections.items():
            Page.objects.filter(id=section.id).update(numchild=next_child[path] - 1)
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Page]):
                cur.execute(sql)
        generation_bump()
if connection.vendor == "postgresql":
    # What autovacuum does shortly after a bulk load: without it the planner guesses.
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
print(json.dumps({"articles": ArticlePage.objects.count(), "seconds": round(time.monotonic() - started, 1)}))
"""

PROBE = r"""
import json, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")
result = {}
for url in json.loads(__import__("sys").argv[1]):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    result[url] = {"queries": len(ctx.captured_queries), "status": response.status_code,
                   "bytes": len(response.content),
                   "entries": sum(response.content.count(t) for t in (b"<loc>", b"<item>", b"<entry>"))}
print(json.dumps(result))
"""

URLS = {
    # url: sequential requests (the big ones are informational: not in the target)
    "/feeds/rss/": None,
    "/feeds/atom/": None,
    # The aggregator feeds: full text and every photo of 50 articles, related links, takedowns.
    "/feeds/smartnews/": None,
    "/feeds/partner/": None,
    "/sitemap-news.xml": None,
    "/sitemap.xml": 20,
    "/sitemap-pages.xml": 20,
    "/sitemap-authors.xml": 20,
    "/sitemap-articles-1.xml": 5,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2_000, help="articles made by demo_build")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    parser.add_argument("--requests", type=int, default=50, help="sequential requests per URL")
    args = parser.parse_args()

    print(f"# Kisha distribution benchmark — {machine()}")
    env, _workdir, summary = demo_site(
        f"distribution-{args.articles}",
        articles=min(args.seed, args.articles),
        database_url=args.database_url,
    )
    print(f"seed: {summary}")
    started = time.monotonic()
    fill = subprocess.run(
        [PYTHON, "-c", FILL, str(args.articles)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    print(f"copies: {fill.stdout.strip()} (this run {time.monotonic() - started:.0f} s)")
    env = {**env, "KISHA_PAGE_CACHE": "off"}
    probe = json.loads(
        subprocess.run(
            [PYTHON, "-c", PROBE, json.dumps(list(URLS))],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    rows = []
    with gunicorn(env) as port:
        for url, count in URLS.items():
            sequential_latency(port, url, requests=2)  # warm: memos, renditions
            latency = sequential_latency(port, url, requests=count or args.requests)
            rows.append((url, count or args.requests, probe[url], latency))

    database = "PostgreSQL" if args.database_url else "SQLite"
    print()
    print("| database | URL | entries | bytes | queries | requests | median | p95 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for url, count, info, lat in rows:
        print(
            f"| {database} | `{url}` | {info['entries']:,} | {info['bytes']:,} | {info['queries']} "
            f"| {count} | {lat['median']:.1f} ms | {lat['p95']:.1f} ms |"
        )
    print("\nsequential: one request at a time, new connection each, KISHA_PAGE_CACHE=off")


if __name__ == "__main__":
    main()
