"""Error pages in Japanese. The 500 page renders without the database or context processors,
since whatever failed may be one of them; the 400-family pages use ``errors/base.html``, which
needs no database either, because a bad Host header or an over-long URL may reach them before
anything else has run."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.static import serve as serve_static


def _error_page(request, template: str, status: int) -> HttpResponse:
    body = loader.get_template(template).render(
        {"SITE_NAME": settings.KISHA_SITE_NAME, "csp_nonce": _nonce(request)}
    )
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _nonce(request) -> str:
    # Not `or ""`: django-csp's lazy nonce is falsy until read, and reading it puts it in the header.
    nonce = getattr(request, "csp_nonce", None)
    return "" if nonce is None else str(nonce)


@requires_csrf_token
def bad_request(request, exception=None):
    # Django turns RequestDataTooBig (a body over DATA_UPLOAD_MAX_MEMORY_SIZE) into a 400; it is
    # really a 413, and the editor should be told that the upload was too large.
    if isinstance(exception, RequestDataTooBig):
        return _error_page(request, "errors/413.html", 413)
    return _error_page(request, "errors/400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error_page(request, "errors/403.html", 403)


def csrf_failure(request, reason=""):
    return _error_page(request, "errors/403_csrf.html", 403)


def uri_too_long(request):
    return _error_page(request, "errors/414.html", 414)


@requires_csrf_token
def page_not_found(request, exception=None):
    template = loader.get_template("404.html")
    return HttpResponseNotFound(template.render({"request_path": request.path}, request))


@requires_csrf_token
def server_error(request):
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"csp_nonce": _nonce(request)}))


def serve_rendition(request, path: str):
    """The embedded default's media route: image renditions only. Documents go through
    Wagtail's serve view (which checks collection privacy) and originals are never linked, so
    neither may be reachable by file URL. MEDIA_ROOT is read per request, not at import."""
    return serve_static(request, path, document_root=Path(settings.MEDIA_ROOT) / "images")
