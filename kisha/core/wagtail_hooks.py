"""Cache tags of every Wagtail page served: the page and its site (kisha.core.cachetags); the
admin's styles and script for an image's rights (kisha.core.image_choosers)."""

from django.templatetags.static import static
from django.utils.html import format_html

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


@hooks.register("insert_global_admin_css")
def image_rights_css():
    return format_html('<link rel="stylesheet" href="{}">', static("kisha/admin/images.css"))


@hooks.register("insert_editor_js")
def image_rights_js():
    # After the form's media (generic/form.html), so Wagtail's ImageChooser is defined.
    return format_html('<script src="{}"></script>', static("kisha/admin/image-chooser-rights.js"))
