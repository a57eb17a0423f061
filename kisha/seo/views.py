"""robots.txt and /favicon.ico: small, public, cacheable (PublicCacheMiddleware gives them the
short shared lifetime; they change only with a deploy or KISHA_SITE_URL)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from kisha.core.sites import site_url

STATIC = Path(__file__).parent / "static" / "seo"
# Crawlers have nothing to find in the newsroom, the JSON and fragment endpoints, or the
# machine endpoints. The search page stays crawlable so its `noindex` is seen.
DISALLOW = ("/admin/", "/django-admin/", "/api/", "/fragments/", "/-/")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOW), ""]
    # The index names every sitemap; the news sitemap is named again so a news crawler finds
    # the last 48 hours without reading the index (sitemaps.org allows a file in both).
    lines.append(f"Sitemap: {site_url()}{reverse('sitemap')}")
    lines.append(f"Sitemap: {site_url()}{reverse('seo:sitemap-news')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@cache
def _favicon() -> bytes:
    return (STATIC / "favicon.ico").read_bytes()


@require_safe
def favicon_ico(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links; a 404 there is a console error
    (Lighthouse, best practices)."""
    return HttpResponse(_favicon(), content_type="image/vnd.microsoft.icon")
