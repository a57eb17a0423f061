"""Named slots in the site chrome that other apps fill.

The chrome names the slots and their order: the sidebar's (ニュース速報 first, as on the
reference page) and a banner across the top of every page. An app registers a renderer for a
slot in its AppConfig.ready(). A slot with no renderer, or whose renderer returns an empty
string, renders nothing at all — never a placeholder.

Edge Side Includes: a slot whose block lives at a fragment URL of its own (the ticker, the
banner, the rankings) may render `esi_include(request, url)` instead of the block when
`esi_requested(request)`, that is when the request came through the shipped Varnish
(deploy/varnish/kisha.vcl), which sends `Surrogate-Capability: kisha="ESI/1.0"`. The page is
then stored once in Varnish and assembled there at each delivery from fragments that keep
their own short lifetimes. Without that header (no Varnish, a pass through it, the tests'
client) every slot renders inline, exactly as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

# The reference page's order, top to bottom.
SIDEBAR_SLOTS = ("ticker", "recommend", "magazine", "newsletter", "rankings", "series", "products")
# Full-width slots above the main column (a breaking-news banner).
BANNER_SLOTS = ("banner",)
# Blocks in the site footer, above the copyright line (the print products).
FOOTER_SLOTS = ("footer",)
# The section navigation in the header and in the footer (kisha.news fills both).
NAV_SLOTS = ("nav",)
FOOTER_NAV_SLOTS = ("footer_nav",)
# Scripts at the end of an article page: the view beacon, the share buttons.
ARTICLE_SCRIPT_SLOTS = ("beacon", "share")
REGIONS = {
    "sidebar": SIDEBAR_SLOTS,
    "banner": BANNER_SLOTS,
    "footer": FOOTER_SLOTS,
    "nav": NAV_SLOTS,
    "footer_nav": FOOTER_NAV_SLOTS,
    "article_scripts": ARTICLE_SCRIPT_SLOTS,
}

Renderer = Callable[[HttpRequest, dict], str]


@dataclass(frozen=True)
class Slot:
    name: str
    render: Renderer


_registry: dict[str, Slot] = {}


def register_slot(name: str, render: Renderer) -> None:
    """Fill the slot `name`. Registering twice replaces the renderer (apps reload in tests)."""
    known = tuple(name for names in REGIONS.values() for name in names)
    if name not in known:
        raise ValueError(f"Unknown slot {name!r}; known slots: {', '.join(known)}")
    _registry[name] = Slot(name, render)


def unregister_slot(name: str) -> None:
    _registry.pop(name, None)


def esi_requested(request: HttpRequest | None) -> bool:
    """Whether the request came from a surrogate that assembles ESI: Varnish sets
    `Surrogate-Capability: kisha="ESI/1.0"` on every request it may cache, and removes any
    a client sent."""
    if request is None:
        return False
    return "ESI/1.0" in request.headers.get("Surrogate-Capability", "")


def esi_include(request: HttpRequest, src: str) -> SafeString:
    """`<esi:include src="…"/>` in place of a fragment, and a mark on the request so that
    `kisha.core.middleware.SurrogateControlMiddleware` tells the surrogate to process the page."""
    request.kisha_esi = True
    return format_html('<esi:include src="{}"/>', src)


def render_region(region: str, request: HttpRequest, context: dict) -> SafeString:
    """Render every filled slot of a region in order. A failing slot is logged and left out:
    a broken side block must never take the article down with it."""
    parts = []
    for name in REGIONS[region]:
        slot = _registry.get(name)
        if slot is None:
            continue
        try:
            html = slot.render(request, context)
        except Exception:
            logger.exception("slot %s failed to render", name)
            continue
        if html and html.strip():
            parts.append(html)
    return mark_safe("\n".join(parts))  # noqa: S308  (renderers return escaped template output)


# What a card shows besides the article's own fields (its section and topic labels): given by
# the app that owns the labels (kisha.news, from ready()), so the shared card template loads
# no app's tags.
_card_labels: list[Callable[[object], dict]] = []


def register_card_labels(labels: Callable[[object], dict]) -> None:
    _card_labels[:] = [labels]


def card_labels(page) -> dict:
    """{"section": …, "topic": …} for a card of `page`; empty when no app gives labels."""
    return _card_labels[0](page) if _card_labels else {}
