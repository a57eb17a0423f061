"""The SSRF-safe fetcher: address rules, strict hosts, pinned connections, caps and timeouts.

Only 127.0.0.1 is ever contacted. Tests that need a "public" host use a fake resolver that
answers a public address and a connector that records that address and then connects to the
local test server instead, which proves where a real connection would have gone.
"""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Callable

import pytest

from kisha.wire.fetch import FetchError, fetch, is_public_address, parse_target
from tests.wire.conftest import LocalServer, respond

PUBLIC_IP = "93.184.216.34"

NOT_PUBLIC = [
    "127.0.0.1",
    "127.255.255.254",
    "0.0.0.0",
    "0.1.2.3",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "192.0.0.8",
    "192.0.2.1",
    "198.18.0.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:8.8.8.8",
    "::127.0.0.1",
    "::8.8.8.8",
    "2002:7f00:1::",
    "2002:a00:1::1",
    "2002:808:808::1",
    "64:ff9b::7f00:1",
    "64:ff9b::808:808",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd12:3456::1",
    "fec0::1",
    "ff02::1",
    "ff0e::1",
    "2001:db8::1",
    "100::1",
    "not-an-ip",
    "",
]
PUBLIC = ["8.8.8.8", "1.1.1.1", PUBLIC_IP, "2001:4860:4860::8888", "2606:4700:4700::1111"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_not_public(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public(address: str) -> None:
    assert is_public_address(address)


def _fake_dns(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(f"no such name {host}")
        return table[host]

    return resolve


def _never_connect(ip: str, port: int, timeout: float) -> socket.socket:
    raise AssertionError(f"a refused fetch must not connect (tried {ip}:{port})")


REFUSED_URLS = [
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/feed",
    "http://localhost/",
    "http://localhost./",
    "http://0.0.0.0/",
    "http://0/",
    "http://10.0.0.1/",
    "http://192.168.1.1/",
    "http://172.16.5.4/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:8.8.8.8]/",
    "http://[fe80::1%25eth0]/",
    "http://[fc00::1]/",
    "http://[2002:7f00:1::]/",
    "http://[64:ff9b::7f00:1]/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0x7f.0.0.1/",
    "http://0x7f000001/",
    "http://017700000001/",
    "http://127.1/",
    "http://127.0.1/",
    "http://1.2.3/",
    "http://08.8.8.8/",
    "http://internal.example/",
    "http://mixed.example/",
    "https://internal.example/",
    "file:///etc/passwd",
    "ftp://wire.example/feed.xml",
    "gopher://wire.example/",
    "javascript:alert(1)",
    "data:text/plain,hi",
    "//wire.example/feed",
    "http://user:secret@wire.example/",
    "http://wire.example:0/",
    "http://wire.example:99999/",
    "http://[::1/",
    "http://wire.example/\r\nX-Injected: 1",
    "http://wi re.example/",
    "http://wire..example/",
    "http:///path-only",
]
DNS = _fake_dns(
    {
        "localhost": ["127.0.0.1", "::1"],
        "internal.example": ["10.0.0.5"],
        "mixed.example": [PUBLIC_IP, "127.0.0.1"],  # one bad answer poisons the name
        "wire.example": [PUBLIC_IP],
    }
)


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_refused_urls(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(url, resolver=DNS, connector=_never_connect)
    assert caught.value.message


@pytest.mark.parametrize("host", ["2130706433", "0177.0.0.1", "0x7f.1", "127.1", "0x7f000001"])
def test_numeric_host_forms_are_refused_before_any_lookup(host: str) -> None:
    with pytest.raises(FetchError, match="non-canonical numeric"):
        parse_target(f"http://{host}/")


def test_unicode_host_is_idna_encoded() -> None:
    assert parse_target("https://日本語.jp/フィード?x=1").host == "xn--wgv71a119e.jp"


class Recorder:
    """A connector that records the validated address, then reaches the local server."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.connected: list[tuple[str, int]] = []

    def __call__(self, ip: str, port: int, timeout: float) -> socket.socket:
        self.connected.append((ip, port))
        return socket.create_connection(("127.0.0.1", self.server.port), timeout=timeout)


def test_rebinding_resolver_cannot_redirect_the_connection(local_server: LocalServer) -> None:
    local_server.routes["/feed"] = lambda h: respond(h, 200, b"<rss/>", {"ETag": '"a"'})
    answers = iter([[PUBLIC_IP], ["127.0.0.1"], ["127.0.0.1"]])
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    recorder = Recorder(local_server)
    result = fetch("http://wire.example/feed", resolver=rebinding, connector=recorder)
    assert result.status == 200 and result.content == b"<rss/>"
    assert calls == ["wire.example"]  # resolved exactly once...
    assert recorder.connected == [(PUBLIC_IP, 80)]  # ...and connected to that validated address
    ((_path, headers),) = local_server.requests
    assert headers["host"] == "wire.example"  # while the request names the original host


def test_redirect_to_loopback_is_refused(local_server: LocalServer) -> None:
    targets = {
        "/a": f"http://127.0.0.1:{local_server.port}/final",
        "/b": "http://2130706433/",
        "/c": "http://localhost/",
        "/d": "file:///etc/passwd",
        "/e": "http://internal.example/",
        "/f": "http://[::ffff:127.0.0.1]/",
    }
    for path, location in targets.items():
        local_server.routes[path] = lambda h, loc=location: respond(h, 302, b"", {"Location": loc})
    local_server.routes["/final"] = lambda h: respond(h, 200, b"secret")
    for path in targets:
        recorder = Recorder(local_server)
        with pytest.raises(FetchError):
            fetch(f"http://wire.example{path}", resolver=DNS, connector=recorder)
        assert recorder.connected == [(PUBLIC_IP, 80)]
    assert all(p != "/final" for p, _ in local_server.requests)


def test_public_redirects_are_followed_and_capped(local_server: LocalServer) -> None:
    local_server.routes["/old"] = lambda h: respond(h, 301, b"", {"Location": "/new"})
    local_server.routes["/new"] = lambda h: respond(h, 200, b"moved")
    local_server.routes["/loop"] = lambda h: respond(h, 302, b"", {"Location": "/loop"})
    recorder = Recorder(local_server)
    result = fetch("http://wire.example/old", resolver=DNS, connector=recorder)
    assert (result.content, result.final_url) == (b"moved", "http://wire.example/new")
    assert recorder.connected == [(PUBLIC_IP, 80), (PUBLIC_IP, 80)]
    with pytest.raises(FetchError, match="more than 2 redirects"):
        fetch("http://wire.example/loop", resolver=DNS, connector=recorder, max_redirects=2)


def test_private_server_is_refused_without_the_test_override(local_server: LocalServer) -> None:
    local_server.routes["/feed"] = lambda h: respond(h, 200, b"x")
    with pytest.raises(FetchError, match="non-public"):
        fetch(local_server.url("/feed"))
    assert local_server.requests == []


def test_conditional_get_returns_304(local_server: LocalServer) -> None:
    def feed(handler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            respond(handler, 304, b"", {"ETag": '"v1"'})
        elif handler.headers.get("If-Modified-Since") == "Tue, 10 Dec 2019 06:00:00 GMT":
            respond(handler, 304, b"")
        else:
            respond(
                handler,
                200,
                "<rss>記者</rss>".encode(),
                {
                    "ETag": '"v1"',
                    "Last-Modified": "Tue, 10 Dec 2019 06:00:00 GMT",
                    "Content-Type": "application/rss+xml; charset=utf-8",
                },
            )

    local_server.routes["/feed"] = feed
    first = fetch(local_server.url("/feed"), allow_private=True)
    assert first.status == 200 and first.content == "<rss>記者</rss>".encode()
    assert first.etag == '"v1"' and first.last_modified == "Tue, 10 Dec 2019 06:00:00 GMT"
    assert first.content_type == "application/rss+xml; charset=utf-8"
    again = fetch(local_server.url("/feed"), etag=first.etag, allow_private=True)
    assert (again.status, again.content, again.etag) == (304, None, '"v1"')
    by_date = fetch(
        local_server.url("/feed"), last_modified=first.last_modified, allow_private=True
    )
    assert (by_date.status, by_date.content) == (304, None)
    assert by_date.last_modified == first.last_modified  # kept when the 304 omits it
    assert local_server.requests[1][1]["if-none-match"] == '"v1"'


def _stream(body: bytes, *, delay: float = 0.0, chunk: int = 65536, headers: dict | None = None):
    """A response with no Content-Length, ended by closing the connection."""

    def handler(h) -> None:
        h.send_response(200)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        try:
            for start in range(0, len(body), chunk):
                h.wfile.write(body[start : start + chunk])
                h.wfile.flush()
                if delay:
                    time.sleep(delay)
        except OSError:
            pass  # the client gave up, as it should

    return handler


def test_size_cap(local_server: LocalServer) -> None:
    local_server.routes["/declared"] = lambda h: respond(h, 200, b"x" * 2000)
    local_server.routes["/streamed"] = _stream(b"x" * 200_000)
    local_server.routes["/ok"] = _stream(b"x" * 1000)
    with pytest.raises(FetchError, match="cap"):
        fetch(local_server.url("/declared"), max_bytes=1000, allow_private=True)
    with pytest.raises(FetchError, match="cap"):
        fetch(local_server.url("/streamed"), max_bytes=100_000, allow_private=True)
    assert fetch(local_server.url("/ok"), max_bytes=1000, allow_private=True).content == b"x" * 1000


def test_gzip_is_decoded_and_a_gzip_bomb_stops_at_the_cap(local_server: LocalServer) -> None:
    small = gzip.compress("<rss>記者</rss>".encode())
    bomb = gzip.compress(b"\0" * 20_000_000)  # ~20 KB on the wire
    local_server.routes["/small"] = lambda h: respond(h, 200, small, {"Content-Encoding": "gzip"})
    local_server.routes["/bomb"] = lambda h: respond(h, 200, bomb, {"Content-Encoding": "gzip"})
    result = fetch(local_server.url("/small"), allow_private=True)
    assert result.content == "<rss>記者</rss>".encode()
    with pytest.raises(FetchError, match="cap"):
        fetch(local_server.url("/bomb"), max_bytes=1_000_000, allow_private=True)


def test_timeout_waiting_for_a_response(local_server: LocalServer) -> None:
    def slow(handler) -> None:
        time.sleep(3)
        respond(handler, 200, b"late")

    local_server.routes["/slow"] = slow
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(local_server.url("/slow"), timeout=0.5, allow_private=True)
    assert time.monotonic() - started < 1.5


def test_overall_deadline_holds_against_a_trickling_body(local_server: LocalServer) -> None:
    # Every read succeeds within the socket timeout; only an overall deadline stops this.
    local_server.routes["/trickle"] = _stream(b"x" * 40, delay=0.1, chunk=1)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(local_server.url("/trickle"), timeout=1.0, allow_private=True)
    assert time.monotonic() - started < 2.0


def test_http_errors_carry_the_status(local_server: LocalServer) -> None:
    local_server.routes["/gone"] = lambda h: respond(h, 410, b"gone")
    with pytest.raises(FetchError) as caught:
        fetch(local_server.url("/gone"), allow_private=True)
    assert caught.value.status == 410
    with pytest.raises(FetchError) as caught:
        fetch(local_server.url("/missing"), allow_private=True)
    assert caught.value.status == 404


def test_header_injection_through_etag_is_refused(local_server: LocalServer) -> None:
    with pytest.raises(FetchError, match="single header lines"):
        fetch(local_server.url("/"), etag='"x"\r\nX-Evil: 1', allow_private=True)


def test_connection_refused_is_a_fetch_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="could not fetch"):
        fetch(f"http://127.0.0.1:{port}/", allow_private=True, timeout=2)


def test_https_also_connects_to_the_validated_address(local_server: LocalServer) -> None:
    # The local server speaks plain HTTP, so the TLS handshake fails, but only after the
    # connection went to the validated address on port 443 (SNI and certificate checks use
    # the original name, through ssl's default context).
    recorder = Recorder(local_server)
    with pytest.raises(FetchError, match="could not fetch"):
        fetch("https://wire.example/feed", resolver=DNS, connector=recorder, timeout=3)
    assert recorder.connected == [(PUBLIC_IP, 443)]
