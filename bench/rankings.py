"""Rankings benchmarks: beacon throughput through the production server, and the ranking
refresh over 100,000 articles and 10 million hourly rows.

    .venv/bin/python bench/rankings.py beacons [--seconds 60] [--workers 4] [--connections 32]
    .venv/bin/python bench/rankings.py refresh --database-url postgres://…/postgres

`beacons` runs gunicorn on 127.0.0.1 four ways — counter in Redis (a redis-server started for the
run) or the embedded default (in-process buffer, SQLite), each through Django's full middleware
stack and through the lean WSGI handler (kisha.rankings.wsgi, what kisha/wsgi.py serves) — and drives each with wrk for
`--seconds`: every request a new reader at a random address on one of 100 articles, a real
browser user agent. After each run the server is stopped (workers flush), the views are folded
and the hourly table is checked against the beacons counted: a benchmark that loses or doubles
views fails.

`refresh` creates a throwaway PostgreSQL database, 100,000 real article pages and 10 million
hourly rows by bulk SQL (timed), then times rankings_refresh().
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    BIN,
    ROOT,
    _ms,
    bench_env,
    free_port,
    machine,
    manage,
    redis_server,
    wait_for_port,
)

UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)

WRK_SCRIPT = """
local ids = {%(ids)s}
local hex = "0123456789abcdef"
local counter = 0
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
request = function()
  counter = counter + 1
  local reader = {}
  for i = 1, 22 do
    local r = math.random(1, 16)
    reader[i] = hex:sub(r, r)
  end
  local body = '{"page":' .. ids[math.random(#ids)] .. ',"reader":"' .. table.concat(reader) .. '"}'
  local ip = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  return wrk.format("POST", "/api/views/", {
    ["Content-Type"] = "text/plain",
    ["User-Agent"] = "%(ua)s",
    ["X-Forwarded-For"] = ip,
  }, body)
end
"""

SETUP = """
import json
from kisha.news.factories import ArticlePageFactory, SectionPageFactory
from kisha.news.services import site_ensure_home
home = site_ensure_home(title="週刊キシャ")
section = SectionPageFactory(parent=home, title="ワールド", slug="world")
ids = [ArticlePageFactory(parent=section, title=f"ベンチマーク記事 {n}").id for n in range(100)]
print(json.dumps(ids))
"""

VERIFY = """
import json
from django.db.models import Sum
from kisha.rankings.services import rankings_fold, rankings_refresh
from kisha.rankings.metrics import metrics_totals
from kisha.rankings.models import HourlyViews
fold = rankings_fold()
rankings_refresh()
print(json.dumps({"hourly": HourlyViews.objects.aggregate(s=Sum("views"))["s"] or 0,
                  "metrics": metrics_totals()}))
"""

RESET = """
from kisha.rankings.models import CounterMetric, DailyViews, FoldedBatch, HourlyViews, PendingViews
for model in (CounterMetric, DailyViews, FoldedBatch, HourlyViews, PendingViews):
    model.objects.all().delete()
"""


@contextlib.contextmanager
def gunicorn(env, app: str, *, workers: int, threads: int):
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_for_port(port)
        time.sleep(1.0)
        yield port
    finally:
        proc.terminate()  # graceful: each worker flushes its buffer on the way out
        proc.wait(30)


def run_wrk(port: int, script: Path, *, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "5s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}/api/views/",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict = {"errors": 0}
    for line in out.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            result["rps"] = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "90%", "99%"):
            result[f"p{parts[0][:-1]}"] = _ms(parts[1])
        elif "requests in" in line:
            result["requests"] = int(parts[0])
        elif line.strip().startswith("Non-2xx"):
            result["errors"] += int(parts[-1])
        elif line.strip().startswith("Socket errors"):
            result["errors"] += sum(int(p.strip(",")) for p in parts[3::2])
    return result


def beacons(args) -> None:
    print(machine())
    workdir = Path(tempfile.mkdtemp(prefix="kisha-bench-rankings-"))
    env = bench_env(workdir=workdir)
    env["PYTHONPATH"] = f"{ROOT}:{ROOT / 'bench'}"
    env["DJANGO_SETTINGS_MODULE"] = "rankings_settings"
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    ids = json.loads(manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
    script = workdir / "beacon.lua"
    script.write_text(WRK_SCRIPT % {"ids": ",".join(map(str, ids)), "ua": UA})
    rows = []
    with redis_server() as redis_url:
        for counter in args.counters.split(","):
            for path, app in (("django", "rankings_django_wsgi"), ("lean", "kisha.wsgi")):
                run_env = dict(env)
                if counter == "redis":
                    run_env["REDIS_URL"] = redis_url
                manage(run_env, "shell", "-c", RESET)
                with gunicorn(run_env, app, workers=args.workers, threads=args.threads) as port:
                    # Warm up (imports, the live-article set, the user-agent cache), unmeasured.
                    run_wrk(port, script, seconds=5, connections=args.connections)
                    result = run_wrk(
                        port, script, seconds=args.seconds, connections=args.connections
                    )
                check = json.loads(manage(run_env, "shell", "-c", VERIFY).strip().splitlines()[-1])
                counted = check["metrics"]["counted"]
                result.update(
                    counter=counter,
                    path=path,
                    counted=counted,
                    folded=check["hourly"],
                    fallback=check["metrics"]["redis_fallback"],
                    dropped=check["metrics"]["dropped"],
                )
                rows.append(result)
                print(json.dumps(result), flush=True)
    print()
    print(
        f"gunicorn sync workers={args.workers} threads={args.threads}; wrk -t2 "
        f"-c{args.connections} -d{args.seconds}s; every beacon a new reader"
    )
    print("| counter | path | beacons/s | p50 ms | p90 ms | p99 ms | errors | counted | folded |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['counter']} | {r['path']} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p90']:.2f} "
            f"| {r['p99']:.2f} | {r['errors']} | {r['counted']} | {r['folded']} |"
        )
    print(machine())
    shutil.rmtree(workdir, ignore_errors=True)
    bad = [r for r in rows if r["counted"] != r["folded"] or r["dropped"]]
    if bad:
        sys.exit(f"views lost or doubled: {bad}")


# --- refresh -------------------------------------------------------------------------------

GENERATE = r"""
import json, time
from django.db import connection
from kisha.news.factories import ArticlePageFactory, SectionPageFactory
from kisha.news.services import site_ensure_home
from kisha.news.models import ArticlePage
ARTICLES, ROWS, HOURS = __ARTICLES__, __ROWS__, 720
t0 = time.perf_counter()
home = site_ensure_home(title="週刊キシャ")
section = SectionPageFactory(parent=home, title="ワールド", slug="world")
template = ArticlePageFactory(parent=section, title="テンプレート記事", slug="template")
timings = {}
with connection.cursor() as c:
    def columns(table, skip):
        c.execute("select column_name from information_schema.columns where table_name=%s "
                  "order by ordinal_position", [table])
        return [r[0] for r in c.fetchall() if r[0] not in skip]
    # wagtailcore_page: copy the template row with a new path, slug, title and key per article.
    replaced = {"id", "path", "slug", "title", "draft_title", "url_path", "translation_key",
                "numchild"}
    keep = columns("wagtailcore_page", replaced)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    step = ("substr('{a}', mod(g / 46656, 36) + 1, 1) || substr('{a}', mod(g / 1296, 36) + 1, 1) || "
            "substr('{a}', mod(g / 36, 36) + 1, 1) || substr('{a}', mod(g, 36) + 1, 1)").format(a=alphabet)
    c.execute("select max(id) from wagtailcore_page")
    first_id = c.fetchone()[0] + 1
    t = time.perf_counter()
    c.execute(
        f"insert into wagtailcore_page (path, slug, title, draft_title, url_path, "
        f"translation_key, numchild, {', '.join(keep)}) "
        f"select %s || {step}, 'bench-' || g, 'ベンチマーク記事 ' || g, 'ベンチマーク記事 ' || g, "
        f"%s || 'bench-' || g || '/', gen_random_uuid(), 0, {', '.join(keep)} "
        f"from wagtailcore_page, generate_series(2, %s + 1) g where id = %s order by g",
        [section.path, section.url_path, ARTICLES, template.id],
    )
    c.execute("update wagtailcore_page set numchild = numchild + %s where id = %s",
              [ARTICLES, section.id])
    art_cols = columns("news_articlepage", {"page_ptr_id"})
    c.execute(
        f"insert into news_articlepage (page_ptr_id, {', '.join(art_cols)}) "
        f"select p.id, {', '.join('a.' + col for col in art_cols)} from wagtailcore_page p, "
        f"news_articlepage a where p.id >= %s and a.page_ptr_id = %s",
        [first_id, template.id],
    )
    timings["articles_s"] = time.perf_counter() - t
    # 10 million hourly rows over 30 days: each hour about 13,900 distinct articles, views
    # skewed so a few articles are read far more than the rest.
    t = time.perf_counter()
    c.execute(
        "insert into rankings_hourlyviews (page_id, hour, views) "
        "select %s + mod((g / %s) * 7 + mod(g, %s) * 131, %s), "
        "date_trunc('hour', now()) - make_interval(hours => mod(g, %s)::int), "
        "1 + floor(power(random(), 6) * 400)::int "
        "from generate_series(0, %s - 1) g",
        [first_id, HOURS, HOURS, ARTICLES, HOURS, ROWS],
    )
    timings["hourly_rows_s"] = time.perf_counter() - t
    t = time.perf_counter()
    c.execute(
        "insert into rankings_dailyviews (page_id, day, views) "
        "select page_id, (hour at time zone 'Asia/Tokyo')::date, sum(views) "
        "from rankings_hourlyviews group by 1, 2"
    )
    timings["daily_rows_s"] = time.perf_counter() - t
    t = time.perf_counter()
    c.execute("analyze")
    timings["analyze_s"] = time.perf_counter() - t
    c.execute("select count(*) from rankings_hourlyviews")
    timings["hourly_rows"] = c.fetchone()[0]
    c.execute("select count(*) from rankings_dailyviews")
    timings["daily_rows"] = c.fetchone()[0]
    timings["live_articles"] = ArticlePage.objects.live().count()
timings["total_s"] = time.perf_counter() - t0
print(json.dumps(timings))
"""

TIME_REFRESH = r"""
import datetime as dt, json, random, statistics, time, uuid
from django.utils import timezone
from kisha.rankings.backends.base import Batch, jst_hour
from kisha.rankings.services import batch_apply, ranking_candidates_by_sum, rankings_refresh
from kisha.rankings.totals import totals_top
now = timezone.now()
out = {}
t = time.perf_counter(); rankings_refresh(now=now); out["first_refresh_rebuild_s"] = time.perf_counter() - t
runs = []
for _ in range(%(runs)d):
    t = time.perf_counter(); result = rankings_refresh(now=now); runs.append(time.perf_counter() - t)
out["steady_runs_s"] = runs
out["steady_median_s"] = statistics.median(runs)
out["steady_max_s"] = max(runs)
t = time.perf_counter(); rankings_refresh(now=now + dt.timedelta(hours=1))
out["next_hour_refresh_s"] = time.perf_counter() - t
t = time.perf_counter(); rankings_refresh(now=now + dt.timedelta(days=1))
out["next_day_refresh_s"] = time.perf_counter() - t
later = now + dt.timedelta(days=1)
# a fold batch as a busy minute would bring: 10,000 (article, hour) counts
ids = [p for p, _ in totals_top(window="month", limit=100_000)]
rows = {(random.choice(ids), jst_hour(later)): random.randint(1, 20) for _ in range(10_000)}
t = time.perf_counter()
batch_apply(batch=Batch(id=uuid.uuid4().hex, rows=[(p, h, v) for (p, h), v in rows.items()]))
out["fold_10k_rows_s"] = time.perf_counter() - t
agree = {}
for key in ("24h", "week", "month"):
    t = time.perf_counter()
    by_sum = ranking_candidates_by_sum(window=key, now=later, limit=100)
    out[f"sum_{key}_s"] = time.perf_counter() - t
    agree[key] = by_sum == totals_top(window=key, limit=100)
out["totals_equal_sums"] = agree
out["top"] = {k: v[:3] for k, v in result.items()}
print(json.dumps(out))
"""


def refresh(args) -> None:
    print(machine())
    import psycopg

    dbname = "kisha_bench_rankings"
    admin_url = args.database_url
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {dbname}")
        conn.execute(f"create database {dbname}")
    url = admin_url.rsplit("/", 1)[0] + "/" + dbname
    workdir = Path(tempfile.mkdtemp(prefix="kisha-bench-refresh-"))
    env = bench_env(workdir=workdir, database_url=url)
    try:
        t = time.perf_counter()
        manage(env, "migrate", "--noinput", "-v", "0")
        print(f"migrate: {time.perf_counter() - t:.1f}s", flush=True)
        gen = json.loads(
            manage(
                env,
                "shell",
                "-c",
                GENERATE.replace("__ARTICLES__", str(args.articles)).replace(
                    "__ROWS__", str(args.rows)
                ),
            )
            .strip()
            .splitlines()[-1]
        )
        print("generation:", json.dumps(gen), flush=True)
        timing = json.loads(
            manage(env, "shell", "-c", TIME_REFRESH % {"runs": args.runs}).strip().splitlines()[-1]
        )
        print("refresh:", json.dumps(timing), flush=True)
        print()
        print(
            "| articles | hourly rows | daily rows | generation | first refresh (build) "
            "| refresh median / max | next hour | next day | fold 10k rows "
            "| summing instead: 24h / week / month |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        ms = {k: v * 1000 for k, v in timing.items() if k.endswith("_s")}
        print(
            f"| {gen['live_articles']:,} | {gen['hourly_rows']:,} | {gen['daily_rows']:,} "
            f"| {gen['total_s']:.0f} s (hourly rows {gen['hourly_rows_s']:.0f} s) "
            f"| {ms['first_refresh_rebuild_s']:.0f} ms "
            f"| {ms['steady_median_s']:.0f} / {ms['steady_max_s']:.0f} ms "
            f"| {ms['next_hour_refresh_s']:.0f} ms | {ms['next_day_refresh_s']:.0f} ms "
            f"| {ms['fold_10k_rows_s']:.0f} ms "
            f"| {ms['sum_24h_s']:.0f} / {ms['sum_week_s']:.0f} / {ms['sum_month_s']:.0f} ms |"
        )
        if not all(timing["totals_equal_sums"].values()):
            sys.exit(f"running totals disagree with the sums: {timing['totals_equal_sums']}")
        print(machine())
    finally:
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"drop database if exists {dbname}")
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("beacons")
    b.add_argument("--seconds", type=int, default=60)
    b.add_argument("--workers", type=int, default=4)
    b.add_argument("--threads", type=int, default=1)
    b.add_argument("--connections", type=int, default=16)
    b.add_argument("--counters", default="redis,database", help="redis, database or both")
    r = sub.add_parser("refresh")
    r.add_argument("--database-url", required=True, help="a PostgreSQL URL to create a DB from")
    r.add_argument("--articles", type=int, default=100_000)
    r.add_argument("--rows", type=int, default=10_000_000)
    r.add_argument("--runs", type=int, default=5)
    r.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    {"beacons": beacons, "refresh": refresh}[args.command](args)


if __name__ == "__main__":
    main()
