"""Cache headers that let a CDN or Varnish serve every public page (DESIGN §4, rule 1)."""

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
