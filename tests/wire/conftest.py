"""Fixtures for wire tests: the IPTC fixture folder and a tiny HTTP server on 127.0.0.1.

These tests need no database or Django settings; they run with ``-p no:django`` too.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kisha.wire.factories import WireSourceFactory
from kisha.wire.models import WireSubjectMapping

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


# The IPTC examples, kept in the repository (tests/fixtures/wire/README.md says where from).
FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "wire"


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
    # A client that aborts on purpose (size cap, deadline) is expected: no traceback noise.
    httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
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


# --- Database-backed fixtures for ingest, ticker and admin tests ----------------------------

FIXED_NOW = "2026-11-26T05:00:00+00:00"


def ninjs_item(guid: str, version: int = 1, **fields) -> dict:
    """A ninjs 2.x text item; keyword arguments override or add fields."""
    item = {
        "uri": guid,
        "version": str(version),
        "type": "text",
        "headline": fields.pop("headline", f"見出し {guid} 第{version}版"),
        "versioncreated": fields.pop("versioncreated", "2026-11-26T04:00:00+00:00"),
        "pubstatus": fields.pop("pubstatus", "usable"),
        "bodies": [{"role": "main", "contenttype": "text/html", "value": "<p>本文です。</p>"}],
        "subjects": fields.pop("subjects", [{"code": "subj:11000000", "name": "politics"}]),
    }
    item.update(fields)
    return item


def ninjs_batch(*items: dict) -> bytes:
    import json

    return json.dumps(list(items), ensure_ascii=False).encode("utf-8")


@pytest.fixture
def g2_source(db, world):
    """A NewsML-G2 agency whose items go to ワールド, credited サンプル通信."""
    return WireSourceFactory(
        name="G2通信", format="newsml", credit="サンプル通信", default_section=world
    )


@pytest.fixture
def source(db, world, business):
    wire_source = WireSourceFactory(name="ロイター", default_section=world)
    WireSubjectMapping.objects.create(
        source=wire_source, code="subj:04000000", section=business, sort_order=0
    )
    WireSubjectMapping.objects.create(source=wire_source, code="World", section=world, sort_order=1)
    return wire_source


@pytest.fixture(autouse=True)
def _drop_root_in_pytest_temp(settings, tmp_path_factory):
    """Drop folders in these tests are pytest temporary folders: make their parent the root.
    Pictures are not downloaded (their URLs point nowhere) except where a test turns it on."""
    settings.KISHA_WIRE_DROP_ROOT = tmp_path_factory.getbasetemp()
    settings.KISHA_WIRE_DOWNLOAD_PICTURES = False
