"""Related-list computation and the per-reader API at 100,000 articles (issue 16).

    .venv/bin/python bench/recommend.py [--articles 100000] [--database-url postgres://…]

Fills a throwaway database the way bench/distribution.py does (2,000 demo articles, copied in
bulk up to --articles; kept under var/bench/ and reused). Copies share their seed's text, so the
related lists are full of near-twins: the worst case for the scoring loop, as every term's
postings are at their cap. Then, in one process with production settings:

* tokenizing the 2,000 demo articles (wall and CPU time; copies get their seed's counts, which
  is what tokenizing their identical text would give), then the full refresh as the periodic task
  finds it (document frequencies, postings and every list for all articles);
* the update on publish (`related_update`) for 20 articles;

and with gunicorn (2 sync workers, DEBUG off) sequential POSTs to /api/recommend/, each on a
new connection, with a different history of 5 read articles each.

Targets: full refresh in minutes; on publish < 1 s; /api/recommend/ p95 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, demo_site, gunicorn, machine  # noqa: E402
from distribution import FILL  # noqa: E402

COMPUTE = r"""
import json, random, statistics, sys, time, django
django.setup()
from kisha.recommend.services import related_refresh, related_update, _vectors_build, _vectors_save
from kisha.recommend.selectors import eligible_articles
from kisha.recommend.models import ArticleVector
from kisha.news.models import ArticlePage
result = {}
# Tokenize the demo's own articles (timed), then give each copy its seed's counts: a copy has
# its seed's text word for word, so its counts are what tokenizing it would give.
if ArticleVector.objects.count() < eligible_articles().count():
    ArticleVector.objects.all().delete()
    pages = list(ArticlePage.objects.values_list("id", "slug", "last_published_at"))
    seeds = {slug: i for i, slug, _ in pages if "--x" not in slug}
    wall, cpu = time.perf_counter(), time.process_time()
    ids = list(seeds.values())
    for start in range(0, len(ids), 500):
        _vectors_save(_vectors_build(ids[start:start + 500]))
    result["tokenize"] = {"articles": len(ids), "wall": time.perf_counter() - wall,
                          "cpu": time.process_time() - cpu}
    counts = {v.article_id: v for v in ArticleVector.objects.all()}
    copies = []
    for i, slug, at in pages:
        if "--x" in slug:
            seed = counts[seeds[slug.split("--x")[0]]]
            copies.append(ArticleVector(article_id=i, counts=seed.counts, topic_id=seed.topic_id,
                                        tags=seed.tags, published_at=at, source_at=at))
    ArticleVector.objects.bulk_create(copies, batch_size=2000)
first = related_refresh()
result["first"] = {"articles": first.articles, "tokenized": first.tokenized,
                   "related": first.related, "postings": first.postings, "seconds": first.seconds}
ids = list(eligible_articles().values_list("id", flat=True))
random.seed(16)
timings = []
for article_id in random.sample(ids, 20):
    started = time.perf_counter()
    related_update(article_id=article_id)
    timings.append((time.perf_counter() - started) * 1000)
timings.sort()
result["update_ms"] = {"median": statistics.median(timings), "max": timings[-1]}
result["history_pool"] = random.sample(ids, min(2000, len(ids)))
print(json.dumps(result))
"""


def post_latency(port: int, histories: list[list[int]]) -> dict[str, float]:
    timings = []
    for history in histories:
        body = json.dumps({"history": history})
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request(
            "POST",
            "/api/recommend/",
            body=body,
            headers={
                "Host": "127.0.0.1",
                "Content-Type": "text/plain",
                "User-Agent": "Mozilla/5.0",
            },
        )
        response = conn.getresponse()
        content = response.read()
        conn.close()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status != 200 or b"<li" not in content:
            raise RuntimeError(f"/api/recommend/ answered {response.status}")
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "requests": len(timings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2_000, help="demo articles before copying")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()

    print(f"# Kisha recommendation benchmark — {machine()}")
    env, _workdir, summary = demo_site(
        "recommend", articles=args.seed, database_url=args.database_url
    )
    fill = subprocess.run(
        [PYTHON, "-c", FILL, str(args.articles)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    print(f"database: {summary}; filled: {fill.stdout.strip()}")
    run = subprocess.run(
        [PYTHON, "-c", COMPUTE],
        env=env,
        capture_output=True,
        text=True,
    )
    if run.returncode:
        sys.exit(run.stderr)
    computed = json.loads(run.stdout)
    first = computed["first"]
    if "tokenize" in computed:
        tok = computed["tokenize"]
        print(
            f"tokenize {tok['articles']} demo articles: {tok['wall']:.1f} s wall, "
            f"{tok['cpu']:.1f} s CPU ({tok['cpu'] / tok['articles'] * 1000:.1f} ms CPU an article; "
            f"{tok['cpu'] / tok['articles'] * args.articles / 60:.1f} CPU minutes for {args.articles})"
        )
    print(
        f"refresh of {first['articles']} articles ({first['tokenized']} tokenized): "
        f"{first['related']} related rows, {first['postings']} postings — "
        + ", ".join(f"{k} {v:.1f} s" for k, v in first["seconds"].items())
    )
    update = computed["update_ms"]
    print(
        f"update on publish (20 articles): median {update['median']:.0f} ms, max {update['max']:.0f} ms"
    )

    random.seed(7)
    pool = computed["history_pool"]
    histories = [random.sample(pool, 5) for _ in range(args.requests)]
    with gunicorn(env) as port:
        post_latency(port, histories[:20])  # warm both workers
        result = post_latency(port, histories)
    print(
        f"/api/recommend/ ({result['requests']} sequential POSTs, 5 read each): "
        f"median {result['median']:.1f} ms, p95 {result['p95']:.1f} ms"
    )


if __name__ == "__main__":
    main()
