"""記事を取り消す: the editor's form for withdrawing a live article (news.services.article_kill)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from .forms import ArticleKillForm
from .models import ArticlePage
from .services import ArticleKillError, article_kill


def kill(request, page_id: int):
    page = get_object_or_404(ArticlePage.objects.defer_streamfields(), id=page_id)
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    form = ArticleKillForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            article_kill(
                article=page,
                user=request.user,
                reason=form.cleaned_data["reason"],
                show_notice=form.cleaned_data["show_notice"],
            )
        except ArticleKillError as exc:
            error = str(exc)
        else:
            messages.success(request, f"「{page.title}」を取り消しました。")
            return redirect("wagtailadmin_explore", page.get_parent().id)
    return TemplateResponse(
        request,
        "news/admin/kill.html",
        {"page": page, "form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )
