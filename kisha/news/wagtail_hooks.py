from django.contrib import messages
from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from kisha.core.characters import changed_spans

from . import admin_views
from .models import ArticlePage, Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = "執筆者"
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["name", "role", "slug"]
    search_fields = ["name", "name_reading"]


register_snippet(AuthorViewSet)


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def normalised_message(request, page):
    """Tell the editor which characters were set in house style (kisha.news.forms)."""

    changes = getattr(page, "normalised_changes", None)
    if not changes:
        return
    parts = []
    for change in changes:
        spans = "、".join(
            f"「{a}」→「{b}」" for a, b in changed_spans(change.before, change.after)[:5]
        )
        parts.append(f"{change.label}：{spans}")
    messages.info(
        request, "表記を統一しました（半角カナ→全角、全角英数→半角）。" + " ／ ".join(parts)
    )


# 記事を取り消す (kisha.news.admin_views.kill): from the editor's action menu and the page's
# header and listing buttons, for a live article and a user who may unpublish it.


def _may_kill(page, user) -> bool:
    return (
        page.specific_class is ArticlePage
        and page.live
        and page.permissions_for_user(user).can_unpublish()
    )


class KillMenuItem(ActionMenuItem):
    label = "記事を取り消す"
    name = "action-kill"
    icon_name = "warning"
    classname = "action-kill"

    def is_shown(self, context):
        page = context.get("page")
        return (
            context["view"] == "edit"
            and page is not None
            and _may_kill(page, context["request"].user)
        )

    def get_url(self, parent_context):
        return reverse("news_kill", args=[parent_context["page"].id])


@hooks.register("register_admin_urls")
def register_urls():
    return [path("news/kill/<int:page_id>/", admin_views.kill, name="news_kill")]


@hooks.register("register_page_action_menu_item")
def register_kill_menu_item():
    return KillMenuItem(order=60)


@hooks.register("register_page_header_buttons")
def page_header_kill_button(page, user, view_name, next_url=None):
    if _may_kill(page, user):
        yield Button(
            "記事を取り消す", reverse("news_kill", args=[page.id]), icon_name="warning", priority=70
        )
