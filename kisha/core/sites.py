"""Which Wagtail Site answers a request, remembered per process.

Wagtail looks the site up in the database on every request (one query with an annotation,
about a fifth of an uncached article's time). Sites change a few times in a site's life, so each
process keeps the answer per host and port for SITE_SECONDS, and forgets it at once when a Site
is saved or deleted in this process (other processes within SITE_SECONDS).
"""

from __future__ import annotations

import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http.request import split_domain_port

from wagtail.models import Site

SITE_SECONDS = 30.0
_sites: dict[tuple[str, str], tuple[float, Site | None]] = {}


def site_for_request(request) -> Site | None:
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    now = time.monotonic()
    hit = _sites.get(key)
    if hit is not None and now - hit[0] < SITE_SECONDS:
        return hit[1]
    site = Site._find_for_request(request)
    _sites[key] = (now, site)
    return site


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def sites_forget(**kwargs) -> None:
    _sites.clear()


class SiteMiddleware:
    """Set `request._wagtail_site` (where Site.find_for_request looks first) from the memo."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/admin/"):
            request._wagtail_site = site_for_request(request)
        return self.get_response(request)
