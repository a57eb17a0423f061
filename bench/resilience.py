"""200 concurrent readers on one article while Redis is killed and restarted (issue 10).

    .venv/bin/python bench/resilience.py [--articles 1000] [--seconds 60] [--database-url …]

Builds a demo site in a throwaway database (kept under var/bench/ and reused), starts a
redis-server of its own and gunicorn as `make demo` runs it (2 workers × 4 threads) with
REDIS_URL pointing at it, then runs wrk with 200 connections on one article twice, side by side:
once with Redis up throughout, once killing Redis (SIGKILL) a third of the way in and starting it
again two thirds in. Prints requests per second, latency percentiles, answers outside 2xx/3xx
and socket errors for each. The target: zero 5xx while Redis is away.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    PYTHON,
    RedisServer,
    demo_site,
    get,
    gunicorn,
    machine,
    wrk,
)

ARTICLE = r"""
import django; django.setup()
from kisha.news.models import ArticlePage
print(ArticlePage.objects.live().order_by("-first_published_at").first().url)
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    args = parser.parse_args()

    print(f"# Kisha resilience benchmark — {machine()}")
    env, workdir, summary = demo_site(
        "resilience", articles=args.articles, database_url=args.database_url
    )
    url = subprocess.run(
        [PYTHON, "-c", ARTICLE], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    print(f"database: {summary}, article {url}")

    redis = RedisServer().start()
    env["REDIS_URL"] = redis.url
    rows = []
    events: list[str] = []
    try:
        with gunicorn(env, workers=2, threads=4) as port:
            for _ in range(20):  # the first builds the photo's renditions
                assert get(port, url, timeout=120)[0] == 200
            rows.append(
                ("Redis up", wrk(port, url, seconds=args.seconds, connections=args.connections))
            )

            def outage() -> None:
                started = time.monotonic()
                time.sleep(args.seconds / 3)
                redis.kill()
                events.append(f"Redis killed at {time.monotonic() - started:.1f} s")
                time.sleep(args.seconds / 3)
                redis.start()
                events.append(f"Redis restarted at {time.monotonic() - started:.1f} s")

            thread = threading.Thread(target=outage)
            thread.start()
            rows.append(
                (
                    "Redis killed and restarted",
                    wrk(port, url, seconds=args.seconds, connections=args.connections),
                )
            )
            thread.join()
            after = [get(port, url)[0] for _ in range(20)]
    finally:
        redis.close()

    print()
    print("| run | requests | req/s | p50 ms | p90 ms | p99 ms | non-2xx/3xx | socket errors |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in rows:
        print(
            f"| {name} | {r.get('requests', 0):.0f} | {r.get('rps', 0):.0f} | "
            f"{r.get('p50', 0):.1f} | {r.get('p90', 0):.1f} | {r.get('p99', 0):.1f} | "
            f"{r['non2xx']:.0f} | {r['socket_errors']:.0f} |"
        )
    print()
    print("; ".join(events))
    print(f"after the outage: {after.count(200)}/20 requests answered 200")
    print(f"wrk -t2 -c{args.connections} -d{args.seconds}s, gunicorn 2 workers × 4 threads")


if __name__ == "__main__":
    main()
