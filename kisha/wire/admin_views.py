"""Newsroom admin views beyond Wagtail's generic ones: an item with its versions and actions
(記事化, banner pin/dismiss), a source with its recent runs and 今すぐ取得, a run with its errors.

Every action is a POST that calls a service; the views only check permissions and redirect.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms.utils import flatatt
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views import View

from wagtail.admin.ui.tables import Column, Table
from wagtail.admin.views.generic import EditView, IndexView, InspectView
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy

from kisha.core.phrases import truncate_phrases
from kisha.core.text import jst_datetime
from kisha.wire.desk import (
    SEARCH_COUNT_CAP,
    BoundedPaginator,
    WireItemFilterSet,
    desk_search,
    filter_problem,
    search_problem,
    search_window,
    version_counts,
)
from kisha.wire.models import BannerState, WireItem, WireSource
from kisha.wire.providers.common import sanitize_html
from kisha.wire.selectors import picture_usage_terms, wire_item_pictures, wire_item_versions
from kisha.wire.services import (
    WirePromoteError,
    wire_clear_cache,
    wire_item_promote,
    wire_item_set_banner,
    wire_source_poll,
)


class IngestOnlyPermissionPolicy(ModelPermissionPolicy):
    """Rows that only ingest creates: nobody adds them by hand, and nobody deletes them
    (a deleted item would come back as new on the next poll)."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ReadOnlyPermissionPolicy(IngestOnlyPermissionPolicy):
    def user_has_permission(self, user, action):
        if action == "change":
            return False
        return super().user_has_permission(user, action)


def _can_change_items(user) -> bool:
    return user.has_perm("wire.change_wireitem")


class JSTInspectView(InspectView):
    """Times in JST the way the site writes them, はい/いいえ, and a dash for what is empty."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "-"
        if isinstance(value, dt.datetime):
            return jst_datetime(value)
        if isinstance(value, bool):
            return "はい" if value else "いいえ"
        return value


class WireItemInspectView(JSTInspectView):
    template_name = "wire/admin/item_inspect.html"

    def get_body_html_display_value(self):
        # Sanitised at ingest; cleaned again because it is about to be rendered as HTML.
        return mark_safe(sanitize_html(self.object.body_html)) or "-"  # noqa: S308

    def get_link_display_value(self):
        link = self.object.link
        return (
            format_html('<a href="{}" rel="noopener noreferrer">{}</a>', link, link)
            if link
            else "-"
        )

    def get_article_display_value(self):
        article = self.object.article
        if article is None:
            return "-"
        url = reverse("wagtailadmin_pages:edit", args=(article.pk,))
        state = "公開中" if article.live else "下書き"
        return format_html('<a href="{}">{}</a>({})', url, article.title, state)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.object
        context["versions"] = wire_item_versions(item=item)
        context["story_pictures"] = wire_item_pictures(item=item)
        context["can_act"] = _can_change_items(self.request.user)
        context["promote_url"] = reverse("wire_items:promote", args=(item.pk,))
        context["banner_actions"] = [
            (reverse("wire_items:banner", args=(item.pk, state)), label)
            for state, label in (
                (BannerState.PINNED, "速報バナーに固定"),
                (BannerState.DISMISSED, "速報バナーに出さない"),
                (BannerState.AUTO, "バナーを自動に戻す"),
            )
            if state != item.banner
        ]
        return context


class PlainColumn(Column):
    """A cell written with format_html instead of a template include: the desk renders 400
    cells a page, and Django's template engine spent ~3 ms on each (most of a page view)."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return format_html("<td>{}</td>", "" if value is None else value)


class HeadlineColumn(PlainColumn):
    """The headline, linking to the item view (versions, 記事化, banner), without Wagtail's
    per-row actions menu: every action the desk takes is on the item view. An item whose agency
    set usage terms says so under the headline, with the terms (cut) as the text."""

    def render_cell_html(self, instance, parent_context):
        url = reverse("wire_items:inspect", args=(instance.pk,))
        terms = ""
        if instance.usage_terms:
            terms = format_html(
                '<br><small class="w-text-critical-200" data-wire-usage-terms>利用条件: {}</small>',
                truncate_phrases(instance.usage_terms, 80),
            )
        return format_html(
            '<td class="title"><div class="title-wrapper"><a href="{}">{}</a>{}</div></td>',
            url,
            instance.headline,
            terms,
        )


class JSTColumn(PlainColumn):
    """A time as the site writes it in JST: 2026年11月29日(日)15時00分."""

    def get_value(self, instance):
        return jst_datetime(super().get_value(instance))


class VersionsColumn(PlainColumn):
    """第N版 and how many versions were kept, linking to the item's version history."""

    def render_cell_html(self, instance, parent_context):
        url = reverse("wire_items:inspect", args=(instance.pk,)) + "#versions"
        kept = getattr(instance, "versions_kept", 0)
        return format_html(
            '<td><a href="{}" title="版の履歴を見る">第{}版</a>{}</td>',
            url,
            instance.version,
            format_html("<br><small>{}版を保存</small>", kept) if kept > 1 else "",
        )


class PromotedColumn(PlainColumn):
    def get_value(self, instance):
        if instance.article_id is None:
            return ""
        return "記事化済み" + ("(公開中)" if instance.article.live else "(下書き)")


class DeskTable(Table):
    """Wagtail's listing table written in Python: its template renders every cell through a
    ``{% component %}`` tag, 400 template tags a page, which was most of a desk page's time.
    The headers still use Wagtail's header template (sort links); the markup is the same."""

    class Media:
        css = {"all": ("wire/desk.css",)}

    def render_html(self, parent_context=None):
        context = {"table": self, "request": (parent_context or {}).get("request")}
        columns = list(self.columns.values())
        caption = self.get_caption()
        header = mark_safe("".join(column.render_header_html(context) for column in columns))  # noqa: S308
        rows = format_html_join(
            "",
            "<tr{}>{}</tr>",
            (
                (
                    flatatt(self.get_row_attrs(instance)),
                    mark_safe(  # noqa: S308 (each cell is built with format_html)
                        "".join(column.render_cell_html(instance, context) for column in columns)
                    ),
                )
                for instance in self.data
            ),
        )
        return format_html(
            "<table{}>{}<thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
            flatatt(self.attrs),
            format_html('<caption class="w-sr-only">{}</caption>', caption) if caption else "",
            header,
            rows,
        )


class WireItemIndexView(IndexView):
    """The wire desk at volume (kisha.wire.desk): indexed filters, a bounded search, a
    bounded count, newest first (the only order an index serves at a million rows), times in
    JST, and each row's version count linking to its history. A headline opens the item view
    (versions, 記事化), not the small edit form."""

    paginator_class = BoundedPaginator
    table_class = DeskTable
    results_template_name = "wire/admin/item_results.html"
    filterset_class = WireItemFilterSet
    default_ordering = "-item_time"

    @cached_property
    def columns(self):
        return [
            HeadlineColumn("headline", label="見出し"),
            PlainColumn("source", label="配信元"),
            PlainColumn("section", label="セクション"),
            PlainColumn("urgency", label="緊急度"),
            PlainColumn("pubstatus", accessor="get_pubstatus_display", label="配信状態"),
            VersionsColumn("version", label="版"),
            JSTColumn("item_time", label="日時(JST)", sort_key="item_time"),
            PromotedColumn("article", label="記事化"),
        ]

    def get_valid_orderings(self):
        return ["item_time", "-item_time"]

    def order_queryset(self, queryset):
        direction = "" if self.ordering == "item_time" else "-"
        return queryset.order_by(f"{direction}item_time", f"{direction}id")

    @cached_property
    def input_problem(self) -> str:
        problem = filter_problem(self.filters) if self.filters and self.filters.is_bound else ""
        form = self.search_form
        if not problem and form is not None and form.is_bound:
            if not form.is_valid():  # Django refuses NUL characters in any text field
                problem = "検索語に使えない制御文字が含まれています。"
            elif self.search_query:
                problem = search_problem(self.search_query)
        return problem

    def filter_queryset(self, queryset):
        if self.input_problem:
            # Bad input lists nothing (with the reason), rather than everything unfiltered.
            return queryset.none()
        return super().filter_queryset(queryset)

    def search_queryset(self, queryset):
        if not self.is_searching or self.input_problem:
            return queryset
        return desk_search(queryset, self.search_query)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        if self.is_searching and not self.input_problem:
            paginator.cap = SEARCH_COUNT_CAP
        return paginator

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, has_other = super().paginate_queryset(queryset, page_size)
        rows = list(object_list)
        kept = version_counts([row.pk for row in rows])
        for row in rows:
            row.versions_kept = kept.get(row.pk, 0)
        page.object_list = rows
        return paginator, page, rows, has_other

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["input_problem"] = self.input_problem
        context["search_window"] = search_window()
        return context


class WireItemEditView(EditView):
    """Editors may correct an item's section or banner state; the ticker must show it at once."""

    def save_instance(self):
        instance = super().save_instance()
        wire_clear_cache()
        return instance


class PromoteView(View):
    """記事化: create (or reopen) the draft article and go to its edit page."""

    def post(self, request, pk):
        item = get_object_or_404(WireItem.objects.select_related("source", "section"), pk=pk)
        if not _can_change_items(request.user):
            raise PermissionDenied
        section = item.section or item.source.default_section
        if section is not None and not section.permissions_for_user(request.user).can_add_subpage():
            raise PermissionDenied
        try:
            page = wire_item_promote(item=item, editor=request.user)
        except WirePromoteError as exc:
            messages.error(request, str(exc))
            return redirect("wire_items:inspect", pk=item.pk)
        messages.success(request, f"下書き記事「{page.title}」を作成しました。")
        # A picture's usage terms travel with it: the editor who places it is told here.
        for terms in picture_usage_terms(item=item):
            messages.warning(request, f"写真の利用条件: {terms}")
        return redirect("wagtailadmin_pages:edit", page.pk)


class BannerView(View):
    def post(self, request, pk, state):
        if not _can_change_items(request.user):
            raise PermissionDenied
        if state not in BannerState.values:
            raise PermissionDenied
        item = get_object_or_404(WireItem, pk=pk)
        wire_item_set_banner(item=item, state=state)
        messages.success(request, f"速報バナー: {BannerState(state).label}")
        return redirect("wire_items:inspect", pk=item.pk)


class WireSourceInspectView(JSTInspectView):
    template_name = "wire/admin/source_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["runs"] = self.object.runs.order_by("-started_at", "-id")[:20]
        context["errors"] = self.object.ingest_errors.order_by("-created_at", "-id")[:50]
        context["poll_url"] = reverse("wire_sources:poll", args=(self.object.pk,))
        context["can_poll"] = self.request.user.has_perm("wire.change_wiresource")
        return context


class WireSourceEditView(EditView):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        url = reverse("wire_sources:inspect", args=(self.object.pk,))
        buttons.append(Button("取得状況・今すぐ取得", url=url, icon_name="download", priority=5))
        return buttons


class PollView(View):
    """今すぐ取得: poll one source now and report its counts."""

    def post(self, request, pk):
        if not request.user.has_perm("wire.change_wiresource"):
            raise PermissionDenied
        source = get_object_or_404(WireSource, pk=pk)
        summary = wire_source_poll(source=source)
        if summary.failed_documents:
            messages.error(request, f"取得に失敗しました: {summary.message}")
        elif summary.not_modified:
            messages.success(request, "フィードは前回から更新されていません。")
        elif summary.message:
            messages.warning(request, summary.message)
        else:
            messages.success(request, f"取得しました: {summary.as_japanese()}")
        return redirect("wire_sources:inspect", pk=source.pk)


class WireRunInspectView(JSTInspectView):
    template_name = "wire/admin/run_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["error_rows"] = self.object.error_rows.order_by("position", "id")[:500]
        return context
