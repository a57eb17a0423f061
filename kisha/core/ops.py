"""Who may read the operations endpoints (/-/health/, /-/metrics): an allowed peer address or
the bearer token. Anyone else gets the site's ordinary 404, so the endpoints are not revealed.

The address is REMOTE_ADDR, the TCP peer. Behind a proxy that is the proxy: allow the address of
the monitoring host only where it connects directly, or use the token. X-Forwarded-For is never
read here, since any client can write it.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
from collections.abc import Callable, Iterable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from django.core import checks
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from .conf import conf

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def ops_networks() -> tuple[Network, ...]:
    value: str | Iterable[str] = conf("KISHA_OPS_ALLOWED_IPS")
    items = value.split(",") if isinstance(value, str) else value
    return _networks(tuple(item.strip() for item in items if item.strip()))


def ops_address_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # a dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d
    return any(ip in network for network in ops_networks())


def ops_token_valid(header: str) -> bool:
    token: str = conf("KISHA_OPS_TOKEN") or ""
    scheme, _, given = header.partition(" ")
    if not token or scheme.lower() != "bearer" or not given.strip():
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def ops_request_allowed(request: HttpRequest) -> bool:
    if ops_token_valid(request.headers.get("Authorization", "")):
        return True
    return ops_address_allowed(request.META.get("REMOTE_ADDR", ""))


def _guarded(request: HttpRequest) -> None:
    if not ops_request_allowed(request):
        raise Http404


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)  # no-store, private: no CDN or browser keeps a copy
    return response


def ops_only(view: Callable) -> Callable:
    """Serve `view` (sync or async) only to allowed requests, never cached."""
    if iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_wrapper(request, *args, **kwargs):
            _guarded(request)
            return _private(await view(request, *args, **kwargs))

        return markcoroutinefunction(async_wrapper)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        _guarded(request)
        return _private(view(request, *args, **kwargs))

    return wrapper


@checks.register(checks.Tags.security)
def ops_settings_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A mistyped KISHA_OPS_ALLOWED_IPS shows in `manage.py check`, not as a 500 at scrape time."""
    try:
        ops_networks()
    except ValueError as exc:
        return [checks.Error(f"KISHA_OPS_ALLOWED_IPS: {exc}", id="kisha.E001")]
    return []
