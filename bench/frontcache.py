"""Cached pages side by side (issue 11): one article through Varnish, through Kisha's own page
cache, from nginx as a static file, and from Kisha uncached; how soon an edit is live; and 200
readers on the hot article while an editor republishes it every 5 s and the backend restarts.

    .venv/bin/python bench/frontcache.py [--articles 1000] [--seconds 10] [--soak 60]
                                         [--database-url …] [--skip-soak]

Builds a demo site in a throwaway database (var/bench/, reused), then, in one run:

1. throughput and latency (wrk, 50 connections) of the same article bytes from nginx (a
   static copy), Varnish with deploy/varnish/kisha.vcl (when varnishd is installed), Kisha's
   page cache (gunicorn, 2 workers × 4 threads, KISHA_PAGE_CACHE=on) and Kisha uncached
   (KISHA_PAGE_CACHE=off);
2. publish-to-live: an editor's publish (in another process) until a reader sees the new
   headline on the article, its section and the home page, through each cache, five times;
3. the soak: wrk with 200 connections on the article for --soak seconds through each cache
   while the headline is republished every 5 s and the backend restarts once halfway (a
   graceful gunicorn reload for Kisha's cache, which is the backend; SIGKILL and a fresh start
   behind Varnish, which serves its copies meanwhile).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    BIN,
    PYTHON,
    ROOT,
    demo_site,
    free_port,
    get,
    machine,
    nginx,
    wait_for_port,
    wrk,
)

PAGES = r"""
import django; django.setup()
from kisha.news.models import ArticlePage
a = ArticlePage.objects.live().order_by("-first_published_at").first()
print(a.id, a.url, a.get_parent().url)
"""

# A long-lived editor: reads "publish <n>" lines, publishes the article with a new title and
# answers "done <n>" once the purges went out.
EDITOR = r"""
import sys, django; django.setup()
from kisha.core.frontend_cache import purges_join
from kisha.news.models import ArticlePage
article = ArticlePage.objects.get(id=int(sys.argv[1]))
for line in sys.stdin:
    n = line.split()[1]
    article = ArticlePage.objects.get(id=article.id)
    article.title = f"ベンチ見出し{n}、編集部が差し替え"
    article.short_headline = f"ベンチ見出し{n}"
    article.save_revision().publish()
    purges_join(timeout=10)
    print("done", n, flush=True)
"""


# What readers' browsers send; Varnish then hands out the gzip object it stores as it is.
GZIP = {"Accept-Encoding": "gzip"}


class Server:
    """gunicorn as deployed (2 workers × 4 threads), restartable in place."""

    def __init__(self, env: dict[str, str], *, port: int | None = None) -> None:
        self.env = env
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        self.proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "kisha.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=ROOT,
            start_new_session=True,
        )
        wait_for_port(self.port)
        return self

    def reload(self) -> None:
        """gunicorn's graceful restart: new workers, no connection refused."""
        os.kill(self.proc.pid, signal.SIGHUP)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@contextlib.contextmanager
def varnish(backend_port: int) -> Iterator[int | None]:
    """varnishd with the shipped VCL in front of `backend_port` (as the tests start it: the
    shipped kisha.vcl unchanged, kisha-backends.vcl naming this server), or None when Varnish
    is not installed."""
    sys.path.insert(0, str(ROOT))
    from tests.varnish import Varnish, varnish_missing

    if varnish_missing():
        yield None
        return
    directory = Path(tempfile.mkdtemp(prefix="kisha-varnish-"))
    cache = Varnish(
        directory, backends=[backend_port], purgers=["127.0.0.1"], parameters={}
    ).start()
    try:
        yield cache.port
    finally:
        cache.stop()
        shutil.rmtree(directory, ignore_errors=True)


class Editor:
    def __init__(self, env: dict[str, str], article_id: int) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, "-c", EDITOR, str(article_id)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.n = 0

    def publish(self) -> str:
        """Publish a new headline; returns it once the publish (and its purges) went out."""
        self.n += 1
        self.proc.stdin.write(f"publish {self.n}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line.split() == ["done", str(self.n)], line
        return f"ベンチ見出し{self.n}"

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)


def live_after(port: int, paths: list[str], text: str, *, limit: float = 30.0) -> float:
    """Seconds until every path shows `text` (polled every 10 ms, no connection reuse)."""
    started = time.monotonic()
    waiting = list(paths)
    while waiting:
        waiting = [p for p in waiting if text.encode() not in get(port, p)[1]]
        if time.monotonic() - started > limit:
            return float("inf")
        if waiting:
            time.sleep(0.01)
    return time.monotonic() - started


def publish_to_live(
    editor: Editor, port: int, paths: list[str], rounds: int = 5
) -> list[tuple[float, float]]:
    """(publish, seen) seconds per round: the editor's publish (with its purges sent), then
    until a reader sees the new headline on every path. A first publish warms the editor."""
    editor.publish()
    timings = []
    for _ in range(rounds):
        time.sleep(0.5)
        started = time.monotonic()
        text = editor.publish()
        published = time.monotonic()
        timings.append((published - started, live_after(port, paths, text)))
    return timings


def soak(
    port: int, path: str, editor: Editor, restart, *, seconds: int, connections: int = 200
) -> tuple[dict, list[str]]:
    events: list[str] = []
    stop = threading.Event()

    def editing() -> None:
        started = time.monotonic()
        restarted = False
        while not stop.wait(5):
            editor.publish()
            if not restarted and time.monotonic() - started > seconds / 2:
                restart()
                restarted = True
                events.append(f"backend restarted at {time.monotonic() - started:.0f} s")
        events.append(f"{editor.n} publishes")

    thread = threading.Thread(target=editing)
    thread.start()
    result = wrk(port, path, seconds=seconds, connections=connections, headers=GZIP)
    stop.set()
    thread.join()
    return result, events


def row(name: str, r: dict) -> str:
    return (
        f"| {name} | {r.get('rps', 0):,.0f} | {r.get('p50', 0):.2f} | {r.get('p95', 0):.2f} | "
        f"{r.get('p99', 0):.2f} | {r.get('non2xx', 0):.0f} | {r.get('socket_errors', 0):.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--soak", type=int, default=60)
    parser.add_argument("--skip-soak", action="store_true")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    args = parser.parse_args()

    print(f"# Kisha front-cache benchmark — {machine()}, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    env, workdir, summary = demo_site(
        "frontcache", articles=args.articles, database_url=args.database_url
    )
    env["KISHA_CACHE_DIR"] = str(workdir / "cache")
    shutil.rmtree(workdir / "cache", ignore_errors=True)
    article_id, article, section = subprocess.run(
        [PYTHON, "-c", PAGES], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    paths = [article, section, "/"]
    print(f"database: {summary}; article {article}")

    throughput: list[tuple[str, dict]] = []
    live: list[tuple[str, list[float]]] = []
    soaks: list[tuple[str, dict, list[str]]] = []

    # Kisha uncached, and the static copy of its bytes.
    plain = Server({**env, "KISHA_PAGE_CACHE": "off"}).start()
    try:
        for _ in range(10):  # the first builds the photo's renditions
            status, body = get(plain.port, article, timeout=120)
            assert status == 200
        static = Path(tempfile.mkdtemp(prefix="kisha-static-"))
        static.chmod(0o755)  # nginx's workers run as another user
        # The bytes a reader's browser gets from Varnish: gzip (level 6, as Varnish's default).
        (static / "article.html").write_bytes(gzip.compress(body, compresslevel=6))
        (static / "article.html").chmod(0o644)
        with nginx(static) as port:
            throughput.append(
                (
                    "nginx, static copy",
                    wrk(port, "/article.html", seconds=args.seconds, connections=50, headers=GZIP),
                )
            )
        shutil.rmtree(static, ignore_errors=True)
        throughput.append(
            (
                "Kisha uncached",
                wrk(plain.port, article, seconds=args.seconds, connections=50, headers=GZIP),
            )
        )

        # Varnish in front of the uncached server, purged by tag.
        with varnish(plain.port) as vport:
            if vport is not None:
                front_env = {**env, "KISHA_VARNISH": f"http://127.0.0.1:{vport}"}
                for _ in range(3):
                    get(vport, article)
                throughput.append(
                    (
                        "Varnish",
                        wrk(vport, article, seconds=args.seconds, connections=50, headers=GZIP),
                    )
                )
                editor = Editor(front_env, int(article_id))
                try:
                    for path in paths:
                        get(vport, path)
                    live.append(("Varnish", publish_to_live(editor, vport, paths)))
                    if not args.skip_soak:

                        def restart_behind_varnish() -> None:
                            plain.kill()
                            time.sleep(1)
                            plain.start()

                        soaks.append(
                            (
                                "Varnish",
                                *soak(
                                    vport,
                                    article,
                                    editor,
                                    restart_behind_varnish,
                                    seconds=args.soak,
                                ),
                            )
                        )
                finally:
                    editor.close()
    finally:
        plain.stop()

    # Kisha's own page cache.
    cached = Server({**env, "KISHA_PAGE_CACHE": "on"}).start()
    try:
        for _ in range(3):
            get(cached.port, article)
        throughput.append(
            (
                "Kisha page cache",
                wrk(cached.port, article, seconds=args.seconds, connections=50, headers=GZIP),
            )
        )
        editor = Editor(env, int(article_id))
        try:
            for path in paths:
                get(cached.port, path)
            live.append(("Kisha page cache", publish_to_live(editor, cached.port, paths)))
            if not args.skip_soak:
                soaks.append(
                    (
                        "Kisha page cache",
                        *soak(cached.port, article, editor, cached.reload, seconds=args.soak),
                    )
                )
        finally:
            editor.close()
    finally:
        cached.stop()

    static_rps = throughput[0][1].get("rps", 0)
    print()
    print("| one article, wrk -c50 | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors |")
    print("|---|---|---|---|---|---|---|")
    for name, r in throughput:
        print(row(name, r))
    print()
    for name, r in throughput[1:]:
        if static_rps:
            print(f"{name}: {r.get('rps', 0) / static_rps:.2f}× the static file's throughput")
    print()
    print(
        "| publish to live (article, section, home), 5 rounds | publish median s "
        "| then seen median s | total median s | total max s |"
    )
    print("|---|---|---|---|---|")
    for name, timings in live:
        totals = [a + b for a, b in timings]
        print(
            f"| {name} | {statistics.median(a for a, _ in timings):.3f} "
            f"| {statistics.median(b for _, b in timings):.3f} "
            f"| {statistics.median(totals):.3f} | {max(totals):.3f} |"
        )
    if soaks:
        print()
        print(
            f"| soak: 200 readers, {args.soak} s, republish every 5 s, one restart | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors |"
        )
        print("|---|---|---|---|---|---|---|")
        for name, r, events in soaks:
            print(row(name, r))
            print(f"<!-- {name}: {'; '.join(events)} -->")


if __name__ == "__main__":
    main()
