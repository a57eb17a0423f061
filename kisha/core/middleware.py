"""Cache headers that let a CDN or Varnish serve every public page (DESIGN §4, rule 1), the
admin's own Content-Security-Policy, and the Japanese 414 for over-long URLs."""

from csp.middleware import CSPMiddleware, PolicyParts

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers

# /-/ holds the operations endpoints (health, metrics), which set no-store themselves.
PRIVATE_PREFIXES = ("/admin/", "/django-admin/", "/api/", "/-/")


class PublicCacheMiddleware:
    """Mark anonymous, successful GETs of public pages as shareable for a short time.

    A page for a signed-in editor (who may see previews and the userbar) is never shared.
    Views that set their own Cache-Control, set cookies, or sit under a private prefix are left
    alone.
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
        if response.status_code not in (200, 301, 404) or response.has_header("Cache-Control"):
            return response
        if response.cookies:
            return response
        seconds = settings.KISHA_PAGE_CACHE_SECONDS
        patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)
        patch_vary_headers(response, ("Accept-Encoding",))
        return response


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
            from kisha.core.views import uri_too_long

            return uri_too_long(request)
        return self.get_response(request)
