"""The wire desk at volume: median time of the admin item listing (/admin/wire/items/) per
filter and search with 1,000,000 items, on SQLite and PostgreSQL side by side in one run.

    .venv/bin/python bench/wire_desk.py [--items 1000000] [--runs 15] [--database-url postgres://…]
        [--keep DIR] [--skip-sqlite] [--skip-postgres] [--before DIR]

Each database gets a fresh throwaway schema (a temporary SQLite file; a `<db>_bench_wire_desk`
database next to the given PostgreSQL URL, dropped afterwards), or with --keep one built once
and reused (migrated to the current code on each run, so a new index is measured on the same rows). Items are written straight
into the table (COPY on PostgreSQL, executemany in one transaction on SQLite): three agencies,
an item every 5 seconds going back ~58 days, a version row for every tenth item, 20 items
promoted to draft articles. Each listing is then fetched through Django's test client as a
logged-in editor (DEBUG off, templates rendered): the full page and Wagtail's results-only
fragment (what the filter drawer and search box fetch as the editor types).
Target (issue 19 item 4): each listing view ≤ 100 ms median at 1,000,000 items.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, ROOT, bench_env, machine, manage  # noqa: E402

TARGET_MS = 100

CHILD = r"""
import datetime as dt, hashlib, io, json, statistics, time, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from kisha.news.factories import ArticlePageFactory, SectionPageFactory
from kisha.news.services import site_ensure_home
from kisha.wire.models import WireItem, WireSource

count, runs = {count}, {runs}
reuse = WireItem.objects.exists()  # --keep: a database built by an earlier run
if reuse:
    from kisha.news.models import SectionPage
    world = SectionPage.objects.get(slug="world")
    business = SectionPage.objects.get(slug="business")
    sources = list(WireSource.objects.order_by("id"))
home = site_ensure_home(title="bench")
if not reuse:
    world = SectionPageFactory(parent=home, title="ワールド", slug="world")
    business = SectionPageFactory(parent=home, title="ビジネス", slug="business")
    sources = [
        WireSource.objects.create(name=name, format="ninjs", enabled=False)
        for name in ("共同通信", "時事通信", "ロイター")
    ]
PLACES = ["東京", "大阪", "名古屋", "札幌", "福岡", "仙台", "広島", "那覇", "ワシントン", "北京"]
EVENTS = ["株価が続伸", "新駅が開業", "大雨に警戒", "選挙の告示", "円相場が下落", "新型機を公開",
          "首脳が会談", "物価が上昇", "新薬を承認", "記録的な暑さ"]
now = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
columns = ["source_id", "guid", "guid_hash", "version", "content_hash", "format", "headline",
           "summary", "body_html", "byline", "language", "pubstatus", "urgency", "subjects",
           "images", "link", "item_time", "received_at", "updated_at", "section_id", "banner",
           "versioncreated", "copyright_holder", "copyright_notice", "usage_terms"]
sections = [world.pk, business.pk, None]

def row(n):
    guid = f"urn:bench:desk:{{n}}"
    # One item in 10,000 carries a rare phrase (the search for an exact story).
    event = "震度７の地震" if n % 10_000 == 7 else EVENTS[(n // 10) % 10]
    headline = f"{{PLACES[n % 10]}}で{{event}}　その{{n}}"
    moment = now - dt.timedelta(seconds=5 * n)
    status = "withheld" if n % 50 == 1 else ("canceled" if n % 100 == 3 else "usable")
    return [sources[n % 3].pk, guid, hashlib.sha256(guid.encode()).hexdigest(), 1 + n % 3,
            "0" * 64, "ninjs", headline, "要約です。", "<p>本文です。</p>", "記者", "ja",
            status, 1 + n % 9, "[]", "[]", "", moment, moment, moment, sections[n % 3], "auto",
            moment, "", "", "報道目的のみ" if n % 20 == 0 else ""]

started = time.perf_counter()
if reuse:
    pass
elif connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY wire_wireitem ({{', '.join(columns)}}) FROM STDIN") as copy:
            for n in range(count):
                copy.write_row(row(n))
        first = WireItem.objects.order_by("id").values_list("id", flat=True).first()
        with raw.copy("COPY wire_wireitemversion (item_id, version, content_hash, headline, "
                      "summary, body_html, byline, pubstatus, urgency, versioncreated, "
                      "received_at) FROM STDIN") as copy:
            for n in range(0, count, 10):
                r = row(n)
                for version in (1, 2):
                    copy.write_row([first + n, version, "0" * 64, r[6], "", "", "", "usable",
                                    r[12], r[16], r[16]])
    # VACUUM as autovacuum would after a bulk load: it sets the visibility map, without which
    # PostgreSQL cannot read the search window's bound off an index alone (55 ms, not 4).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE wire_wireitem")
        cursor.execute("VACUUM ANALYZE wire_wireitemversion")
else:  # SQLite
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO wire_wireitem ({{', '.join(columns)}}) VALUES ({{placeholders}})"
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, count, 50_000):
            cursor.executemany(sql, [row(n) for n in range(start, min(count, start + 50_000))])
        first = WireItem.objects.order_by("id").values_list("id", flat=True).first()
        cursor.executemany(
            "INSERT INTO wire_wireitemversion (item_id, version, content_hash, headline, summary,"
            " body_html, byline, pubstatus, urgency, versioncreated, received_at) VALUES "
            "(%s, %s, %s, %s, '', '', '', 'usable', %s, %s, %s)",
            [[first + n, version, "0" * 64, f"見出し{{n}}", 1, now, now]
             for n in range(0, count, 10) for version in (1, 2)],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
build = time.perf_counter() - started
if not reuse:
    step = max(1, count // 20)
    ids = list(WireItem.objects.order_by("id").values_list("id", flat=True)[::step])
    for index, item_id in enumerate(ids[:20]):
        page = ArticlePageFactory(parent=world, title=f"記事{{index}}", live=False)
        WireItem.objects.filter(pk=item_id).update(article=page)
    get_user_model().objects.create_superuser("desk", "desk@example.com", "pw")
user = get_user_model().objects.get(username="desk")
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)
week_ago = (now - dt.timedelta(days=30)).astimezone(dt.timezone(dt.timedelta(hours=9)))
range_params = {{"item_time__gte": f"{{week_ago - dt.timedelta(days=7):%Y-%m-%d %H:%M}}",
                "item_time__lte": f"{{week_ago:%Y-%m-%d %H:%M}}"}}
cases = [
    ("newest (no filter)", {{}}),
    ("agency", {{"source": sources[1].pk}}),
    ("section", {{"section": business.pk}}),
    ("status withheld", {{"pubstatus": "withheld"}}),
    ("urgency 1", {{"urgency": 1}}),
    ("promoted", {{"promoted": "yes"}}),
    ("not promoted", {{"promoted": "no"}}),
    ("date range (a week, 30 days back)", range_params),
    ("agency + status + not promoted", {{"source": sources[2].pk, "pubstatus": "usable",
                                          "promoted": "no"}}),
    ("search common (東京)", {{"q": "東京"}}),
    ("search rare (震度７)", {{"q": "震度７"}}),
    ("search none (該当なし)", {{"q": "該当なし"}}),
    ("search + agency", {{"q": "大阪", "source": sources[0].pk}}),
    ("search + date range", {{"q": "札幌", **range_params}}),
    ("page 100", {{"p": 100}}),
    ("page 200 (last counted)", {{"p": 200}}),
]
results = []
for label, params in cases:
    for path in ("/admin/wire/items/", "/admin/wire/items/results/"):
        times = []
        for attempt in range(runs + 2):
            t = time.perf_counter()
            response = client.get(path, params)
            elapsed = time.perf_counter() - t
            assert response.status_code == 200, (label, response.status_code)
            if attempt >= 2:
                times.append(elapsed)
        kind = "page" if path.endswith("items/") else "results"
        results.append((label, kind, statistics.median(times) * 1000))
print("RESULTS " + json.dumps({{"vendor": connection.vendor, "build": build,
                                "items": WireItem.objects.count(), "results": results}}))
"""


def run_child(env: dict[str, str], count: int, runs: int, code_root: Path = ROOT) -> dict:
    code = CHILD.format(count=count, runs=runs)
    env = {**env, "PYTHONPATH": str(code_root)}
    done = subprocess.run(
        [PYTHON, "-c", code], env=env, cwd=code_root, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"the benchmark child failed:\n{done.stderr[-3000:]}")
    out = done.stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULTS "))
    return json.loads(line.removeprefix("RESULTS "))


def measure(env: dict[str, str], args: argparse.Namespace) -> dict:
    """With --before: the wire app migrated back to --before-migration and the listings timed
    with the code in --before (an export of an older commit), then migrated forward and timed
    with this checkout: before and after on the same rows, minutes apart."""
    before = None
    manage(env, "collectstatic", "--noinput", "-v", "0")  # the admin's manifest
    if args.before:
        manage(env, "migrate", "wire", args.before_migration, "--noinput", "-v", "0")
        before = run_child(env, args.items, args.runs, code_root=args.before)
    manage(env, "migrate", "--noinput", "-v", "0")
    result = run_child(env, args.items, args.runs)
    result["before"] = before
    return result


def with_postgres(url: str, args: argparse.Namespace) -> dict:
    import psycopg

    keep = args.keep
    parts = urllib.parse.urlsplit(url)
    name = f"{parts.path.strip('/') or 'kisha'}_bench_wire_desk"
    bench_url = parts._replace(path=f"/{name}").geturl()
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not (keep and exists):
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    try:
        with contextlib.ExitStack() as stack:
            if keep:
                workdir = keep / "postgresql"
                workdir.mkdir(parents=True, exist_ok=True)
            else:
                workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kisha-")))
            env = bench_env(workdir=workdir, database_url=bench_url)
            if not exists or not keep:
                manage(env, "migrate", "--noinput", "-v", "0")
            return measure(env, args)
    finally:
        if not keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def with_sqlite(args: argparse.Namespace) -> dict:
    keep = args.keep
    with contextlib.ExitStack() as stack:
        if keep:
            workdir = keep / "sqlite"
            workdir.mkdir(parents=True, exist_ok=True)
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kisha-")))
        env = bench_env(workdir=workdir)
        if not (workdir / "kisha.sqlite3").exists():
            manage(env, "migrate", "--noinput", "-v", "0")
        return measure(env, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("KISHA_TEST_DATABASE_URL"),
        help="PostgreSQL URL (default $KISHA_TEST_DATABASE_URL); skipped when absent",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--keep",
        type=Path,
        help="build the databases once under this directory (and <db>_bench_wire_desk) and "
        "reuse them on later runs, migrating them to the current code",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="a checkout of older code (e.g. `git archive main | tar -x -C DIR`) to time first "
        "on the same databases, with the wire app migrated back to --before-migration",
    )
    parser.add_argument("--before-migration", default="0007_item_rights")
    args = parser.parse_args()
    print(machine())
    runs = [] if args.skip_sqlite else [with_sqlite(args)]
    if runs:
        print(json.dumps(runs[-1], ensure_ascii=False), flush=True)  # kept if the next one fails
    if args.database_url and not args.skip_postgres:
        runs.append(with_postgres(args.database_url, args))
        print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
    for run in runs:
        print(f"\n{run['vendor']}: {run['items']:,} items built in {run['build']:.0f} s")
    print()
    heads = []
    for run in runs:
        if run["before"]:
            heads.append(f"{run['vendor']} before page / results (ms)")
        heads.append(f"{run['vendor']} page / results (ms)")
    print("| listing | " + " | ".join(heads) + " |")
    print("|---|" + "---:|" * len(heads))
    labels = list(dict.fromkeys(label for label, _kind, _ms in runs[0]["results"]))

    def timings(results: list, label: str) -> dict[str, float]:
        return {kind: ms for lab, kind, ms in results if lab == label}

    for label in labels:
        cells = []
        for run in runs:
            got = timings(run["results"], label)
            flag = "" if max(got.values()) <= TARGET_MS else " (over)"
            if run["before"]:
                old = timings(run["before"]["results"], label)
                cells.append(f"{old['page']:.0f} / {old['results']:.0f}")
                ratio = (
                    f" (×{old['page'] / got['page']:.1f} / ×{old['results'] / got['results']:.1f})"
                )
                cells.append(f"{got['page']:.0f} / {got['results']:.0f}{ratio}{flag}")
            else:
                cells.append(f"{got['page']:.0f} / {got['results']:.0f}{flag}")
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(f"\nload average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
