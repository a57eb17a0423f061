"""Routing a request to its page in two queries, whatever its depth.

Wagtail walks the tree a level at a time, with a query for the child and another for its
specific type at each level: four for `/series/<slug>/` or `/magazine/<issue>/`, six a level
deeper. Every page's url_path is its URL below the site root, so the pages along a request's
path can be read at once and the deepest one loaded as its own type. What Wagtail's walk would
do differently is kept: a live routable page on the way whose own routes match the rest of the
path serves it (so `/magazine/archive/` stays the archive even beside a child called
"archive"), and anything not found is left to Wagtail, which also gives the 404.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page


def route_direct(root: Page, request, path_components: list[str]):
    """Wagtail's RouteResult for `path_components` below `root`, or None when Wagtail's own
    walk must decide (nothing found, or a routable page on the way claims the path)."""
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
                return None  # its own route serves the rest: Wagtail's walk gets there
        deepest = (model, row[0], remaining)
    if deepest is None:
        return None
    model, page_id, remaining = deepest
    page = model.objects.filter(id=page_id).first()
    if page is None:
        return None
    return page.route(request, remaining)
