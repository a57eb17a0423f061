"""The ticker and banner as cached HTML fragments, and the slot renderers that place them
(inline, or as ESI includes of their fragment URLs when Varnish asks: kisha.core.slots).

The rendered fragment is cached for ``KISHA_WIRE_TICKER_SECONDS`` (30 by default) and dropped
whenever an ingest changes something, so a page (and the fragment endpoint a script polls)
is never more than a minute behind the wire.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

from kisha.core.slots import esi_include, esi_requested
from kisha.wire.conf import conf
from kisha.wire.selectors import banner_item, ticker_items
from kisha.wire.services import BANNER_CACHE_KEY, TICKER_CACHE_KEY


def fragment_seconds() -> int:
    return int(conf("KISHA_WIRE_TICKER_SECONDS"))


def ticker_html() -> str:
    """The ニュース速報 block (empty when there are no items), from the cache when fresh."""
    html = cache.get(TICKER_CACHE_KEY)
    if html is None:
        cards = ticker_items()
        html = (
            render_to_string(
                "wire/ticker.html", {"cards": cards, "listing_url": reverse("wire:listing")}
            )
            if cards
            else ""
        )
        cache.set(TICKER_CACHE_KEY, html, fragment_seconds())
    return html


def banner_html() -> str:
    """The breaking banner (empty when nothing is breaking), from the cache when fresh."""
    html = cache.get(BANNER_CACHE_KEY)
    if html is None:
        card = banner_item()
        html = render_to_string("wire/banner.html", {"card": card}) if card else ""
        cache.set(BANNER_CACHE_KEY, html, fragment_seconds())
    return html


def _assets() -> str:
    return render_to_string(
        "wire/assets.html",
        {
            "css": static("wire/wire.css"),
            "js": static("wire/ticker.js"),
            "ticker_url": reverse("wire:ticker_fragment"),
            "banner_url": reverse("wire:banner_fragment"),
            "seconds": fragment_seconds(),
        },
    )


def render_ticker_slot(request: HttpRequest, context: dict) -> str:
    if esi_requested(request):
        # Through Varnish: the fragment keeps its own 30-second lifetime inside an hour-long
        # page. Empty when there is nothing on the wire, like the inline block.
        return esi_include(request, reverse("wire:ticker_fragment")) + _assets()
    html = ticker_html()
    return html + _assets() if html else ""


def render_banner_slot(request: HttpRequest, context: dict) -> str:
    if esi_requested(request):
        return esi_include(request, reverse("wire:banner_fragment")) + _assets()
    html = banner_html()
    # The ticker slot brings the assets on pages with a sidebar; pages without one need them here.
    return html + _assets() if html else ""
