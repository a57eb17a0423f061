"""The real processes production runs, started by tests: gunicorn with several workers against
the test database and the test's cache, and a redis-server of the test's own that it may kill.

Behaviour that depends on state shared between processes (memos, limits, caches, purges) is
tested here with two real workers, never with two threads of one process. A server's access log
records the worker's pid for every request, so a test can show that both workers answered.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from django.conf import settings
from django.db import connection

REDIS_SERVER = shutil.which("redis-server")
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 30.0, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listened on port {port} within {timeout}s")


class OwnRedis:
    """A redis-server on a free port that only this test uses (never the shared one). With
    `persistent` it keeps an append-only file synced on every write, so a restart keeps what it
    had acknowledged; without, a restart starts empty (a hard crash of a cache-only Redis)."""

    def __init__(self, directory: Path, *, persistent: bool = True) -> None:
        self.port = free_port()
        self.directory = directory
        self.persistent = persistent
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER, "redis-server is not installed: run scripts/install-system-packages.sh"
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes" if self.persistent else "no",
                "--appendfsync",
                "always",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        """SIGKILL, frozen or not: a crash, not a shutdown."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(5)
        self.process = None

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.kill()


def database_env() -> dict[str, str]:
    """How a subprocess reaches the database this test runs on (the test database)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(db["NAME"]), "DATABASE_URL": ""}
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return {"DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"}


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a production process pointed at this test's database and cache."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KISHA_", "REDIS_", "DATABASE_", "SQLITE_", "PYTEST_"))
    }
    cache = settings.CACHES["default"]
    env.update(
        DJANGO_SETTINGS_MODULE="kisha.settings",
        SECRET_KEY=settings.SECRET_KEY,
        LOG_LEVEL="WARNING",
        KISHA_TASKS="immediate",
        KISHA_SERVE_MEDIA="1",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        STATIC_ROOT=str(static_root()),
        PYTHONDONTWRITEBYTECODE="1",
        KISHA_TEST_MD5_PASSWORDS="1",  # as the tests' own (tests/plugins/core.py)
        **database_env(),
    )
    if cache["BACKEND"] == "kisha.core.cache.SharedDiskCache":
        env["KISHA_CACHE_DIR"] = str(cache["LOCATION"])
    env.update(extra)
    return env


_static: dict[str, Path] = {}


def static_root() -> Path:
    """Static files collected once per run, hashed and compressed as in production."""
    if "root" not in _static:
        root = ROOT / "var" / f"test-static-{os.getpid()}"
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={
                **os.environ,
                "STATIC_ROOT": str(root),
                "DJANGO_SETTINGS_MODULE": "kisha.settings",
            },
            check=True,
        )
        _static["root"] = root
    return _static["root"]


def static_cleanup() -> None:
    root = _static.pop("root", None)
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)


def process_stop(process: subprocess.Popen | None, *, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL if it has not ended within `timeout` seconds."""
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@dataclass
class AppServer:
    """gunicorn serving kisha.wsgi with `workers` processes, as production runs it."""

    env: dict[str, str]
    workers: int = 2
    port: int = field(default_factory=free_port)
    log_dir: Path = Path("/tmp")
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.log_dir / f"gunicorn-{self.port}-access.log"

    @property
    def error_log(self) -> Path:
        return self.log_dir / f"gunicorn-{self.port}-error.log"

    def start(self) -> AppServer:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kisha.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--access-logfile",
                str(self.access_log),
                # the worker's pid first, so tests can see which worker answered
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s",
                "--error-logfile",
                str(self.error_log),
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so kill() takes the workers too
        )
        wait_for_port(self.port, process=self.process)
        # Every worker imports the app before it accepts: ask until each has answered once.
        self.warm()
        return self

    def warm(self, path: str = "/", *, rounds: int = 6) -> None:
        deadline = time.monotonic() + 60
        while len(self.pids()) < self.workers and time.monotonic() < deadline:
            self.get_many([path] * (self.workers * rounds))

    def stop(self) -> None:
        process_stop(self.process)
        self.process = None

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: a server that dies, not one that stops."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        self.process = None

    def log_lines(self) -> list[list[str]]:
        if not self.access_log.exists():
            return []
        return [line.split() for line in self.access_log.read_text().splitlines() if line]

    def pids(self, *, since: int = 0) -> set[str]:
        """Worker pids that answered a request, from the `since`-th logged request on."""
        return {fields[0].strip("<>") for fields in self.log_lines()[since:]}

    def mark(self) -> int:
        """How many requests have been logged: pass as `since` to `pids()`."""
        return len(self.log_lines())

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url + path, timeout=30, allow_redirects=False, **kwargs)

    def get_many(self, paths: Iterable[str], *, concurrency: int = 8) -> list[requests.Response]:
        """Concurrent requests, each on its own connection, so both workers take some."""
        paths = list(paths)
        with ThreadPoolExecutor(concurrency) as pool:
            return list(pool.map(self.get, paths))


@pytest.fixture
def app_server(transactional_db, tmp_path, settings):
    """Start gunicorn (two workers unless told) on this test's database and cache:
    `app_server(REDIS_URL=…)`. Data the test writes must be committed to be seen, hence
    `transactional_db`."""
    started: list[AppServer] = []

    def start(*, workers: int = 2, **extra: str) -> AppServer:
        server = AppServer(env=process_env(**extra), workers=workers, log_dir=tmp_path)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


def wagtail_initial_data_restore() -> None:
    """Put back what Wagtail's data migrations made and a transactional test's flush removed:
    the locale, the root collection and the root page."""
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if Page.get_first_root_node() is None:
        Page.add_root(
            instance=Page(
                title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)
            )
        )


@dataclass
class ManagedProcess:
    """A long-running `manage.py` command (kisha_scheduler, db_worker) as production runs it."""

    args: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> ManagedProcess:
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        return self

    def stop(self) -> None:
        process_stop(self.process, timeout=20)
        self.process = None
        if getattr(self, "_log_file", None):
            self._log_file.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture
def manage_process(transactional_db, tmp_path):
    """Start `manage.py <args>` against this test's database and cache:
    `manage_process("db_worker", KISHA_TASKS="database")`."""
    started: list[ManagedProcess] = []

    def start(*args: str, **extra: str) -> ManagedProcess:
        log = tmp_path / f"{args[0]}-{len(started)}.log"
        process = ManagedProcess(list(args), process_env(**extra), log)
        started.append(process)
        return process.start()

    yield start
    for process in started:
        process.stop()
