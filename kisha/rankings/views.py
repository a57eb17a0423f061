"""HTTP endpoints: the view beacon, the rankings JSON and the sidebar fragment."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from kisha.core.cachetags import HEADER, RANKINGS
from kisha.core.clients import content_length
from kisha.core.memo import generation_key
from kisha.core.text import jst_iso

from .beacon import MAX_BODY, beacon_handle
from .conf import conf
from .selectors import rankings_computed_at, rankings_get
from .services import JSON_CACHE_KEY
from .windows import WINDOWS

JSON_KEY = JSON_CACHE_KEY


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # an anonymous counter with no session or cookie: there is nothing to forge
def beacon(request: HttpRequest) -> HttpResponse:
    """POST /api/views/ with `{"page": id, "reader": random id}`: 204 at once, whatever became
    of the view; 4xx only for a request no browser beacon would send."""
    length = content_length(request.META)
    if request.method == "POST" and length is not None and length > MAX_BODY:
        body = b"x" * (MAX_BODY + 1)  # refuse without reading an oversized body
    else:
        body = request.read(MAX_BODY + 1) if request.method == "POST" else b""
    result = beacon_handle(environ=request.META, body=body, now=timezone.now())
    if result.status == 204:
        return _no_store(HttpResponse(status=204))
    response = JsonResponse({"error": result.error}, status=result.status)
    if result.status == 405:
        response["Allow"] = "POST"
    return _no_store(response)


def rankings_payload() -> dict:
    """Every window's top ten as plain data (no view counts: those stay in the newsroom)."""
    computed_at = rankings_computed_at()
    ranked = rankings_get()
    return {
        "computed_at": jst_iso(computed_at) if computed_at else None,
        "windows": {
            key: {
                "label": spec.label,
                "articles": [
                    {
                        "rank": item.rank,
                        "id": item.article.id,
                        "title": item.article.title,
                        "short_title": item.article.card_title,
                        "url": item.article.full_url or "",
                        "published_at": jst_iso(item.article.first_published_at),
                    }
                    for item in ranked[key]
                ],
            }
            for key, spec in WINDOWS.items()
        },
    }


def rankings_json(request: HttpRequest) -> HttpResponse:
    """GET /api/rankings/?window=24h|week|month."""
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse({"error": "GET only"}, status=405)
        response["Allow"] = "GET, HEAD"
        return response
    window = request.GET.get("window", "24h")
    if window not in WINDOWS:
        return JsonResponse({"error": "window must be one of: " + ", ".join(WINDOWS)}, status=400)
    key = generation_key(JSON_KEY)
    payload = cache.get(key)
    if payload is None:
        payload = rankings_payload()
        cache.set(key, payload, int(conf("KISHA_RANKINGS_FRAGMENT_SECONDS")))
    data = payload["windows"][window]
    response = JsonResponse(
        {
            "window": window,
            "label": data["label"],
            "computed_at": payload["computed_at"],
            "articles": data["articles"],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    seconds = int(conf("KISHA_RANKINGS_FRAGMENT_SECONDS"))
    patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)
    response[HEADER] = RANKINGS  # /api/ is outside the page middleware: tagged here
    return response
