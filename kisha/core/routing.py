"""Routing a request to its page in two queries, whatever its depth.

Wagtail walks the tree a level at a time, with a query for the child and another for its
specific type at each level: four for `/series/<slug>/` or `/magazine/<issue>/`, six a level
deeper. Every page's url_path is its URL below the site root, so the pages along a request's
path can be read at once and the deepest one loaded as its own type. What Wagtail's walk would
do differently is kept: a live routable page on the way whose own routes match the rest of the
path serves it (so `/magazine/archive/` stays the archive even beside a child called
"archive"), and anything not found is left to Wagtail, which also gives the 404.

What a path routes to is kept in the shared cache under the content generation, the page
included, so a request after the first reads it instead of querying and compiling two queries
(a third of a series page's cost). Any save of a live page, publication, move, rename, deletion
or restriction changes the generation (kisha.core.signals), so no worker ever routes to a
stale copy; a failing cache costs the two queries, never the page. Misses are not kept, so a
junk URL writes nothing; a path that a routable page's pattern takes is kept even when its view
then answers 404 (`/magazine/archive/1234/`), as the page cache keeps that 404 too: both are
bounded by the cache's own eviction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from .memo import generation_cached

# How long a route is kept: a new generation replaces it sooner (its key changes).
ROUTE_SECONDS = 3600
T = TypeVar("T")


def route_direct(root: Page, request, path_components: list[str]):
    """Wagtail's RouteResult for `path_components` below `root`, or None when Wagtail's own
    walk must decide (nothing found, or a routable page on the way claims the path)."""
    found = route_cached("tree", root, path_components, lambda: _page_at(root, path_components))
    if found is None:
        return None
    page, remaining = found
    return page.route(request, remaining)


def route_cached(kind: str, root: Page, path_components: list[str], find: Callable[[], T]) -> T:
    """`find()`'s answer for this path below `root`, shared by every worker under the content
    generation; a None (nothing there) is not kept."""
    return generation_cached(route_key(kind, root, path_components), find, timeout=ROUTE_SECONDS)


def route_key(kind: str, root: Page, path_components: list[str]) -> str:
    """The shared-cache key of a route, before the generation is added (a digest: a path may
    be up to KISHA_MAX_URL_BYTES long)."""
    digest = hashlib.blake2b("/".join(path_components).encode(), digest_size=16).hexdigest()
    return f"kisha:route:v1:{kind}:{root.id}:{digest}"


def _page_at(root: Page, path_components: list[str]) -> tuple[Page, list[str]] | None:
    """The deepest page along `path_components` as its own type, with the components left for
    its own `route()` (or the first live routable page on the way whose routes take the rest);
    None when Wagtail's walk must decide."""
    prefixes = []
    url_path = root.url_path
    for component in path_components:
        url_path = f"{url_path}{component}/"
        prefixes.append(url_path)
    rows = {
        path: (page_id, content_type_id, live, depth)
        for path, page_id, content_type_id, live, depth in Page.objects.filter(
            url_path__in=prefixes, depth__gt=root.depth
        ).values_list("url_path", "id", "content_type_id", "live", "depth")
    }
    deepest = None
    for index, prefix in enumerate(prefixes):
        row = rows.get(prefix)
        if row is None or row[3] != root.depth + index + 1:
            break
        model = ContentType.objects.get_for_id(row[1]).model_class()
        if model is None:
            return None
        remaining = path_components[index + 1 :]
        if remaining and row[2] and issubclass(model, RoutablePageMixin):
            try:
                model.get_resolver().resolve("/" + "/".join(remaining) + "/")
            except Http404:
                pass
            else:
                # Its own route serves the rest, as at this point of Wagtail's walk.
                return _specific(model, row[0], remaining)
        deepest = (model, row[0], remaining)
    if deepest is None or deepest[2]:
        # Nothing there, or components left below a page that has no child by that name and
        # no route for them: Wagtail's walk gives the 404 (and a junk URL writes no route).
        return None
    return _specific(*deepest)


def _specific(model, page_id: int, remaining: list[str]) -> tuple[Page, list[str]] | None:
    page = model.objects.filter(id=page_id).first()
    if page is None:
        return None
    return page, remaining
