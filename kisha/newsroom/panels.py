"""The newsroom dashboard: five panels on Wagtail's admin home (construct_homepage_panels)."""

from __future__ import annotations

from django.template.loader import get_template

from wagtail.admin.ui.components import Component

from . import selectors


class NewsroomPanel(Component):
    heading = ""
    panel_id = ""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["request"] = parent_context["request"]
        context["heading"] = self.heading
        context["panel_id"] = self.panel_id
        return context


class MyDraftsPanel(NewsroomPanel):
    name = "newsroom_my_drafts"
    order = 90
    heading = "自分の下書き"
    panel_id = "newsroom-my-drafts"
    template_name = "newsroom/panels/my_drafts.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["drafts"] = selectors.my_drafts(user=context["request"].user)
        return context


class AwaitingReviewPanel(NewsroomPanel):
    name = "newsroom_awaiting_review"
    order = 80
    heading = "確認待ち"
    panel_id = "newsroom-awaiting-review"
    template_name = "newsroom/panels/awaiting_review.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["items"] = selectors.awaiting_review(user=context["request"].user)
        return context

    def render_html(self, parent_context=None):
        # Shown only to those who review: an empty queue is news only to the desk.
        context = self.get_context_data(parent_context)
        if not context["items"]:
            return ""
        return get_template(self.template_name).render(context)


class ScheduledTodayPanel(NewsroomPanel):
    name = "newsroom_scheduled_today"
    order = 95
    heading = "本日公開予定"
    panel_id = "newsroom-scheduled-today"
    template_name = "newsroom/panels/scheduled_today.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["items"] = selectors.scheduled_today()
        return context


class WireToPromotePanel(NewsroomPanel):
    name = "newsroom_wire_to_promote"
    order = 100
    heading = "記事化を待つ速報"
    panel_id = "newsroom-wire-to-promote"
    template_name = "newsroom/panels/wire_to_promote.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["items"] = selectors.wire_to_promote()
        return context


class ReadingNowPanel(NewsroomPanel):
    name = "newsroom_reading_now"
    order = 110
    heading = "いま読まれている記事"
    panel_id = "newsroom-reading-now"
    template_name = "newsroom/panels/reading_now.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["ranked"] = selectors.reading_now()
        return context
