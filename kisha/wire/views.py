"""Public wire views: the ニュース速報 page and one item. The ticker and banner fragments a script
refreshes are kisha.core.fragments' view (wire/urls.py), cached by shared caches for as long as
the ticker's own cache, which keeps a refreshed ticker at most a minute behind an ingest.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kisha.core.cachetags import WIRE, tags_add
from kisha.wire.selectors import wire_item_page, wire_listing


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
