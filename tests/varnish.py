"""The shipped Varnish (deploy/varnish/kisha.vcl), started by tests in front of real servers.

`varnish(backends=[port, …])` starts varnishd in the foreground on a free port, with a working
directory (`-n`) under the test's tmp_path, the shipped kisha.vcl unchanged and a
kisha-backends.vcl made from the shipped one with this machine's ports, a one-second probe and
the test's purge ACL. `origin` is a tiny HTTP server whose answers (headers, body, status) a
test sets per path, for what Kisha does not send by itself (xkey tags before Kisha sends them,
Set-Cookie on a cacheable answer, a 500).
"""

from __future__ import annotations

import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.processes import ROOT, free_port, process_stop, wait_for_port

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VARNISHADM = shutil.which("varnishadm") or "/usr/bin/varnishadm"
SHIPPED = ROOT / "deploy" / "varnish"


def varnish_missing() -> str | None:
    """Why Varnish cannot run here, or None. scripts/install-system-packages.sh installs both."""
    if not Path(VARNISHD).exists():
        return "varnishd is not installed (scripts/install-system-packages.sh installs varnish)"
    vmods = list(Path("/usr/lib").glob("**/varnish/vmods/libvmod_xkey.so"))
    if not vmods:
        return "vmod xkey is missing (scripts/install-system-packages.sh installs varnish-modules)"
    return None


def backends_vcl(
    ports: list[int], *, purgers: list[str], host: str = "127.0.0.1", esi: bool = False
) -> str:
    """The shipped kisha-backends.vcl with these servers, a probe every second that sends this
    Host, this purge ACL and ESI on or off (its one commented line): the rest of it (probe
    request, director, ACL name) as shipped."""
    text = (SHIPPED / "kisha-backends.vcl").read_text()
    if esi:
        text, turned_on = re.subn(r"# (set req\.http\.Surrogate-Capability)", r"\1", text)
        assert turned_on == 1, "kisha-backends.vcl no longer has the ESI line"
    text = text.replace('"Host: news.example.jp"', f'"Host: {host}"')
    text = re.sub(r"\.interval = \d+s;", ".interval = 1s;", text)
    text = re.sub(r"\.window = \d+;", ".window = 2;", text)
    text = re.sub(r"\.threshold = \d+;", ".threshold = 1;", text)
    text = re.sub(r"\.initial = \d+;", ".initial = 1;", text)
    template = re.search(r"backend app1 \{.*?\n\}\n", text, re.S).group(0)
    backends = "\n".join(
        template.replace("app1", f"app{n}")
        .replace('"10.0.0.11"', '"127.0.0.1"')
        .replace('"8000"', f'"{port}"')
        for n, port in enumerate(ports, start=1)
    )
    text = re.sub(
        r"backend app1 \{.*?\n\}\n\s*backend app2 \{.*?\n\}\n", backends, text, flags=re.S
    )
    adds = "".join(f"    kisha_app.add_backend(app{n});\n" for n in range(1, len(ports) + 1))
    text = re.sub(r"(    kisha_app\.add_backend\(app\d\);\n)+", adds, text)
    acl = "".join(f'    "{address}";\n' for address in purgers)
    return re.sub(
        r"acl kisha_purgers \{\n.*?\n\}", f"acl kisha_purgers {{\n{acl}}}", text, flags=re.S
    )


@dataclass
class Varnish:
    directory: Path
    backends: list[int]
    purgers: list[str]
    esi: bool = False
    # Small thread pools for tests; the benchmark passes {} (Varnish's production defaults).
    parameters: dict[str, str] = field(
        default_factory=lambda: {
            "thread_pools": "1",
            "thread_pool_min": "10",
            "thread_pool_max": "200",
        }
    )
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def workdir(self) -> Path:
        return self.directory / "varnish-n"

    def write_vcl(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        vcl = self.directory / "kisha.vcl"
        shutil.copyfile(SHIPPED / "kisha.vcl", vcl)  # the shipped rules, unchanged
        (self.directory / "kisha-backends.vcl").write_text(
            backends_vcl(self.backends, purgers=self.purgers, esi=self.esi)
        )
        return vcl

    def start(self) -> Varnish:
        vcl = self.write_vcl()
        self.log = (self.directory / "varnishd.log").open("ab")
        self.process = subprocess.Popen(
            [
                VARNISHD,
                "-F",  # foreground: this process is the manager; stopping it stops the child
                "-j",
                "none",  # no jail: runs as this user, reads the VCL under tmp_path
                "-n",
                str(self.workdir),
                "-a",
                f"127.0.0.1:{self.port}",
                "-T",
                f"127.0.0.1:{free_port()}",
                "-f",
                str(vcl),
                "-s",
                "malloc,64m",
                *(arg for k, v in self.parameters.items() for arg in ("-p", f"{k}={v}")),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        process_stop(self.process)
        self.process = None
        if getattr(self, "log", None):
            self.log.close()

    def adm(self, *command: str) -> str:
        result = subprocess.run(
            [VARNISHADM, "-n", str(self.workdir), *command],
            capture_output=True,
            text=True,
            timeout=10,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def wait_sick(self, *, timeout: float = 10.0) -> None:
        """Until the probe has marked every backend sick."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            listing = self.adm("backend.list")
            rows = [line for line in listing.splitlines() if ".app" in line]
            if rows and all("sick" in line for line in rows):
                return
            time.sleep(0.2)
        raise TimeoutError(f"backends not sick after {timeout}s:\n{listing}")

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url + path, timeout=30, allow_redirects=False, **kwargs)

    def purge(self, path: str = "/", **kwargs) -> requests.Response:
        return requests.request("PURGE", self.url + path, timeout=30, **kwargs)


@pytest.fixture
def varnish(tmp_path) -> Iterator:
    """Start the shipped Varnish: `varnish(backends=[port, …], purgers=[…])` (purgers defaults
    to 127.0.0.1 alone). Skips only when varnishd or vmod xkey is missing."""
    reason = varnish_missing()
    if reason:
        pytest.skip(reason)
    started: list[Varnish] = []

    def start(
        *, backends: list[int], purgers: list[str] | None = None, esi: bool = False
    ) -> Varnish:
        directory = tmp_path / f"varnish-{len(started)}"
        server = Varnish(directory, backends, purgers or ["127.0.0.1"], esi)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@dataclass
class Answer:
    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Origin:
    """A tiny HTTP origin on a free port: `answers[path]` is what it sends for that path (and
    `/` answers 200 for the probe); `hits` counts the requests per path it received."""

    port: int
    answers: dict[str, Answer] = field(default_factory=dict)
    hits: Counter = field(default_factory=Counter)
    seen: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture
def origin() -> Iterator[Origin]:
    state: Origin

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = self.path
            answer = state.answers.get(path)
            if path != "/" or answer is not None:
                state.hits[path] += 1
                state.seen.append({"path": path, **{k.lower(): v for k, v in self.headers.items()}})
            if answer is None:
                answer = Answer(200, "ok", {"Cache-Control": "no-store"})
            body = answer.body.encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_HEAD = do_GET  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address) -> None:
            # Varnish stopped by a test drops its keep-alive connections to the origin: not an
            # error of the origin's, so not a traceback in the test output.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    httpd = Server(("127.0.0.1", 0), Handler)
    state = Origin(port=httpd.server_address[1])
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
