"""Which Wagtail Site answers a request, remembered per process behind the content generation.

Wagtail looks the site up in the database on every request (one query with an annotation,
about a fifth of an uncached article's time). Each process keeps the answer per host and port
until the shared content generation changes (any Site saved or deleted on any server rewrites
it, kisha.core.signals), so every worker follows a changed site from its next request on.
"""

from __future__ import annotations

from django.http.request import split_domain_port

from wagtail.models import Site

from .memo import Memo

MAX_HOSTS = 64
_sites: Memo[dict[tuple[str, str], Site | None]] = Memo("sites", dict)


def site_for_request(request) -> Site | None:
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    sites = _sites.get()
    if key not in sites:
        if len(sites) >= MAX_HOSTS:  # only allowed hosts get here, but ALLOWED_HOSTS may be "*"
            sites.clear()
        sites[key] = Site._find_for_request(request)
    return sites[key]


class SiteMiddleware:
    """Set `request._wagtail_site` (where Site.find_for_request looks first) from the memo."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/admin/"):
            request._wagtail_site = site_for_request(request)
        return self.get_response(request)
