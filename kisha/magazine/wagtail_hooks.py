"""Newsroom: a マガジン menu item that opens the issue list, and a one-click 新しい号 link.

Issues and products are pages, so editing, choosers (cover image, TOC articles), previews,
revisions and scheduled publishing are Wagtail's own; these hooks only shorten the way there.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .models import MagazineIndexPage, ProductIndexPage


def _index_or_404(model):
    index = model.objects.first()
    if index is None:
        raise Http404("まだ作成されていません。ホームの下に追加してください。")
    return index


def magazine_explore(request):
    return redirect("wagtailadmin_explore", _index_or_404(MagazineIndexPage).id)


def magazine_new_issue(request):
    index = _index_or_404(MagazineIndexPage)
    return redirect("wagtailadmin_pages:add", "magazine", "issuepage", index.id)


def products_explore(request):
    return redirect("wagtailadmin_explore", _index_or_404(ProductIndexPage).id)


@hooks.register("register_admin_urls")
def magazine_admin_urls():
    return [
        path("magazine/", magazine_explore, name="magazine_explore"),
        path("magazine/new-issue/", magazine_new_issue, name="magazine_new_issue"),
        path("magazine/products/", products_explore, name="magazine_products"),
    ]


@hooks.register("register_admin_menu_item")
def magazine_menu_item():
    return MenuItem("マガジン", reverse("magazine_explore"), icon_name="doc-full", order=250)


@hooks.register("register_admin_menu_item")
def products_menu_item():
    return MenuItem("出版物", reverse("magazine_products"), icon_name="tag", order=251)
