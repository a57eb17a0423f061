"""The newsroom side: a dashboard panel, a report in the menu, and a 閲覧数 button per article."""

from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import Button

from kisha.news.selectors import is_article

from . import admin_views
from .selectors import today_top


class TodayTopPanel(Component):
    """今日よく読まれている記事: today's (JST) top ten on the admin home page."""

    name = "rankings_today"
    template_name = "rankings/admin/today_panel.html"
    order = 120

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["today"] = today_top()
        return context


@hooks.register("construct_homepage_panels")
def add_today_panel(request, panels):
    panels.append(TodayTopPanel())


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("rankings/", admin_views.report, name="rankings_report"),
        path("rankings/<int:page_id>/", admin_views.article_views, name="rankings_article"),
    ]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return MenuItem("人気ランキング", reverse("rankings_report"), icon_name="list-ol", order=250)


def _views_button(page, priority):
    if is_article(page.specific_class):
        yield Button(
            "閲覧数",
            reverse("rankings_article", args=[page.id]),
            icon_name="list-ol",
            priority=priority,
        )


@hooks.register("register_page_header_buttons")
def page_header_views_button(page, user, view_name, next_url=None):
    yield from _views_button(page, 66)


@hooks.register("register_page_listing_more_buttons")
def page_listing_views_button(page, user, next_url=None):
    yield from _views_button(page, 55)
