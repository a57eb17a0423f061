"""Newsroom views: the rankings report and one article's views over the last 30 days."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from kisha.news.selectors import article_pages

from .backends import get_backend
from .charts import daily_views_chart
from .metrics import metrics_totals
from .selectors import article_daily_views, rankings_computed_at, rankings_get, today_top
from .windows import WINDOWS

CHART_DAYS = 30


def report(request):
    """人気ランキング in the admin: the three windows with view counts, today's top articles and
    the counters' health."""
    ranked = rankings_get()
    try:
        status = get_backend().status()
    except Exception as exc:  # the report must load even when the counter cannot say
        status = {"error": str(exc)}
    return TemplateResponse(
        request,
        "rankings/admin/report.html",
        {
            "windows": [(spec.label, ranked[key]) for key, spec in WINDOWS.items()],
            "today": today_top(),
            "computed_at": rankings_computed_at(),
            "metrics": metrics_totals(),
            "status": status,
        },
    )


def article_views(request, page_id: int):
    page = get_object_or_404(article_pages().defer_streamfields(), id=page_id)
    series = article_daily_views(page_id=page.id, days=CHART_DAYS)
    return TemplateResponse(
        request,
        "rankings/admin/article_views.html",
        {"page": page, "chart": daily_views_chart(series), "days": CHART_DAYS},
    )
