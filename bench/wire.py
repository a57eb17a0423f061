"""Wire ingest speed: items per second from a generated 10,000-item ninjs batch, a large
generated RSS feed and a NewsML 1.2 document, on SQLite and PostgreSQL side by side in one run.

    .venv/bin/python bench/wire.py [--items 10000] [--database-url postgres://…/kisha]

Each database gets a fresh throwaway schema (a temporary SQLite file; a `kisha_bench_wire`
database next to the given PostgreSQL URL, dropped afterwards). For each document it times
parsing alone, then the whole ingest (parse + write) for new items, the same document again
(all unchanged) and a document where every item has a newer version (all updated).
Target (issues 4 and 19): ≥ 500 items/s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, ROOT, bench_env, machine, manage  # noqa: E402

TARGET = 500


def ninjs_document(count: int, version: int) -> bytes:
    body = "<p>" + "東京株式市場で日経平均株価は続伸した。" * 12 + "</p>"
    items = [
        {
            "uri": f"urn:bench:ninjs:{n}",
            "version": str(version),
            "type": "text",
            "headline": f"日経平均が続伸、半導体株に買い　その{n}（第{version}版）",
            "versioncreated": f"2026-11-26T{n % 24:02d}:{n % 60:02d}:00+09:00",
            "urgency": 1 + n % 9,
            "bodies": [{"role": "main", "contenttype": "text/html", "value": body}],
            "subjects": [{"code": "subj:04000000" if n % 2 else "subj:11000000"}],
            "by": "共同通信",
        }
        for n in range(count)
    ]
    return json.dumps(items, ensure_ascii=False).encode("utf-8")


def rss_document(count: int, revision: int) -> bytes:
    entries = "".join(
        f"<item><title>円相場、一時1ドル＝150円台に　その{n}</title>"
        f"<guid>urn:bench:rss:{n}</guid><link>https://example.com/news/{n}</link>"
        f"<category>{'World' if n % 2 else 'Business'}</category>"
        f"<pubDate>Wed, 26 Nov 2026 {n % 24:02d}:{revision:02d}:00 GMT</pubDate>"
        f"<description>外国為替市場で円安が進んだ。第{revision}版。</description></item>"
        for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>bench</title>{entries}</channel></rss>"
    ).encode()


def newsml1_document(count: int, revision: int) -> bytes:
    """NewsML 1.2 as agencies send it: an envelope, then one NewsItem per story with an NITF
    body, and a picture component with two renditions on every other item."""
    body = "<p>" + "東京株式市場で日経平均株価は続伸した。" * 12 + "</p>"
    picture = (
        "<NewsComponent><Role FormalName='Picture'/><NewsLines><HeadLine>写真</HeadLine>"
        "<CreditLine>共同通信</CreditLine></NewsLines>"
        "<NewsComponent><Role FormalName='Preview'/><ContentItem Href='https://img.example/{n}p.jpg'>"
        "<MediaType FormalName='Photo'/></ContentItem></NewsComponent>"
        "<NewsComponent><Role FormalName='Main'/><ContentItem Href='https://img.example/{n}.jpg'>"
        "<MediaType FormalName='Photo'/></ContentItem></NewsComponent></NewsComponent>"
    )
    items = "".join(
        "<NewsItem><Identification><NewsIdentifier><ProviderId>bench.example</ProviderId>"
        f"<DateId>20261126</DateId><NewsItemId>N{n}</NewsItemId>"
        f"<RevisionId PreviousRevision='{revision - 1}' Update='N'>{revision}</RevisionId>"
        "</NewsIdentifier></Identification><NewsManagement><NewsItemType FormalName='News'/>"
        f"<ThisRevisionCreated>20261126T{n % 24:02d}{revision:02d}00+0900</ThisRevisionCreated>"
        f"<Status FormalName='Usable'/><Urgency FormalName='{1 + n % 9}'/></NewsManagement>"
        "<NewsComponent xml:lang='ja'><NewsLines>"
        f"<HeadLine>日経平均が続伸、半導体株に買い　その{n}（第{revision}版）</HeadLine>"
        "<ByLine>共同通信</ByLine></NewsLines><DescriptiveMetadata><SubjectCode>"
        f"<Subject FormalName='{'04000000' if n % 2 else '11000000'}'/></SubjectCode>"
        "</DescriptiveMetadata><ContentItem><MediaType FormalName='Text'/>"
        f"<DataContent><nitf><body><body.content>{body}</body.content></body></nitf>"
        f"</DataContent></ContentItem>{picture.format(n=n) if n % 2 else ''}</NewsComponent>"
        "</NewsItem>"
        for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><NewsML Version="1.2"><NewsEnvelope>'
        f"<DateAndTime>20261126T120000+0900</DateAndTime></NewsEnvelope>{items}</NewsML>"
    ).encode()


def g2_package_document(count: int, version: int) -> bytes:
    """A NewsML-G2 newsMessage of ``count`` items: per story a text item, two picture items and
    the packageItem that joins them (a quarter of the items are packages)."""
    nar = "http://iptc.org/std/nar/2006-10-01/"
    body = "<p>" + "東京株式市場で日経平均株価は続伸した。" * 12 + "</p>"
    parts = []
    for n in range(count // 4):
        meta = (
            f"<pubStatus qcode='stat:usable'/><versionCreated>2026-11-26T{n % 24:02d}:{version:02d}"
            ":00+09:00</versionCreated></itemMeta>"
        )
        parts.append(
            f"<newsItem guid='urn:bench:g2:{n}' version='{version}'><itemMeta>"
            f"<itemClass qcode='ninat:text'/>{meta}<contentMeta><headline>日経平均が続伸　その{n}"
            f"（第{version}版）</headline></contentMeta><contentSet><inlineXML><nitf><body>"
            f"<body.content>{body}</body.content></body></nitf></inlineXML></contentSet></newsItem>"
        )
        for p in (1, 2):
            parts.append(
                f"<newsItem guid='urn:bench:g2:{n}:p{p}' version='{version}'><itemMeta>"
                f"<itemClass qcode='ninat:picture'/>{meta}<contentMeta><headline>写真{p}</headline>"
                f"<creditline>共同通信</creditline></contentMeta><contentSet>"
                f"<remoteContent rendition='rnd:highRes' href='https://img.example/{n}-{p}.jpg'/>"
                "</contentSet></newsItem>"
            )
        first, second = (1, 2) if version % 2 else (2, 1)  # a new version reorders the pictures
        parts.append(
            f"<packageItem guid='urn:bench:g2:{n}:pkg' version='{version}'><itemMeta>"
            f"<itemClass qcode='ninat:composite'/>{meta}<groupSet root='G1'><group id='G1'>"
            f"<itemRef residref='urn:bench:g2:{n}'><itemClass qcode='ninat:text'/></itemRef>"
            f"<groupRef idref='G2'/></group><group id='G2'>"
            f"<itemRef residref='urn:bench:g2:{n}:p{first}'/>"
            f"<itemRef residref='urn:bench:g2:{n}:p{second}'/></group></groupSet></packageItem>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><newsMessage xmlns="{nar}"><itemSet>'
        f"{''.join(parts)}</itemSet></newsMessage>"
    ).encode()


CHILD = r"""
import json, sys, time, django
django.setup()
sys.path.insert(0, {bench!r})
from wire import g2_package_document, newsml1_document, ninjs_document, rss_document
from django.db import connection
from kisha.news.services import site_ensure_home
from kisha.news.factories import SectionPageFactory
from kisha.wire.models import WireSource, WireSubjectMapping, WireItem
from kisha.wire.providers import get_provider
from kisha.wire.services import wire_ingest_bytes

count = {count}
home = site_ensure_home(title="bench")
world = SectionPageFactory(parent=home, title="ワールド", slug="world")
business = SectionPageFactory(parent=home, title="ビジネス", slug="business")
results = []
documents = (
    ("ninjs", "ninjs", ninjs_document),
    ("rss", "rss", rss_document),
    ("newsml1", "newsml1", newsml1_document),
    ("g2-packages", "newsml", g2_package_document),
)
for label_fmt, fmt, make in documents:
    source = WireSource.objects.create(name=label_fmt, format=fmt, default_section=world)
    WireSubjectMapping.objects.create(source=source, code="subj:04000000", section=business)
    WireSubjectMapping.objects.create(source=source, code="Business", section=business)
    first, newer = make(count, 1), make(count, 2)
    started = time.perf_counter()
    parsed = get_provider(fmt).parse(first)
    parsed = len(parsed.entries) + len(parsed.pictures) + len(parsed.packages)
    assert parsed == count, (label_fmt, parsed)
    results.append((label_fmt, "parse only", parsed, time.perf_counter() - started, len(first)))
    for label, document, field in (
        ("new items", first, "ingested"),
        ("same again (unchanged)", first, "unchanged"),
        ("newer versions (updated)", newer, "updated"),
    ):
        started = time.perf_counter()
        summary = wire_ingest_bytes(source=source, data=document)
        seconds = time.perf_counter() - started
        assert getattr(summary, field) == count, (label_fmt, label, str(summary))
        results.append((label_fmt, label, count, seconds, len(document)))
print("RESULTS " + json.dumps({{"vendor": connection.vendor, "results": results}}))
"""


def run_child(env: dict[str, str], count: int) -> dict:
    code = CHILD.format(bench=str(Path(__file__).resolve().parent), count=count)
    # The generated pictures point nowhere, and downloads are a task of their own after the
    # ingest (the immediate task back end would run them inside the timing): off here.
    env = {**env, "KISHA_WIRE_DOWNLOAD_PICTURES": "0"}
    out = subprocess.run(
        [PYTHON, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULTS "))
    return json.loads(line.removeprefix("RESULTS "))


def postgres_bench_url(url: str) -> tuple[str, str, str]:
    """(bench database URL, admin URL, bench database name) next to the given database."""
    parts = urllib.parse.urlsplit(url)
    # Named after the given database, so two checkouts sharing a server do not drop each other's.
    name = f"{parts.path.strip('/') or 'kisha'}_bench_wire"
    return (
        parts._replace(path=f"/{name}").geturl(),
        parts._replace(path="/postgres").geturl(),
        name,
    )


def with_postgres(url: str, count: int) -> dict:
    import psycopg

    bench_url, admin_url, name = postgres_bench_url(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        with tempfile.TemporaryDirectory(prefix="kisha-bench-wire-") as workdir:
            env = bench_env(workdir=Path(workdir), database_url=bench_url)
            manage(env, "migrate", "--noinput", "-v", "0")
            return run_child(env, count)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def with_sqlite(count: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="kisha-bench-wire-") as workdir:
        env = bench_env(workdir=Path(workdir))
        manage(env, "migrate", "--noinput", "-v", "0")
        return run_child(env, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("KISHA_TEST_DATABASE_URL"),
        help="PostgreSQL URL (default $KISHA_TEST_DATABASE_URL); skipped when absent",
    )
    args = parser.parse_args()
    print(machine())
    runs = [with_sqlite(args.items)]
    if args.database_url:
        runs.append(with_postgres(args.database_url, args.items))
    print()
    print("| database | document | step | items | seconds | items/s | target |")
    print("|---|---|---|---:|---:|---:|---|")
    for run in runs:
        for fmt, label, items, seconds, size in run["results"]:
            rate = items / seconds if seconds else float("inf")
            verdict = "" if label == "parse only" else ("ok" if rate >= TARGET else "BELOW")
            doc = f"{fmt} ({size / 1e6:.1f} MB)"
            print(
                f"| {run['vendor']} | {doc} | {label} | {items} | {seconds:.2f} | {rate:,.0f} | "
                f"{verdict} |"
            )
    print(f"\nload average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
