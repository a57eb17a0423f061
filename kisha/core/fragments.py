"""Cached HTML fragments: every sidebar, banner and footer block is one, written once here.

An app registers a block by name with a context function and a template (docs/pages.md, "Add a
sidebar block"):

    series = register_fragment(
        "series", template="series/sidebar.html", context=series_block_context,
        seconds=lambda: conf("KISHA_SERIES_FRAGMENT_SECONDS"),
    )

and gets `series.html()` (the cached HTML, empty when the context function returns nothing),
`series.slot` (a renderer for kisha.core.slots), `series.forget()` and, with a URL routed to
`fragment_view`, the block alone for scripts and ESI. The HTML is kept in the shared cache under
the block's name and, unless `generation=False`, the content generation (kisha.core.memo), so
a publish anywhere is never followed by an old block; `vary` adds a part of the key (the JST
date for blocks that turn over at midnight). A cache that fails costs the render, never the
block.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .cachetags import tags_add
from .memo import generation_key, shared_cached
from .slots import esi_include, esi_requested

logger = logging.getLogger("kisha.core")


@dataclass(frozen=True)
class Fragment:
    name: str
    template: str
    context: Callable[[], dict | None]
    seconds: Callable[[], float]
    tags: tuple[str, ...] = ()
    key_base: str = ""
    generation: bool = True
    vary: Callable[[], str] | None = None
    url_name: str = ""
    wrapper: str = ""

    def key(self) -> str:
        base = self.key_base or f"kisha:fragment:{self.name}:v1"
        if self.vary is not None:
            base = f"{base}:{self.vary()}"
        return generation_key(base) if self.generation else base

    def render(self) -> str:
        """The block rendered now, without the cache: empty when there is nothing to show."""
        context = self.context()
        return render_to_string(self.template, context) if context else ""

    def html(self) -> str:
        """The block's HTML from the shared cache, rendered when missing."""
        return shared_cached(self.key(), self.render, timeout=int(self.seconds()))

    def forget(self) -> None:
        """Drop the cached block (a generation-keyed block needs this only when what it shows
        changes without a publish, as counts do)."""
        try:
            cache.delete(self.key())
        except Exception:
            logger.warning("fragment %s: could not drop the cached block", self.name)

    def slot(self, request: HttpRequest, context: dict) -> str:
        """A slot renderer (kisha.core.slots): through Varnish an ESI include of the block's URL,
        otherwise the block inline; in `wrapper` (given `block`) when it has one; nothing when
        the block is empty."""
        if self.url_name and esi_requested(request):
            block = esi_include(request, reverse(self.url_name))
        else:
            block = self.html()
            if not block.strip():
                return ""
        return render_to_string(self.wrapper, {"block": block}) if self.wrapper else block


_fragments: dict[str, Fragment] = {}


def register_fragment(
    name: str,
    *,
    template: str,
    context: Callable[[], dict | None],
    seconds: Callable[[], float],
    tags: tuple[str, ...] = (),
    key: str = "",
    generation: bool = True,
    vary: Callable[[], str] | None = None,
    url_name: str = "",
    wrapper: str = "",
) -> Fragment:
    """Register the block `name` (unique across apps) and return it."""
    fragment = Fragment(
        name=name,
        template=template,
        context=context,
        seconds=seconds,
        tags=tuple(tags),
        key_base=key,
        generation=generation,
        vary=vary,
        url_name=url_name,
        wrapper=wrapper,
    )
    existing = _fragments.get(name)
    if existing is not None and existing.template != template:
        raise ValueError(f"fragment {name!r} is already registered")
    _fragments[name] = fragment
    return fragment


def fragment(name: str) -> Fragment:
    return _fragments[name]


@require_safe
def fragment_view(request: HttpRequest, name: str) -> HttpResponse:
    """GET a block alone (`path("fragments/x/", fragment_view, {"name": "x"})`): for the script
    that refreshes it and for Varnish's ESI. Public for the block's own lifetime, tagged with
    its tags so a purge reaches it, never indexed."""
    block = _fragments[name]
    response = HttpResponse(block.html(), content_type="text/html; charset=utf-8")
    if block.tags:
        tags_add(request, *block.tags)
    seconds = int(block.seconds())
    patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)
    response["X-Robots-Tag"] = "noindex"
    return response
