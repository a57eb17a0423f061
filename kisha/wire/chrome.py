"""The ticker and banner as cached HTML fragments, and the slot renderers that place them
(inline, or as ESI includes of their fragment URLs when Varnish asks: kisha.core.slots).

The rendered fragment is cached for ``KISHA_WIRE_TICKER_SECONDS`` (30 by default) and dropped
whenever an ingest changes something, so a page (and the fragment endpoint a script polls)
is never more than a minute behind the wire.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

from kisha.core.cachetags import WIRE
from kisha.core.fragments import register_fragment
from kisha.core.slots import esi_include, esi_requested
from kisha.wire.conf import conf
from kisha.wire.selectors import banner_item, ticker_items
from kisha.wire.services import BANNER_CACHE_KEY, TICKER_CACHE_KEY


def fragment_seconds() -> int:
    return int(conf("KISHA_WIRE_TICKER_SECONDS"))


def ticker_context() -> dict | None:
    cards = ticker_items()
    return {"cards": cards, "listing_url": reverse("wire:listing")} if cards else None


def banner_context() -> dict | None:
    card = banner_item()
    return {"card": card} if card else None


# Kept under the wire's own keys, not the content generation's: an ingest changes them without
# a publish and drops them by key (kisha.wire.services).
ticker = register_fragment(
    "ticker",
    template="wire/ticker.html",
    context=ticker_context,
    seconds=fragment_seconds,
    tags=(WIRE,),
    key=TICKER_CACHE_KEY,
    generation=False,
)
banner = register_fragment(
    "banner",
    template="wire/banner.html",
    context=banner_context,
    seconds=fragment_seconds,
    tags=(WIRE,),
    key=BANNER_CACHE_KEY,
    generation=False,
)


def ticker_html() -> str:
    """The ニュース速報 block (empty when there are no items), from the cache when fresh."""
    return ticker.html()


def banner_html() -> str:
    """The breaking banner (empty when nothing is breaking), from the cache when fresh."""
    return banner.html()


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
