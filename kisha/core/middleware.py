"""Cache headers that let a CDN or Varnish serve every public page (DESIGN §4, rule 1), the
admin's own Content-Security-Policy, and the Japanese 414 for over-long URLs."""

import hashlib
import re

from csp.middleware import CSPMiddleware, PolicyParts

from django.conf import settings
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import quote_etag

from wagtail.models import Site

from kisha.core import cachetags, pagecache
from kisha.core.frontend_cache import frontend_cache_configured
from kisha.core.views import uri_too_long

# /-/ holds the operations endpoints (health, metrics), which set no-store themselves.
PRIVATE_PREFIXES = ("/admin/", "/django-admin/", "/api/", "/-/")


class PublicCacheMiddleware:
    """Give anonymous, successful GETs of public pages one shared cache object each.

    Browsers revalidate every time (`max-age=0, must-revalidate`; an unchanged page answers 304
    from its ETag, without a body), so an edited headline shows on the next load. Shared caches
    keep a Wagtail page KISHA_SHARED_CACHE_SECONDS when a purging front is configured (every
    change purges the URLs that show it), otherwise KISHA_PAGE_CACHE_SECONDS; other responses
    get the short lifetime: search and redirects are never purged, and feeds and sitemaps,
    purged by tag, also change with the clock (the news sitemap's 48 hours).

    No `Vary: Cookie` (the session middleware adds it because the auth context processor looks
    at the session) and no `Vary: Accept-Encoding` (Kisha never compresses HTML; the front
    does): an anonymous page is the same for every reader. That is safe because a signed-in
    editor's pages are `private, no-store`, a response that sets a cookie or carries a CSRF
    token is never shared, and the front bypasses its cache for a request with a sessionid
    cookie (docs/operations.md). Responses under a private prefix are left alone; views that
    set their own Cache-Control (the fragments) keep it.

    Every shared response also gets its cache tags (`xkey`, kisha.core.cachetags: what the
    view said it shows) and, when it came through Kisha's page cache, is stored there
    (kisha.core.pagecache.store) before any 304 is made of it.

    It sits outside the CSP middleware: the ETag ignores the page's CSP nonce, and a 304 carries
    no Content-Security-Policy, so the browser keeps the nonce its stored copy was sent with.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or request.path.startswith(PRIVATE_PREFIXES):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
            return response
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            # A session an anonymous reader carries is the passage of a password-restricted
            # page (or a form's state): what it sees may be a page others may not.
            patch_cache_control(response, private=True, no_store=True)
            return response
        if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            # A cookie or a CSRF token belongs to one reader (Wagtail's password form for a
            # restricted page carries one): never a shared copy.
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_store=True)
            return response
        if response.status_code not in (200, 301, 404):
            return response
        if response.has_header("Cache-Control"):
            # The view chose its own lifetime (the fragments): tag and keep it for that long.
            seconds = own_shared_seconds(response["Cache-Control"])
            stored_seconds = seconds
        else:
            seconds = shared_seconds(request, response)
            patch_cache_control(
                response, public=True, max_age=0, must_revalidate=True, s_maxage=seconds
            )
            vary_drop(response, {"cookie", "accept-encoding"})
            # Kisha's own cache is purged by tag like a front, so it keeps pages long.
            stored_seconds = (
                settings.KISHA_SHARED_CACHE_SECONDS if is_purged(request, response) else seconds
            )
            if response.status_code == 200 and not response.streaming:
                response.headers["ETag"] = page_etag(request, response)
        tags = response_tags(request, response)
        if seconds and tags:
            response[cachetags.HEADER] = cachetags.tags_header(tags)
            if response.status_code in (200, 301):
                pagecache.store(request, response, seconds=stored_seconds, tags=tags)
        if response.has_header("ETag"):
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response


def is_wagtail(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "wagtail_serve"


def is_purged(request, response) -> bool:
    """Wagtail's pages and their 404s: every change purges what shows it."""
    return is_wagtail(request) and response.status_code in (200, 404)


class SurrogateControlMiddleware:
    """Tell the surrogate (Varnish) to assemble a page whose slots rendered ESI includes
    (`kisha.core.slots.esi_include`): `Surrogate-Control: content="ESI/1.0"`.

    Inline and ESI forms of one URL must never be served in each other's place. The ESI form is
    only rendered for a request carrying `Surrogate-Capability: …ESI/1.0`, which the shipped VCL
    sets on every request it may cache and strips from clients, so Varnish only ever stores
    the ESI form and a request it passes (an editor) gets the inline one. Anything else that
    might store a response keyed on the URL alone has two signs to go by: Surrogate-Control
    (the in-Kisha cache stores no response carrying it) and `Vary: Surrogate-Capability` (any
    HTTP cache, nginx's proxy_cache included, keeps the two forms apart; the VCL removes that
    Vary before delivery, since browsers only ever see assembled pages). Sits just inside
    PublicCacheMiddleware, so every middleware and cache outside it sees both headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "kisha_esi", False):
            response["Surrogate-Control"] = 'content="ESI/1.0"'
            patch_vary_headers(response, ["Surrogate-Capability"])
        return response


def shared_seconds(request, response) -> int:
    """Long for what a purge reaches, short for the rest."""

    if is_purged(request, response) and frontend_cache_configured():
        return settings.KISHA_SHARED_CACHE_SECONDS
    return settings.KISHA_PAGE_CACHE_SECONDS


SHARED_DIRECTIVE = re.compile(r"\bs-maxage\s*=\s*(\d+)", re.IGNORECASE)


def own_shared_seconds(cache_control: str) -> int:
    """How long a view's own Cache-Control lets a shared cache keep the response (0: not)."""
    directives = {d.strip().split("=")[0].lower() for d in cache_control.split(",")}
    if "public" not in directives or directives & {"private", "no-store", "no-cache"}:
        return 0
    match = SHARED_DIRECTIVE.search(cache_control)
    return int(match.group(1)) if match else 0


def response_tags(request, response) -> set[str]:
    """The cache tags of a shared response: what its view said it shows; for Wagtail's 404s,
    their site and `missing` (a page published there later purges them)."""
    tags = cachetags.tags_of(request)
    if not tags and is_wagtail(request) and response.status_code == 404:
        site = Site.find_for_request(request)
        if site is not None:
            tags = {cachetags.site_tag(site.id), cachetags.MISSING}
    return tags


def vary_drop(response, names: set[str]) -> None:
    if not response.has_header("Vary"):
        return
    kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() not in names]
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]


def page_etag(request, response) -> str:
    """A strong ETag of the body with this render's CSP nonce taken out: two renders of an
    unchanged page differ only in their nonce."""
    content = response.content
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        content = content.replace(str(nonce).encode(), b"")
    return quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())


ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class KishaCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's looser policy (settings.KISHA_CSP_ADMIN) under
    /admin/ and /django-admin/: Wagtail's and Django's admin templates use inline scripts and
    styles that a nonce cannot reach. A view's own csp_override still wins."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path.startswith(ADMIN_PREFIXES):
            parts.config = settings.KISHA_CSP_ADMIN
        return parts


class RequestLimitsMiddleware:
    """Answer a Japanese 414 for a path plus query string longer than KISHA_MAX_URL_BYTES,
    counted percent-encoded, as sent.

    The default, 2,048, is the sitemap protocol's limit, so no page Kisha lists comes near it;
    longer URLs are scanners or cache-busting floods, and refusing them first keeps them out of
    routing, the cache key space and the logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.get_full_path()) > settings.KISHA_MAX_URL_BYTES:
            return uri_too_long(request)
        return self.get_response(request)
