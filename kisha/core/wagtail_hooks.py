"""Cache tags of every Wagtail page served: the page and its site (kisha.core.cachetags)."""

from wagtail import hooks
from wagtail.models import Site

from .cachetags import page_tag, site_tag, tags_add


@hooks.register("before_serve_page")
def tag_served_page(page, request, serve_args, serve_kwargs):
    site = Site.find_for_request(request)
    tags = [page_tag(page.id)]
    if site is not None:
        tags.append(site_tag(site.id))
    tags_add(request, *tags)
