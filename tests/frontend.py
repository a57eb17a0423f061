"""A fake front-end cache for purge tests: a real HTTP server on a free local port that records
every request (method, path, Host header) and can be told to answer slowly."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeFront:
    def __init__(self, *, delay: float = 0.0, port: int = 0):
        self.delay = delay
        self.requests: list[tuple[str, str, str]] = []
        front = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
                front.requests.append(("PURGE", self.path, self.headers.get("Host", "")))
                if front.delay:
                    time.sleep(front.delay)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def purged(self) -> set[str]:
        """The purged paths (with their query strings); every one asked for the site's host
        (KISHA_SITE_URL's, which the default Site follows: kisha.core.sites)."""
        from urllib.parse import urlsplit

        from django.conf import settings

        assert {host for _, _, host in self.requests} <= {urlsplit(settings.KISHA_SITE_URL).netloc}
        return {path for _, path, _ in self.requests}

    def clear(self) -> None:
        self.requests.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port_refusing() -> str:
    """A local URL where nothing listens: connecting is refused at once."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
