"""The メールマガジン menu: 配信 (mailings: write, preview, test, schedule, send, progress),
メールマガジン (lists) and 購読者 (subscribers)."""

from django.urls import path

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from . import admin_views
from .models import Mailing, NewsletterList, Subscriber


class MailingViewSet(ModelViewSet):
    model = Mailing
    icon = "mail"
    menu_label = "配信"
    url_prefix = "newsletter/mailings"
    name = "newsletter_mailings"
    list_display = ["subject", "newsletter", "state", "scheduled_at", "started_at", "finished_at"]
    list_filter = ["newsletter", "state"]
    search_fields = ["subject"]
    search_backend_name = None
    form_fields = ["newsletter", "subject", "intro"]
    inspect_view_enabled = True
    inspect_view_class = admin_views.MailingInspectView
    inspect_view_fields = ["newsletter", "subject", "intro", "created_at"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("preview/<int:pk>/", admin_views.MailingPreviewView.as_view(), name="preview"),
            path("action/<int:pk>/", admin_views.MailingActionView.as_view(), name="action"),
        ]


class NewsletterListViewSet(ModelViewSet):
    model = NewsletterList
    icon = "list-ul"
    menu_label = "メールマガジン"
    url_prefix = "newsletter/lists"
    name = "newsletter_lists"
    list_display = ["name", "schedule", "sender_email", "in_sidebar", "active"]
    search_backend_name = None
    form_fields = [
        "name",
        "slug",
        "description",
        "schedule",
        "send_time",
        "weekday",
        "sender_name",
        "sender_email",
        "in_sidebar",
        "active",
        "sort_order",
    ]


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    icon = "user"
    menu_label = "購読者"
    url_prefix = "newsletter/subscribers"
    name = "newsletter_subscribers"
    list_display = ["email", "status", "created_at", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    search_backend_name = None
    form_fields = ["status"]
    list_per_page = 50


class NewsletterViewSetGroup(ModelViewSetGroup):
    menu_label = "メールマガジン"
    menu_icon = "mail"
    menu_order = 240
    items = (MailingViewSet, NewsletterListViewSet, SubscriberViewSet)


@hooks.register("register_admin_viewset")
def register_newsletter_viewsets():
    return NewsletterViewSetGroup()
