"""Public wire views: the ニュース速報 page and the ticker/banner fragments a script refreshes.

Fragments are the same for every reader, so they are cached by shared caches for as long as
the ticker's own cache, which keeps a refreshed ticker at most a minute behind an ingest.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from kisha.core.cachetags import WIRE, tags_add
from kisha.wire import chrome
from kisha.wire.selectors import wire_item_page, wire_listing


def _fragment(request: HttpRequest, html: str) -> HttpResponse:
    tags_add(request, WIRE)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    seconds = chrome.fragment_seconds()
    patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def ticker_fragment(request: HttpRequest) -> HttpResponse:
    return _fragment(request, chrome.ticker_html())


@require_safe
def banner_fragment(request: HttpRequest) -> HttpResponse:
    return _fragment(request, chrome.banner_html())


@require_safe
def listing(request: HttpRequest) -> HttpResponse:
    return render(request, "wire/listing.html", {"groups": wire_listing()})


@require_safe
def item(request: HttpRequest, item_id: int) -> HttpResponse:
    """A wire item the newsroom has not made into an article: where a ticker entry leads."""
    page = wire_item_page(item_id=item_id)
    if page is None:
        raise Http404("速報が見つかりません")
    tags_add(request, WIRE)
    return render(request, "wire/item.html", {"item": page})
