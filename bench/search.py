"""Search speed at scale: index build time and query latency, SQLite and PostgreSQL side by side.

    .venv/bin/python bench/search.py                       # 100,000 articles, both databases
    .venv/bin/python bench/search.py --articles 5000 --databases sqlite

For each database: a throwaway database (a file under a temporary folder; a database created on
the PostgreSQL server of KISHA_TEST_DATABASE_URL or DATABASE_URL, dropped afterwards), migrated,
filled with the demo writer's fictional articles inserted in bulk (rows written straight into
wagtailcore_page and news_articlepage with correct treebeard paths: going through the page tree
costs 20 ms an article), indexed with ``search_rebuild``, then queried through the search page's
selectors (page 1 of 20 results and the total count) for rare and common terms.

Each database runs in its own child process, one after the other, so the figures come from the
same machine in the same minutes; the machine load is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
BENCH_DB = "kisha_bench_search"

# Rare words are planted in a known share of the articles; common ones occur naturally.
PLANTED = {
    "鷲見航太郎": 5000,  # one article in 5,000: 20 at 100,000
    "量子暗号": 1000,  # one in 1,000
}
QUERIES = {
    "rare": ["鷲見航太郎", "鷲見", "量子暗号", "金正恩", "ｽﾏｰﾄﾌｫﾝ 折りたたみ"],
    "common": ["政府", "発表", "台風", "株", "市場 上昇", "見通し -政府"],
}
REPEAT = 7


def _machine() -> str:
    load = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"


# --- child: runs inside Django against the throwaway database ----------------------------------


def _planted_sentence(index: int) -> str:
    for word, every in PLANTED.items():
        if index % every == 0:
            return f"<p>{word}についての新しい発表があった。</p>"
    return ""


def _generate(total: int) -> float:
    """Insert ``total`` live articles in bulk; returns seconds."""
    import datetime as dt
    import uuid

    from django.db import connection, transaction
    from django.utils import timezone

    from wagtail.models import Page

    from kisha.demo.writer import article_draft
    from kisha.news.factories import SectionPageFactory
    from kisha.news.models import ArticlePage, SectionPage
    from kisha.news.services import site_ensure_home

    started = time.perf_counter()
    home = site_ensure_home(title="週刊キシャ")
    sections: dict[str, SectionPage] = {}
    content_type_id = ArticlePage().content_type_id or _content_type_id(ArticlePage)
    counters: dict[str, int] = {}
    page_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
    article_fields = list(ArticlePage._meta.local_concrete_fields)
    now = timezone.now()
    batch: list[ArticlePage] = []

    def flush() -> None:
        with transaction.atomic():
            rows = Page._base_manager._insert(
                batch, fields=page_fields, returning_fields=[Page._meta.pk], using="default"
            )
            for page, (pk,) in zip(batch, rows, strict=True):
                page.id = page.page_ptr_id = pk
            ArticlePage._base_manager._insert(batch, fields=article_fields, using="default")
        batch.clear()

    for index in range(total):
        draft = article_draft(seed=7, index=index)
        section = sections.get(draft.section)
        if section is None:
            section = SectionPageFactory(parent=home, title=draft.section, slug=draft.section)
            sections[draft.section] = section
        counters[draft.section] = counters.get(draft.section, 0) + 1
        body = [b for b in draft.body if b["type"] in ("paragraph", "heading", "quote")]
        planted = _planted_sentence(index)
        if planted:
            body.append({"type": "paragraph", "value": planted, "id": str(uuid.uuid4())})
        when = now - dt.timedelta(minutes=7 * index)
        slug = f"{draft.slug}-{index}"
        batch.append(
            ArticlePage(
                title=draft.headline,
                draft_title=draft.headline,
                slug=slug,
                content_type_id=content_type_id,
                path=ArticlePage._get_path(
                    section.path, section.depth + 1, counters[draft.section]
                ),
                depth=section.depth + 1,
                numchild=0,
                url_path=f"{section.url_path}{slug}/",
                locale_id=home.locale_id,
                translation_key=uuid.uuid4(),
                live=True,
                has_unpublished_changes=False,
                first_published_at=when,
                last_published_at=when,
                short_headline=draft.short_headline[:60],
                lead=draft.lead,
                body=body,
            )
        )
        if len(batch) == 500:
            flush()
    if batch:
        flush()
    for slug, section in sections.items():
        SectionPage.objects.filter(pk=section.pk).update(numchild=counters[slug])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _content_type_id(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def _maintain() -> float:
    """What an operator runs after a bulk load: statistics, and FTS5 segment merging."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM ANALYZE")  # autovacuum would, after a bulk load
            # GIN indexes filled row by row are looser than rebuilt ones (docs/operations.md).
            cursor.execute("REINDEX TABLE CONCURRENTLY search_searchdocument")
    return time.perf_counter() - started


def _measure() -> dict:
    from django.db import connection, reset_queries

    from kisha.search.selectors import article_search, search_page

    def once(q: str) -> tuple[float, int]:
        started = time.perf_counter()
        page = search_page(results=article_search(query=q), number=1)
        list(page.object_list)
        return (time.perf_counter() - started) * 1000, page.paginator.count

    out: dict = {}
    for group, queries in QUERIES.items():
        samples: list[float] = []
        hits: dict[str, int] = {}
        per_query: dict[str, float] = {}
        for q in queries:
            once(q)  # warm the page cache for this query's pages
            times = []
            for _ in range(REPEAT):
                ms, count = once(q)
                times.append(ms)
                reset_queries()
            hits[q] = count
            per_query[q] = statistics.median(times)
            samples.extend(times)
        samples.sort()
        out[group] = {
            "median_ms": statistics.median(samples),
            "p95_ms": samples[max(0, round(0.95 * len(samples)) - 1)],
            "max_ms": samples[-1],
            "hits": hits,
            "per_query_median_ms": per_query,
        }
    newest = []
    for q in QUERIES["common"]:
        for _ in range(3):
            started = time.perf_counter()
            page = search_page(results=article_search(query=q, sort="newest"), number=1)
            list(page.object_list)
            newest.append((time.perf_counter() - started) * 1000)
    newest.sort()
    out["common_newest"] = {
        "median_ms": statistics.median(newest),
        "p95_ms": newest[max(0, round(0.95 * len(newest)) - 1)],
        "max_ms": newest[-1],
    }
    out["vendor"] = connection.vendor
    return out


def child(articles: int, workers: int, reuse: bool) -> None:
    import django

    django.setup()
    from django.db import connection

    from kisha.news.models import ArticlePage
    from kisha.search.models import SearchDocument
    from kisha.search.services import search_rebuild

    result: dict = {"articles": articles, "machine_before": _machine()}
    if reuse and ArticlePage.objects.count() == articles:
        result.update(generate_s=float("nan"), index_s=float("nan"), indexed=articles)
        result["reused"] = True
    else:
        result["generate_s"] = _generate(articles)
        stats = search_rebuild(workers=workers, chunk=500)
        result["index_s"] = stats.seconds
        result["indexed"] = stats.objects
        result["maintain_s"] = _maintain()
    result["documents"] = SearchDocument.objects.count()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('search_searchdocument')")
        else:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%'"
                " OR name LIKE 'sqlite_autoindex_search_%'"
            )
        result["index_bytes"] = cursor.fetchone()[0]
    result.update(_measure())
    result["machine_after"] = _machine()
    print("RESULT " + json.dumps(result, ensure_ascii=False))


# --- parent: throwaway databases, one child per database, the table ----------------------------


def _env(database_url: str | None, workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "KISHA_TASKS": "immediate",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "kisha.settings",
        "MEDIA_ROOT": str(workdir / "media"),
    }
    env.pop("REDIS_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    return env


def _pg_admin(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


KEEP_DIR = Path(tempfile.gettempdir()) / "kisha-bench-search"


def run(vendor: str, articles: int, workers: int, keep: bool = False, reuse: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix="kisha-bench-search-") as tmp:
        workdir = Path(tmp)
        if keep or reuse:
            workdir = KEEP_DIR
            workdir.mkdir(exist_ok=True)
        database_url = None
        server_url = os.environ.get("KISHA_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if vendor == "postgresql":
            if not server_url:
                raise SystemExit(
                    "PostgreSQL: set KISHA_TEST_DATABASE_URL (scripts/test-services.sh)"
                )
            if not reuse:
                _pg_admin(server_url, f"DROP DATABASE IF EXISTS {BENCH_DB}")
                _pg_admin(server_url, f"CREATE DATABASE {BENCH_DB}")
            database_url = _with_db(server_url, BENCH_DB)
        elif not reuse:
            (workdir / "bench.sqlite3").unlink(missing_ok=True)
        env = _env(database_url, workdir)
        try:
            subprocess.run(
                [PYTHON, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True
            )
            out = subprocess.run(
                [
                    PYTHON,
                    __file__,
                    "--child",
                    "--articles",
                    str(articles),
                    "--workers",
                    str(workers),
                ]
                + (["--reuse"] if reuse else []),
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            )
        finally:
            if vendor == "postgresql" and not (keep or reuse):
                _pg_admin(server_url, f"DROP DATABASE IF EXISTS {BENCH_DB}")
        line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
        return json.loads(line[len("RESULT ") :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL database for EXPLAIN sessions"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure the databases a --keep run left behind"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.articles, args.workers, args.reuse)
        return

    print(f"machine: {_machine()}")
    print(f"articles: {args.articles:,}; tokenizer workers: {args.workers}; repeats: {REPEAT}")
    results = []
    for vendor in args.databases.split(","):
        result = run(vendor, args.articles, args.workers, args.keep, args.reuse)
        results.append(result)
        print(json.dumps(result, ensure_ascii=False, indent=1))
    print()
    print(
        "| database | generate (bulk) | index build | index size | rare median / p95 "
        "| common median / p95 | common, newest first median / p95 |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['vendor']} | {r['generate_s']:.0f} s | {r['index_s']:.0f} s "
            f"| {r['index_bytes'] / 1e6:.0f} MB "
            f"| {r['rare']['median_ms']:.1f} / {r['rare']['p95_ms']:.1f} ms "
            f"| {r['common']['median_ms']:.1f} / {r['common']['p95_ms']:.1f} ms "
            f"| {r['common_newest']['median_ms']:.1f} / {r['common_newest']['p95_ms']:.1f} ms |"
        )
    print(f"machine after: {_machine()}")


if __name__ == "__main__":
    main()
