"""Fetching wire feeds without turning Kisha into an SSRF proxy.

Editors type feed URLs, so every fetch treats the URL as hostile:

* http and https only, no credentials in the URL, host names strictly parsed: an IPv4 host
  must be canonical dotted-quad, so ``2130706433``, ``0177.0.0.1``, ``0x7f.1`` or ``127.1``
  (which the C resolver would quietly turn into 127.0.0.1) are refused outright;
* the name is resolved **once**, every address it resolves to must be public
  (:func:`is_public_address`), and the connection goes to that exact validated address while
  the request still carries the original Host header and TLS SNI/certificate name. A DNS
  answer that changes between check and connect (rebinding) therefore never matters;
* every redirect hop goes through the same checks; conditional GET, a body size cap (also on
  gzip output) and one overall deadline enforced by a watchdog, not only per-read timeouts.

Environment proxies are deliberately not used: a proxy would do its own resolution. Nothing
here needs a third-party HTTP library; ``http.client`` lets us choose the socket.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import urllib.parse
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Resolver = Callable[[str, int], Sequence[str]]
Connector = Callable[[str, int, float], socket.socket]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USER_AGENT = "Kisha-wire/0.1"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HOST_CHARS = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$")
_NUMERIC_LABELS = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+))*$")
_CHUNK = 65_536
_NON_PUBLIC_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


class FetchError(Exception):
    """A fetch was refused or failed; ``status`` is the HTTP status when there was one.
    ``transient`` says trying again later may succeed: a timeout, a connection or name lookup
    that failed, or an answer of 408, 429 or 5xx (not a refused or malformed URL, a 404, or a
    body over the size cap)."""

    def __init__(self, message: str, *, status: int | None = None, transient: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.transient = transient or (
            status is not None and (status >= 500 or status in (408, 429))
        )


@dataclass(frozen=True, slots=True)
class FetchResult:
    """Outcome of a fetch: ``content`` is None for 304 Not Modified."""

    status: int
    content: bytes | None
    etag: str | None
    last_modified: str | None
    content_type: str | None
    final_url: str


def is_public_address(ip: str | IPAddress) -> bool:
    """Whether an address is on the public internet (and so safe to fetch from).

    ``is_global`` alone is not enough: it calls multicast and IPv4-mapped, 6to4, NAT64 or
    site-local IPv6 forms of private addresses "global". Any IPv6 form that embeds an IPv4
    address is refused, whatever it embeds, since the embedded address is what gets reached.
    """
    try:
        address = ipaddress.ip_address(ip) if not isinstance(ip, IPAddress) else ip
    except ValueError:
        return False
    if (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
        or address.is_private
    ):
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return not any(address in network for network in _NON_PUBLIC_V4)
    if address.scope_id or address.is_site_local:
        return False
    if address.ipv4_mapped is not None or address.sixtofour is not None:
        return False
    if address.teredo is not None or any(address in network for network in _NAT64):
        return False
    # IPv4-compatible ::a.b.c.d (deprecated) lives in ::/96.
    return address not in ipaddress.IPv6Network("::/96")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver returns for a name, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def direct_connector(ip: str, port: int, timeout: float) -> socket.socket:
    """Open a TCP connection to an already validated address."""
    return socket.create_connection((ip, port), timeout=timeout)


@dataclass(frozen=True, slots=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA) host, no brackets: what goes into Host and SNI
    port: int
    path: str
    literal: IPAddress | None


def parse_target(url: str) -> _Target:
    """Strictly parse a URL we are about to fetch, refusing anything ambiguous."""
    if not isinstance(url, str) or any(c in url for c in "\r\n\t\x00 "):
        raise FetchError("the URL is not a single well-formed URL")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"malformed URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched, not {scheme or 'none'!r}")
    if parts.username is not None or parts.password is not None:
        raise FetchError("URLs with user credentials are refused")
    raw_host = parts.hostname or ""
    if not raw_host:
        raise FetchError("the URL has no host")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if port == 0:
        raise FetchError("port 0 is not a valid port")
    port = port if port is not None else (443 if scheme == "https" else 80)
    try:
        literal = ipaddress.ip_address(raw_host)
    except ValueError:
        literal = None
    if literal is not None:
        return _Target(scheme, raw_host, port, path, literal)
    try:
        host = raw_host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise FetchError(f"host {raw_host!r} is not a valid domain name") from None
    if not _HOST_CHARS.match(host):
        raise FetchError(f"host {raw_host!r} is not a valid domain name")
    if _NUMERIC_LABELS.match(host) or _inet_aton_accepts(host):
        # Decimal, octal, hex or short IPv4 forms: refused, never normalised and fetched.
        raise FetchError(f"host {raw_host!r} is a non-canonical numeric address; refused")
    return _Target(scheme, host, port, path, None)


def _inet_aton_accepts(host: str) -> bool:
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    return True


def _validated_address(target: _Target, resolver: Resolver, allow_private: bool) -> str:
    """Resolve once and check every answer; the first answer is the one we connect to."""
    if target.literal is not None:
        addresses = [str(target.literal)]
    else:
        try:
            addresses = [str(a) for a in resolver(target.host, target.port)]
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"could not resolve {target.host!r}: {exc}", transient=True) from None
    if not addresses:
        raise FetchError(f"{target.host!r} did not resolve to any address")
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise FetchError(f"resolver returned an invalid address {address!r}") from None
        if not allow_private and not is_public_address(address):
            # One private answer poisons the name: mixed answers are a rebinding tactic.
            raise FetchError(
                f"{target.host!r} resolves to non-public address {address}; refused "
                "/ 公開されていないアドレスへの接続は拒否します"
            )
    return addresses[0]


def check_url(url: str, *, resolver: Resolver | None = None, allow_private: bool = False) -> None:
    """Raise FetchError for a URL that fetch() would refuse before connecting: a scheme other than
    http(s), an ambiguous host, or a name or literal with a non-public address. Used when an editor
    saves a source, so the reason shows in the form. A name that does not resolve (yet) passes:
    it reaches nothing, and every fetch checks again."""
    target = parse_target(url)
    resolver = resolver or system_resolver
    if target.literal is None:
        try:
            resolver(target.host, target.port)
        except (OSError, UnicodeError):
            return
    _validated_address(target, resolver, allow_private)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a fixed, validated IP; ``host`` is only used for the Host header."""

    def __init__(self, target: _Target, ip: str, timeout: float, connector: Connector) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._pinned_ip, self._connector = ip, connector
        self.live_socket: socket.socket | None = None

    def connect(self) -> None:
        self.sock = self._connector(self._pinned_ip, self.port, self.timeout)
        self.live_socket = self.sock


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed, validated IP, with SNI and certificate checks for the real host."""

    def __init__(self, target: _Target, ip: str, timeout: float, connector: Connector) -> None:
        context = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._pinned_ip, self._connector, self._tls = ip, connector, context
        self.live_socket: socket.socket | None = None

    def connect(self) -> None:
        raw = self._connector(self._pinned_ip, self.port, self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)
        self.live_socket = self.sock


def _abort(
    connection: _PinnedHTTPConnection | _PinnedHTTPSConnection, expired: threading.Event
) -> None:
    """Watchdog: shutting the socket down wakes a blocked read, so the deadline is hard."""
    expired.set()
    # Not connection.sock: http.client hands the socket to the response and clears that.
    sock = connection.live_socket
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed: nothing left to wake
            sock.shutdown(socket.SHUT_RDWR)


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = 10_000_000,
    timeout: float = 10,
    max_redirects: int = 3,
    resolver: Resolver | None = None,
    connector: Connector | None = None,
    allow_private: bool = False,
    user_agent: str = USER_AGENT,
) -> FetchResult:
    """GET a public http(s) URL, conditionally, within a size cap and an overall deadline.

    ``resolver`` and ``connector`` are seams for tests (and a custom DNS); ``allow_private``
    exists only so tests can talk to a server on 127.0.0.1 and must never be set from
    user-controlled configuration.
    """
    resolver = resolver or system_resolver
    connector = connector or direct_connector
    deadline = time.monotonic() + timeout
    headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip", "Accept": "*/*"}
    for value in (etag, last_modified):
        if value is not None and any(c in value for c in "\r\n\x00"):
            raise FetchError("ETag / Last-Modified values must be single header lines")
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    for _hop in range(max_redirects + 1):
        target = parse_target(current)
        ip = _validated_address(target, resolver, allow_private)
        status, response_headers, body = _get(target, ip, headers, deadline, max_bytes, connector)
        if status in _REDIRECTS:
            location = response_headers.get("location")
            if not location:
                raise FetchError(f"HTTP {status} redirect without a Location", status=status)
            current = urllib.parse.urljoin(current, location.strip())
            continue
        if status == 304:
            return FetchResult(
                status=304,
                content=None,
                etag=response_headers.get("etag") or etag,
                last_modified=response_headers.get("last-modified") or last_modified,
                content_type=response_headers.get("content-type"),
                final_url=current,
            )
        if not 200 <= status < 300:
            raise FetchError(f"HTTP {status} from {target.host}", status=status)
        return FetchResult(
            status=status,
            content=body,
            etag=response_headers.get("etag"),
            last_modified=response_headers.get("last-modified"),
            content_type=response_headers.get("content-type"),
            final_url=current,
        )
    raise FetchError(f"more than {max_redirects} redirects; stopped")


def _get(
    target: _Target,
    ip: str,
    headers: dict[str, str],
    deadline: float,
    max_bytes: int,
    connector: Connector,
) -> tuple[int, dict[str, str], bytes | None]:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("timed out / タイムアウトしました", transient=True)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, ip, remaining, connector)
    expired = threading.Event()
    watchdog = threading.Timer(remaining, _abort, args=(connection, expired))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("GET", target.path, headers=headers)
        response = connection.getresponse()
        response_headers = {k.lower(): v for k, v in response.getheaders()}
        body = None
        if 200 <= response.status < 300:
            body = _read_body(response, response_headers, max_bytes)
        if expired.is_set():  # a shut-down socket reads as EOF, not as an error
            raise TimeoutError
        return response.status, response_headers, body
    except FetchError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            raise FetchError(
                f"timed out fetching {target.host} / タイムアウトしました", transient=True
            ) from None
        raise FetchError(f"could not fetch from {target.host}: {exc!r}", transient=True) from None
    finally:
        watchdog.cancel()
        connection.close()


def _read_body(
    response: http.client.HTTPResponse, headers: dict[str, str], max_bytes: int
) -> bytes:
    """Read at most ``max_bytes`` (after gzip decoding) or refuse the response."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"response of {declared} bytes is over the {max_bytes}-byte cap")
    coding = headers.get("content-encoding", "identity").strip().lower()
    if coding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise FetchError(f"unsupported content-encoding {coding!r}")
    inflater = zlib.decompressobj(wbits=47) if coding not in ("identity", "") else None
    chunks: list[bytes] = []
    raw_total = total = 0
    while True:
        chunk = response.read(_CHUNK)
        if not chunk:
            break
        raw_total += len(chunk)
        if inflater is not None:
            try:
                # max_length makes a gzip bomb stop at the cap instead of filling memory.
                chunk = inflater.decompress(chunk, max_bytes + 1 - total)
            except zlib.error as exc:
                raise FetchError(f"corrupt {coding} response: {exc}") from None
        total += len(chunk)
        if total > max_bytes or raw_total > max_bytes:
            raise FetchError(f"response is over the {max_bytes}-byte cap; refused")
        chunks.append(chunk)
    return b"".join(chunks)
