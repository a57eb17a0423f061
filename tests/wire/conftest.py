"""Fixtures for wire tests: the shared IPTC fixture folder and a tiny HTTP server on 127.0.0.1.

These tests need no database or Django settings; they run with ``-p no:django`` too.
"""

from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


def shared_fixture_dir() -> Path:
    """/work/shared/fixtures/wire beside the repo, or $KISHA_SHARED_DIR/fixtures/wire."""
    override = os.environ.get("KISHA_SHARED_DIR")
    shared = Path(override) if override else Path(__file__).resolve().parents[3] / "shared"
    return shared / "fixtures" / "wire"


@pytest.fixture
def fixture_dir() -> Path:
    folder = shared_fixture_dir()
    if not folder.is_dir():
        pytest.skip(f"shared wire fixtures not found at {folder}")
    return folder


@dataclass
class LocalServer:
    """A real HTTP server on 127.0.0.1; ``routes`` maps a path to a handler function."""

    port: int
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server_state: LocalServer

    class RequestHandler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            server_state.requests.append(
                (self.path, {k.lower(): v for k, v in self.headers.items()})
            )
            handler = server_state.routes.get(self.path.split("?", 1)[0])
            if handler is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            handler(self)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
    httpd.daemon_threads = True
    server_state = LocalServer(port=httpd.server_address[1])
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()


def respond(
    handler: http.server.BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    """Send a complete response with a Content-Length."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if body:
        handler.wfile.write(body)
