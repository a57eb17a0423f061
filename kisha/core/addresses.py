"""The client's address as Kisha trusts it, for login lockouts (AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def trusted_peer(meta: dict) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """REMOTE_ADDR, or behind KISHA_RANKINGS_PROXY_COUNT trusted proxies the entry that many hops
    from the right of X-Forwarded-For (each proxy appends the address it saw, so entries further
    left are whatever the client sent). None when there is no valid address. `meta` is a WSGI
    environ or Django's request.META (the same dict): the beacon's lean handler has no request.
    """
    raw = meta.get("REMOTE_ADDR", "")
    hops = int(getattr(settings, "KISHA_RANKINGS_PROXY_COUNT", 0))
    if hops > 0:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            raw = forwarded[-hops]
    try:
        return ipaddress.ip_address(raw)
    except ValueError:
        return None


def network_of(address: ipaddress.IPv4Address | ipaddress.IPv6Address):
    """An IPv6 address counts per /64, which one subscriber usually holds whole (otherwise one
    client would have 2**64 addresses to rotate through); IPv4 per address."""
    if address.version == 6:
        return ipaddress.ip_network(f"{address}/64", strict=False)
    return ipaddress.ip_network(address)


def client_address(request: HttpRequest) -> str | None:
    """The address login lockouts count by (AXES_CLIENT_IP_CALLABLE): the trusted peer, an IPv6
    /64 as its first address (axes keeps addresses in a GenericIPAddressField, which
    PostgreSQL's inet checks). None without a valid address (a request made in code, a Unix
    socket without KISHA_RANKINGS_PROXY_COUNT)."""
    address = trusted_peer(request.META)
    return None if address is None else str(network_of(address).network_address)
