"""The newsroom's admin: the dashboard's panels (Wagtail's own review panel gives way to
確認待ち, which lists the same tasks in a fixed number of queries)."""

from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from kisha.news.selectors import kills

from .panels import (
    AwaitingReviewPanel,
    MyDraftsPanel,
    ReadingNowPanel,
    ScheduledTodayPanel,
    WireToPromotePanel,
)

REPLACED = {"workflow_objects_to_moderate"}


@hooks.register("construct_homepage_panels")
def newsroom_panels(request, panels):
    panels[:] = [panel for panel in panels if getattr(panel, "name", "") not in REPLACED]
    panels.append(AwaitingReviewPanel())
    panels.append(MyDraftsPanel())
    panels.append(ScheduledTodayPanel())
    if request.user.has_perm("wire.view_wireitem"):
        panels.append(WireToPromotePanel())
    panels.append(ReadingNowPanel())


class KillViewSet(ModelViewSet):
    """記事取り消し: every kill, newest first — the article, why, who and when. A record, so
    read-only: no add, edit or delete screens (a kill is undone by publishing the article)."""

    model = kills().model
    icon = "warning"
    menu_label = "記事取り消し"
    url_prefix = "newsroom/kills"
    name = "newsroom_kills"
    # The notice as Wagtail's tick or cross (a plain column would print "True").
    list_display = [
        "title",
        "path",
        "reason",
        "killed_by",
        "killed_at",
        BooleanColumn("show_notice", label="お知らせを表示"),
    ]
    list_filter = ["show_notice"]
    search_fields = ["title", "reason", "path"]
    ordering = ["-killed_at", "-id"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["reason"]  # required by ModelViewSet; no form screen is routed
    inspect_view_fields = ["title", "path", "reason", "show_notice", "killed_by", "killed_at"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, **kwargs}
        )

    def get_urlpatterns(self):
        kept = {"index", "index_results", "inspect"}
        return [url for url in super().get_urlpatterns() if url.name in kept]


class NewsroomMenu(ViewSetGroup):
    menu_label = "編集部"
    menu_icon = "group"
    menu_order = 205
    items = [KillViewSet]


@hooks.register("register_admin_viewset")
def register_newsroom_menu():
    return NewsroomMenu()
