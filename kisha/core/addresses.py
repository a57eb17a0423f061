"""The client's address as Kisha trusts it, for login lockouts (AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind KISHA_RANKINGS_PROXY_COUNT trusted proxies the entry that many hops
    from the right of X-Forwarded-For (each proxy appends the address it saw, so entries further
    left are whatever the client sent). The same rule as the rankings beacon's rate limit.

    IPv6 counts per /64, which one subscriber usually holds whole (otherwise one attacker would
    have 2**64 addresses to rotate through), as the /64's first address: axes keeps addresses in
    a GenericIPAddressField, which PostgreSQL's inet checks. None when there is no valid address
    (a request made in code, a Unix socket without KISHA_RANKINGS_PROXY_COUNT).
    """
    raw = request.META.get("REMOTE_ADDR", "")
    hops = int(getattr(settings, "KISHA_RANKINGS_PROXY_COUNT", 0))
    if hops > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            raw = forwarded[-hops]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)
