"""Helpers shared by the benchmarks: a Django environment for a throwaway database, a
production server, nginx for the physical reference, and a tiny sequential HTTP client."""

from __future__ import annotations

import contextlib
import http.client
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
BIN = Path(PYTHON).parent


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()
    return (
        f"{platform.node()}: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def bench_env(*, workdir: Path, database_url: str | None = None) -> dict[str, str]:
    """Production-like settings (DEBUG off) on a throwaway database under `workdir`."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "KISHA_SERVE_MEDIA": "1",
        "KISHA_TASKS": "immediate",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "kisha.settings",
    }
    env.pop("REDIS_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(workdir / "kisha.sqlite3")
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2, threads: int = 1) -> Iterator[int]:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "kisha.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_for_port(port)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def nginx(root: Path) -> Iterator[int]:
    """nginx serving `root` as static files: the physical floor for serving the same bytes."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    conf_dir = Path(tempfile.mkdtemp(prefix="kisha-nginx-"))
    (conf_dir / "nginx.conf").write_text(f"""
worker_processes 2;
pid {conf_dir}/nginx.pid;
error_log {conf_dir}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  default_type text/html;
  client_body_temp_path {conf_dir}/body;
  proxy_temp_path {conf_dir}/proxy;
  fastcgi_temp_path {conf_dir}/fastcgi;
  uwsgi_temp_path {conf_dir}/uwsgi;
  scgi_temp_path {conf_dir}/scgi;
  server {{ listen 127.0.0.1:{port}; root {root}; }}
}}
""")
    proc = subprocess.Popen([binary, "-c", str(conf_dir / "nginx.conf"), "-p", str(conf_dir)])
    try:
        wait_for_port(port)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(conf_dir, ignore_errors=True)


def get(port: int, path: str, *, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def sequential_latency(port: int, path: str, *, requests: int) -> dict[str, float]:
    """Median and p95 in milliseconds of `requests` sequential GETs, each on a new connection."""
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        status, _ = get(port, path)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
    }


def wrk(
    port: int,
    path: str,
    *,
    seconds: int,
    connections: int = 8,
    timeout: int = 10,
    headers: dict[str, str] | None = None,
) -> dict[str, float]:
    """Requests per second, latency percentiles and failures from wrk, when it is installed:
    `non2xx` counts answers outside 2xx/3xx, `socket_errors` connects, reads, writes and
    timeouts (wrk's own `timeout` seconds)."""
    binary = shutil.which("wrk")
    if not binary:
        return {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_P95)
    try:
        out = subprocess.run(
            [
                binary,
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                f"--timeout={timeout}s",
                "--latency",
                "-s",
                script.name,
                *(arg for k, v in (headers or {}).items() for arg in ("-H", f"{k}: {v}")),
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    result: dict[str, float] = {"non2xx": 0, "socket_errors": 0}
    for line in out.splitlines():
        parts = line.split()
        if line.startswith("p95-us:"):
            result["p95"] = float(parts[1]) / 1000
        elif line.startswith("Requests/sec:"):
            result["rps"] = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "75%", "90%", "99%"):
            result[f"p{parts[0][:-1]}"] = _ms(parts[1])
        elif "requests in" in line:
            result["requests"] = int(parts[0])
        elif "Non-2xx" in line:
            result["non2xx"] = int(parts[-1])
            result["errors"] = line.strip()
        elif "Socket errors" in line:
            result["socket_errors"] = sum(int(n.strip(",")) for n in parts[3::2])
            result["errors"] = line.strip()
    return result


# wrk's --latency prints p50/75/90/99; its Lua hook adds p95.
WRK_P95 = """
done = function(summary, latency, requests)
  io.write(string.format("p95-us: %d\\n", latency:percentile(95)))
end
"""


def _ms(value: str) -> float:
    for suffix, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


def ensure_postgres_database(url: str) -> None:
    """Create the database named in a PostgreSQL URL when it does not exist yet."""
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class RedisServer:
    """A redis-server of the benchmark's own on a free port, keeping nothing on disk; `kill()`
    is a crash (SIGKILL), `start()` again comes back empty on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix="kisha-bench-redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.directory,
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)
            self.process = None

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self.directory, ignore_errors=True)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    server = RedisServer().start()
    try:
        yield server.url
    finally:
        server.close()


def demo_site(
    name: str, *, articles: int, database_url: str | None
) -> tuple[dict[str, str], Path, str]:
    """A demo site of `articles` articles in a throwaway database kept under var/bench/ and
    reused by later runs with the same arguments: (environment, folder, fill summary)."""
    import hashlib

    key = hashlib.sha1(f"{database_url}-{articles}".encode()).hexdigest()[:8]
    workdir = ROOT / "var" / "bench" / f"{name}-{key}"
    workdir.mkdir(parents=True, exist_ok=True)
    env = bench_env(workdir=workdir, database_url=database_url)
    if database_url:
        ensure_postgres_database(database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    fill = (
        "import django; django.setup();"
        "from kisha.demo.services import demo_build;"
        f"s = demo_build(articles={articles}, fast=True);"
        "print(s.articles, round(s.seconds, 1))"
    )
    out = subprocess.run([PYTHON, "-c", fill], env=env, check=True, capture_output=True, text=True)
    count, seconds = out.stdout.split()[-2:]
    if database_url:
        # A production database has its planner statistics (autovacuum keeps them); a database
        # filled a moment ago may not yet, and then PostgreSQL picks plans 10x slower (the
        # series navigation's join: 21 ms before ANALYZE, 2 ms after), nor the visibility map
        # VACUUM sets, without which no index-only scan is chosen.
        analyze = "import django; django.setup(); from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
        subprocess.run([PYTHON, "-c", analyze], env=env, check=True, capture_output=True)
    summary = f"{'PostgreSQL' if database_url else 'SQLite'}, {count} articles (fill {seconds} s)"
    return env, workdir, summary
