"""Newsroom views for mailings beyond Wagtail's generic ones: the control panel (preview,
progress, test send, schedule, send now, cancel) and the preview itself.

Every action is a POST that calls a service; errors come back as Japanese messages, never a 500.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View

from wagtail.admin.views.generic import InspectView

from kisha.core.text import JST, jst_datetime

from .addresses import AddressError, address_normalize
from .digest import MANAGE, UNSUBSCRIBE, mailing_compose, personalise
from .models import Mailing
from .selectors import list_subscriber_count, mailing_progress
from .sending import MailingStateError, mailing_cancel, mailing_schedule, mailing_test_send
from .tasks import mailing_send_task

logger = logging.getLogger("kisha.newsletter")


def _can_send(user) -> bool:
    return user.has_perm("newsletter.change_mailing")


class MailingInspectView(InspectView):
    template_name = "newsletter/admin/mailing_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mailing = self.object
        context.update(
            progress=mailing_progress(mailing=mailing),
            recipients=list_subscriber_count(newsletter=mailing.newsletter),
            preview_url=reverse("newsletter_mailings:preview", args=(mailing.pk,)),
            action_url=reverse("newsletter_mailings:action", args=(mailing.pk,)),
            can_send=_can_send(self.request.user),
            editable=mailing.state in (Mailing.State.DRAFT, Mailing.State.SCHEDULED),
            scheduled_label=jst_datetime(mailing.scheduled_at) if mailing.scheduled_at else "",
            user_email=self.request.user.email,
        )
        return context


class MailingPreviewView(View):
    """The HTML part as a reader would get it (frozen once sending started), links inert."""

    def get(self, request, pk):
        if not request.user.has_perm("newsletter.view_mailing"):
            raise PermissionDenied
        mailing = get_object_or_404(Mailing.objects.select_related("newsletter"), pk=pk)
        if mailing.body_html:
            html = mailing.body_html
        else:
            try:
                html = mailing_compose(mailing=mailing).html
            except Exception:
                logger.exception("newsletter: preview of mailing %s failed", pk)
                return HttpResponse("プレビューを作成できませんでした。", status=200)
        if request.GET.get("format") == "text":
            text = mailing.body_text or mailing_compose(mailing=mailing).text
            body = personalise(
                text, unsubscribe_url="(配信停止リンク)", manage_url="(配信設定リンク)"
            )
            return HttpResponse(body, content_type="text/plain; charset=utf-8")
        html = personalise(html, unsubscribe_url="#", manage_url="#")
        response = HttpResponse(html)
        response["Cache-Control"] = "private, no-store"
        return response


def parse_jst(value: str) -> dt.datetime | None:
    """`2026-12-01T07:00` from a datetime-local input, read as JST."""
    try:
        naive = dt.datetime.fromisoformat(value.strip()[:16])
    except (ValueError, AttributeError):
        return None
    if naive.tzinfo is not None:
        return None
    return naive.replace(tzinfo=JST)


class MailingActionView(View):
    """test / schedule / send / cancel."""

    def post(self, request, pk):
        if not _can_send(request.user):
            raise PermissionDenied
        mailing = get_object_or_404(Mailing.objects.select_related("newsletter"), pk=pk)
        action = request.POST.get("action", "")
        back = redirect("newsletter_mailings:inspect", pk=mailing.pk)
        try:
            if action == "test":
                try:
                    address = address_normalize(request.POST.get("email") or request.user.email)
                except AddressError as exc:
                    messages.error(request, f"テスト送信先: {exc}")
                    return back
                try:
                    mailing_test_send(mailing=mailing, email=address)
                except Exception as exc:
                    messages.error(
                        request,
                        f"テスト送信に失敗しました（{type(exc).__name__}）。メールサーバーの設定を確認してください。",
                    )
                    return back
                messages.success(request, f"{address} にテスト送信しました。")
            elif action == "schedule":
                when = parse_jst(request.POST.get("when", ""))
                if when is None:
                    messages.error(
                        request, "配信日時を「2026-12-01 07:00」の形で入力してください。"
                    )
                    return back
                if when < timezone.now() - dt.timedelta(minutes=1):
                    messages.error(request, "過去の日時には予約できません。")
                    return back
                mailing_schedule(mailing=mailing, when=when)
                messages.success(request, f"{jst_datetime(when)}に配信を予約しました。")
            elif action == "send":
                if mailing.state not in (Mailing.State.DRAFT, Mailing.State.SCHEDULED):
                    raise MailingStateError("この配信はすでに送信を始めています。")
                mailing_schedule(mailing=mailing, when=timezone.now())
                mailing_send_task.enqueue(mailing_id=mailing.pk)
                messages.success(request, "配信を開始しました。進み具合はこの画面で確認できます。")
            elif action == "cancel":
                mailing_cancel(mailing=mailing)
                messages.success(request, "配信を中止しました。")
            else:
                messages.error(request, "不明な操作です。")
        except MailingStateError as exc:
            messages.error(request, str(exc))
        return back


__all__ = ["MailingInspectView", "MailingPreviewView", "MailingActionView", "UNSUBSCRIBE", "MANAGE"]
