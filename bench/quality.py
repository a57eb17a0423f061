"""Lighthouse scores and Nu Html Checker errors of the public pages (issue 13, item 7).

    make quality        # installs the tools first (scripts/install-quality-tools.sh)
    .venv/bin/python bench/quality.py [--articles 120] [--database-url postgres://…]
                                      [--port 0] [--runs 1] [--pages home,author]
                                      [--skip-lighthouse]

Builds the demo site in a throwaway database (kept under var/bench/ and reused), serves it with
gunicorn (DEBUG off, 2 workers) on 127.0.0.1 with KISHA_SITE_URL at that address (canonical
links and og:url then name the host being checked), and runs:

- Lighthouse (bench/quality/node_modules, pinned in its package-lock.json) in the Debian
  chromium, mobile and desktop (`--preset=desktop`), on the home, a section, a topic, an author
  and an article page: a table of the four scores per page and form factor, then every audit
  that did not pass. With --runs N each page is measured N times and the best and the worst
  are shown: the performance score moves with the load of a shared machine.
- The Nu Html Checker (vnu.jar from the vnu-jar package, on the machine's Java) on the HTML of
  the same pages plus the search page, all in one java run: errors and warnings per page.

The pages' HTML and Lighthouse's JSON reports are kept in var/quality/. Exit status 1 when a
score is under 100 on every run or the checker finds an error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, ROOT, demo_site, free_port, get, machine, wait_for_port  # noqa: E402

TOOLS = ROOT / "bench" / "quality" / "node_modules"
LIGHTHOUSE = TOOLS / ".bin" / "lighthouse"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
OUT = ROOT / "var" / "quality"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# The machine has no outside network: nothing of Chrome's own may try to reach it.
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)

PROBE = r"""
import json, django
django.setup()
from kisha.news.models import ArticlePage, AuthorIndexPage, SectionPage, TopicPage
# The newest article with a byline (wire stories carry the agency instead) and a hero photo.
article = (
    ArticlePage.objects.live().public().filter(authors__isnull=False, hero_image__isnull=False)
    .order_by("-first_published_at").first()
)
author = article.authors.first()
print(json.dumps({
    "home": "/",
    "section": SectionPage.objects.live().public().first().url,
    "topic": TopicPage.objects.live().public().first().url,
    "author": AuthorIndexPage.objects.live().first().url + author.slug + "/",
    "article": article.url,
}))
"""


def nu_check(files: dict[str, Path]) -> dict[str, list[dict]]:
    """The checker's messages per page: one java run for all files (about 2 s)."""
    out = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, files.values()),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    by_file: dict[str, list[dict]] = {name: [] for name in files}
    names = {path.resolve(): name for name, path in files.items()}
    for message in json.loads(out.stderr)["messages"]:  # "url": "file:/abs/path.html"
        by_file[names[Path(message["url"].removeprefix("file:")).resolve()]].append(message)
    return by_file


def lighthouse(url: str, *, desktop: bool, report: Path, tmpdir: str) -> dict:
    args = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if desktop:
        args.append("--preset=desktop")
    # Chrome's throwaway profiles go to `tmpdir`, which is removed afterwards: chrome-launcher
    # leaves one behind whenever Chrome is killed.
    env = {
        **os.environ,
        "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
        "TMPDIR": tmpdir,
    }
    for attempt in range(3):  # Chrome now and then fails to start or times out on a busy machine
        run = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
        if run.returncode == 0:
            return json.loads(report.read_text())
        print(f"  lighthouse {url} failed (attempt {attempt + 1}): {run.stderr.strip()[-500:]}")
    raise RuntimeError(f"Lighthouse failed three times on {url}")


def failing_audits(result: dict) -> list[str]:
    """Audits that count towards a category and did not pass, with what Lighthouse says."""
    counted = {
        ref["id"]
        for category in result["categories"].values()
        for ref in category["auditRefs"]
        if ref.get("weight", 0) > 0 or category["id"] != "performance"
    }
    found = []
    for audit_id, audit in result["audits"].items():
        score = audit.get("score")
        if audit_id not in counted or score is None or score >= 1:
            continue
        if audit.get("scoreDisplayMode") in ("informative", "notApplicable", "manual"):
            continue
        value = audit.get("displayValue", "")
        items = [
            item.get("node", {}).get("snippet") or item.get("url") or item.get("source", {})
            for item in (audit.get("details") or {}).get("items", [])[:3]
            if isinstance(item, dict)
        ]
        found.append(f"{audit_id} ({score:.2f}) {value} {items if items else ''}".rstrip())
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port; a free one if 0")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page and form")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument(
        "--pages", default="", help="Lighthouse on these only, e.g. home,author (all if empty)"
    )
    args = parser.parse_args()

    if not VNU.exists() or not LIGHTHOUSE.exists():
        sys.exit("Run scripts/install-quality-tools.sh first (make quality does).")
    if not shutil.which("java"):
        sys.exit("The Nu Html Checker needs Java 11 or later (Debian: default-jre-headless).")

    sys.stdout.reconfigure(line_buffering=True)  # progress shows when piped to a file
    print(f"# Kisha quality check — {machine()}")
    port = args.port or free_port()
    os.environ["KISHA_SITE_URL"] = f"http://127.0.0.1:{port}"
    env, _, summary = demo_site("quality", articles=args.articles, database_url=args.database_url)
    print(f"database: {summary}")
    pages = json.loads(
        subprocess.run(
            [PYTHON, "-c", PROBE], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    pages["search"] = "/search/?q=%E6%97%A5%E9%8A%80"  # Nu only: noindex on purpose

    OUT.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "kisha.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    failed = False
    try:
        wait_for_port(port)
        files = {}
        for name, path in pages.items():
            for _ in range(2):  # the first request builds renditions and fills the caches
                status, body = get(port, path, timeout=120)  # renditions on a busy machine
            if status != 200:
                sys.exit(f"GET {path} answered {status}")
            files[name] = OUT / f"{name}.html"
            files[name].write_bytes(body)
        for name, path in pages.items():
            print(f"{name:8} http://127.0.0.1:{port}{path}")

        print("\n## Nu Html Checker (vnu.jar)\n")
        messages = nu_check(files)
        print("| page | errors | warnings |\n|---|---|---|")
        for name, found in messages.items():
            errors = [m for m in found if m["type"] == "error" or m.get("subType") == "fatal"]
            warnings = [m for m in found if m.get("subType") == "warning"]
            failed |= bool(errors)
            print(f"| {name} | {len(errors)} | {len(warnings)} |")
        for name, found in messages.items():
            for m in found:
                kind = m.get("subType") or m["type"]
                print(f"  {name}:{m.get('lastLine', '?')}: {kind}: {m['message']}")

        if not args.skip_lighthouse:
            chosen = {
                n: p for n, p in pages.items() if not args.pages or n in args.pages.split(",")
            }
            failed |= run_lighthouse(port, chosen, runs=args.runs)
    finally:
        server.terminate()
        server.wait(10)
    sys.exit(1 if failed else 0)


def run_lighthouse(port: int, pages: dict[str, str], *, runs: int) -> bool:
    rows, failures, failed, version = [], {}, False, "?"
    with tempfile.TemporaryDirectory(prefix="kisha-lh-") as tmp:
        for name, path in pages.items():
            if name == "search":
                continue
            for form in ("mobile", "desktop"):
                scores = []
                for run in range(runs):
                    report = OUT / f"lighthouse-{name}-{form}-{run + 1}.json"
                    result = lighthouse(
                        f"http://127.0.0.1:{port}{path}",
                        desktop=form == "desktop",
                        report=report,
                        tmpdir=tmp,
                    )
                    version = result["lighthouseVersion"]
                    scores.append(
                        {
                            c: round((result["categories"][c]["score"] or 0) * 100)
                            for c in CATEGORIES
                        }
                    )
                    for audit in failing_audits(result):
                        failures.setdefault(f"{name} {form}", set()).add(audit)
                best = {c: max(s[c] for s in scores) for c in CATEGORIES}
                worst = {c: min(s[c] for s in scores) for c in CATEGORIES}
                failed |= any(v < 100 for v in best.values())
                rows.append((name, form, best, worst))
    print(f"\n## Lighthouse {version} ({runs} run(s) each; a range is worst–best)\n")
    print("| page | form | performance | accessibility | best practices | SEO |")
    print("|---|---|---|---|---|---|")
    for name, form, best, worst in rows:
        cells = [
            f"{best[c]}" if best[c] == worst[c] else f"{worst[c]}–{best[c]}" for c in CATEGORIES
        ]
        print(f"| {name} | {form} | {' | '.join(cells)} |")
    if failures:
        print("\nAudits that did not pass:")
        for where, audits in failures.items():
            for audit in sorted(audits):
                print(f"  {where}: {audit}")
    else:
        print("\nEvery audit passed.")
    return failed


if __name__ == "__main__":
    main()
