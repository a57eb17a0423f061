"""Reads: the stored rankings with their articles, and view series for the newsroom."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from kisha.core.text import JST, to_jst
from kisha.news.selectors import article_cards, article_pages

from .models import HourlyViews, Ranking
from .windows import WINDOWS

SHOWN = 10


@dataclass(frozen=True)
class RankedArticle:
    rank: int
    article: object  # kisha.news.models.ArticlePage
    views: int


def rankings_get(*, limit: int = SHOWN) -> dict[str, list[RankedArticle]]:
    """Each window's top articles, in two queries whatever the number of windows: the stored
    rankings, then their articles through the news listing rules (so an article unpublished or
    restricted since the last refresh drops out at once)."""
    stored = {r.window: r.entries for r in Ranking.objects.filter(window__in=list(WINDOWS))}
    ids = {page_id for entries in stored.values() for page_id, _ in entries}
    articles = (
        {a.id: a for a in article_cards().prefetch_related(None).filter(id__in=ids)} if ids else {}
    )
    result: dict[str, list[RankedArticle]] = {}
    for key in WINDOWS:
        ranked: list[RankedArticle] = []
        for page_id, views in stored.get(key, []):
            article = articles.get(page_id)
            if article is None:
                continue
            ranked.append(RankedArticle(rank=len(ranked) + 1, article=article, views=views))
            if len(ranked) >= limit:
                break
        result[key] = ranked
    return result


def rankings_computed_at() -> dt.datetime | None:
    return Ranking.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()


def article_daily_views(
    *, page_id: int, days: int = 30, now: dt.datetime | None = None
) -> list[tuple[dt.date, int]]:
    """Views per JST day for the last `days` days (today included), zeros filled in, read from
    the hourly table."""
    now = now or timezone.now()
    today = to_jst(now).date()
    first = today - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=JST)
    per_day: dict[dt.date, int] = defaultdict(int)
    for hour, views in HourlyViews.objects.filter(page_id=page_id, hour__gte=start).values_list(
        "hour", "views"
    ):
        per_day[to_jst(hour).date()] += views
    return [
        (first + dt.timedelta(days=n), per_day[first + dt.timedelta(days=n)]) for n in range(days)
    ]


def today_top(*, now: dt.datetime | None = None, limit: int = 10) -> list[dict]:
    """Today's (JST) most-read articles from the folded hourly counts, with any status: the
    newsroom wants to see a page that was read and then unpublished too."""
    now = now or timezone.now()
    start = dt.datetime.combine(to_jst(now).date(), dt.time(), tzinfo=JST)
    rows = list(
        HourlyViews.objects.filter(hour__gte=start)
        .values("page_id")
        .annotate(total=Sum("views"))
        .order_by("-total", "-page_id")
        .values_list("page_id", "total")[:limit]
    )
    pages = article_pages().defer_streamfields().in_bulk([page_id for page_id, _ in rows])
    return [
        {"rank": n, "page": pages[page_id], "views": total}
        for n, (page_id, total) in enumerate(((p, t) for p, t in rows if p in pages), start=1)
    ]
