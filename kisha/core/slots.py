"""Named sidebar slots that other apps fill.

The site chrome names the slots and their order (ニュース速報 first, as on the reference page);
an app registers a renderer for a slot in its AppConfig.ready(). A slot with no renderer, or
whose renderer returns an empty string, renders nothing at all — never a placeholder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

# The reference page's order, top to bottom.
SIDEBAR_SLOTS = ("ticker", "recommend", "magazine", "newsletter", "rankings", "series", "products")

Renderer = Callable[[HttpRequest, dict], str]


@dataclass(frozen=True)
class Slot:
    name: str
    render: Renderer


_registry: dict[str, Slot] = {}


def register_slot(name: str, render: Renderer) -> None:
    """Fill the slot `name`. Registering twice replaces the renderer (apps reload in tests)."""
    if name not in SIDEBAR_SLOTS:
        raise ValueError(f"Unknown sidebar slot {name!r}; known slots: {', '.join(SIDEBAR_SLOTS)}")
    _registry[name] = Slot(name, render)


def unregister_slot(name: str) -> None:
    _registry.pop(name, None)


def render_sidebar(request: HttpRequest, context: dict) -> SafeString:
    """Render every filled slot in order. A failing slot is logged and left out, not fatal."""
    parts = []
    for name in SIDEBAR_SLOTS:
        slot = _registry.get(name)
        if slot is None:
            continue
        try:
            html = slot.render(request, context)
        except Exception:  # a broken side block must never take the article down with it
            logger.exception("sidebar slot %s failed to render", name)
            continue
        if html and html.strip():
            parts.append(html)
    return mark_safe("\n".join(parts))  # noqa: S308  (renderers return escaped template output)
