"""The ニュース速報 menu: 配信記事 (items), 配信元 (sources) and 取り込み履歴 (runs).

Listing search uses the ORM (``search_backend_name = None``), not the Wagtail search backend:
wire items are not indexed, and a headline substring is what a desk editor types; the item
listing bounds it to the newest rows of the current filter (kisha.wire.desk).
"""

from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button
from wagtail.permissions import register_permission_policy

from kisha.wire import admin_views
from kisha.wire.models import WireIngestRun, WireItem, WireSource

register_permission_policy(WireItem, admin_views.IngestOnlyPermissionPolicy(WireItem))
register_permission_policy(WireIngestRun, admin_views.ReadOnlyPermissionPolicy(WireIngestRun))


class WireItemViewSet(ModelViewSet):
    model = WireItem
    icon = "doc-full"
    menu_label = "配信記事"
    url_prefix = "wire/items"
    name = "wire_items"
    # Columns, filters, search and pagination: admin_views.WireItemIndexView (kisha.wire.desk).
    search_fields = ["headline", "summary", "byline"]
    search_backend_name = None
    ordering = ["-item_time", "-id"]
    list_per_page = 50
    form_fields = ["section", "banner"]
    inspect_view_enabled = True
    inspect_view_class = admin_views.WireItemInspectView
    index_view_class = admin_views.WireItemIndexView
    edit_view_class = admin_views.WireItemEditView
    inspect_view_fields = [
        "headline",
        "source",
        "section",
        "urgency",
        "pubstatus",
        "banner",
        "version",
        "item_time",
        "firstcreated",
        "versioncreated",
        "embargoed",
        "byline",
        "usage_terms",
        "copyright_holder",
        "copyright_notice",
        "summary",
        "body_html",
        "link",
        "guid",
        "format",
        "article",
    ]

    def get_index_view_kwargs(self, **kwargs):
        # One query for the rows whatever their number: the columns' related objects are joined.
        queryset = WireItem.objects.select_related("source", "section", "article").defer(
            "body_html", "summary", "subjects", "images"
        )
        return super().get_index_view_kwargs(queryset=queryset, **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("promote/<int:pk>/", admin_views.PromoteView.as_view(), name="promote"),
            path("banner/<int:pk>/<slug:state>/", admin_views.BannerView.as_view(), name="banner"),
        ]


class WireSourceViewSet(ModelViewSet):
    model = WireSource
    icon = "site"
    menu_label = "配信元"
    url_prefix = "wire/sources"
    name = "wire_sources"
    list_display = ["name", "format", "enabled", "poll_interval", "last_ok_at", "last_error"]
    search_fields = ["name"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = admin_views.WireSourceInspectView
    edit_view_class = admin_views.WireSourceEditView
    inspect_view_fields = [
        "name",
        "format",
        "url",
        "drop_folder",
        "poll_interval",
        "enabled",
        "credit",
        "default_section",
        "last_polled_at",
        "last_ok_at",
        "last_error",
        "last_error_at",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("poll/<int:pk>/", admin_views.PollView.as_view(), name="poll"),
        ]


class WireRunViewSet(ModelViewSet):
    model = WireIngestRun
    icon = "history"
    menu_label = "取り込み履歴"
    url_prefix = "wire/runs"
    name = "wire_runs"
    list_display = [
        "started_at",
        "source",
        "status",
        "ingested",
        "updated",
        "unchanged",
        "ignored_older",
        "errors",
    ]
    list_filter = {"source": ["exact"], "status": ["exact"], "started_at": ["gte", "lte"]}
    search_fields = ["origin", "message"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = admin_views.WireRunInspectView
    form_fields = ["message"]
    inspect_view_fields = [
        "source",
        "origin",
        "status",
        "message",
        "started_at",
        "finished_at",
        "ingested",
        "updated",
        "unchanged",
        "ignored_older",
        "errors",
    ]

    def get_index_view_kwargs(self, **kwargs):
        queryset = WireIngestRun.objects.select_related("source")
        return super().get_index_view_kwargs(queryset=queryset, **kwargs)


class WireViewSetGroup(ModelViewSetGroup):
    menu_label = "ニュース速報"
    menu_icon = "pick"
    menu_order = 230
    items = (WireItemViewSet, WireSourceViewSet, WireRunViewSet)


@hooks.register("register_admin_viewset")
def register_wire_viewsets():
    return WireViewSetGroup()


@hooks.register("register_page_header_buttons")
def wire_item_button(page, user, view_name, next_url=None):
    """On a promoted article's edit page, a link back to the wire item it came from."""
    if view_name != "edit" or not user.has_perm("wire.view_wireitem"):
        return
    item_id = WireItem.objects.filter(article_id=page.pk).values_list("pk", flat=True).first()
    if item_id:
        yield Button(
            "配信元の記事",
            url=reverse("wire_items:inspect", args=(item_id,)),
            icon_name="doc-full",
            priority=90,
        )
