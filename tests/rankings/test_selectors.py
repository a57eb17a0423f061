"""The ranking windows, what may appear in them, the JSON and the sidebar block."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kisha.core.text import display_width
from kisha.news.factories import ArticlePageFactory
from kisha.rankings.backends.base import Batch, jst_hour
from kisha.rankings.models import Ranking
from kisha.rankings.selectors import rankings_get
from kisha.rankings.services import batch_apply, rankings_refresh
from tests.html import unphrase

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 3, 30, tzinfo=dt.UTC)  # 12:30 JST


def views(page, count, *, ago: dt.timedelta = dt.timedelta(0), now=NOW):
    """Fold `count` views `ago` before `now`, as the periodic fold would."""
    batch_apply(batch=Batch(id=uuid.uuid4().hex, rows=[(page.id, jst_hour(now - ago), count)]))


def ids(window: str) -> list[int]:
    return [item.article.id for item in rankings_get()[window]]


def test_windows_rank_by_views_within_their_period(articles):
    a, b, c = articles[:3]
    views(a, 5)
    views(b, 9, ago=dt.timedelta(days=2))
    views(c, 20, ago=dt.timedelta(days=10))
    rankings_refresh(now=NOW)
    assert ids("24h") == [a.id]
    assert ids("week") == [b.id, a.id]
    assert ids("month") == [c.id, b.id, a.id]


def test_the_24_hour_window_rolls_by_the_hour(articles):
    a, b = articles[:2]
    views(a, 3, ago=dt.timedelta(hours=23))
    views(b, 3, ago=dt.timedelta(hours=24))
    rankings_refresh(now=NOW)
    assert ids("24h") == [a.id]


def test_top_ten_with_ties_broken_by_the_newer_article(articles):
    for n, page in enumerate(articles):
        views(page, 50 if n < 4 else n)  # articles 0–3 tie on 50 views
    rankings_refresh(now=NOW)
    ranked = ids("24h")
    assert len(ranked) == 10
    assert ranked[:4] == sorted((p.id for p in articles[:4]), reverse=True)
    assert ranked[4:] == [p.id for p in reversed(articles[4:])][:6]
    # the same data always gives the same order
    rankings_refresh(now=NOW)
    assert ids("24h") == ranked


def test_drafts_unpublished_private_scheduled_and_deleted_articles_never_rank(
    articles, world, home
):
    from wagtail.models import PageViewRestriction

    draft = ArticlePageFactory(parent=world, title="下書きの記事", live=False)
    scheduled = ArticlePageFactory(parent=world, title="解禁前の記事", live=False)
    scheduled.go_live_at = timezone.now() + dt.timedelta(days=1)
    scheduled.save_revision().publish()  # a future go-live time schedules instead of publishing
    private = ArticlePageFactory(parent=world, title="限定公開の記事")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    unpublished, deleted, shown = articles[:3]
    for n, page in enumerate([draft, scheduled, private, unpublished, deleted, shown]):
        views(page, 100 - n)
    unpublished.unpublish()
    deleted_id = deleted.id
    deleted.delete()
    rankings_refresh(now=NOW)
    assert ids("24h") == [shown.id]
    assert deleted_id not in [e[0] for e in Ranking.objects.get(window="24h").entries]


def test_an_article_unpublished_after_the_refresh_drops_out_at_once(articles):
    a, b = articles[:2]
    views(a, 9)
    views(b, 5)
    rankings_refresh(now=NOW)
    a.unpublish()
    assert ids("24h") == [b.id]


def test_rankings_cost_a_fixed_number_of_queries(articles):
    from kisha.core.memo import memo_scope
    from kisha.news.selectors import restricted_paths

    for n, page in enumerate(articles[:2]):
        views(page, n + 1)
    rankings_refresh(now=NOW)
    with memo_scope():  # as in a request, after its first lookup
        restricted_paths()
        with CaptureQueriesContext(connection) as few:
            rankings_get()
    for n, page in enumerate(articles):
        views(page, n + 1, ago=dt.timedelta(hours=1))
    rankings_refresh(now=NOW)
    with memo_scope():
        restricted_paths()
        with CaptureQueriesContext(connection) as many:
            result = rankings_get()
    assert len(result["24h"]) == 10
    assert len(many) == len(few) == 2


def test_rankings_json(client, settings, articles):
    views(articles[0], 7)
    rankings_refresh(now=NOW)
    response = client.get("/api/rankings/?window=24h")
    assert response.status_code == 200
    data = response.json()
    assert data["window"] == "24h"
    assert data["label"] == "24時間"
    assert [a["id"] for a in data["articles"]] == [articles[0].id]
    first = data["articles"][0]
    assert first["rank"] == 1
    assert first["short_title"] == articles[0].card_title
    assert first["url"] == f"{settings.KISHA_SITE_URL}/world/boj-0/"  # the one host (core/sites)
    assert "views" not in first  # counts stay in the newsroom
    assert "public" in response["Cache-Control"]
    for window in ("week", "month"):
        assert client.get(f"/api/rankings/?window={window}").json()["window"] == window


@pytest.mark.parametrize("window", ["day", "", "24H", "' OR 1=1 --", "week" * 100, "月間"])
def test_rankings_json_refuses_an_unknown_window(client, db, window):
    response = client.get("/api/rankings/", {"window": window})
    assert response.status_code == 400
    assert "window" in response.json()["error"]


def test_rankings_json_is_read_only(client, db):
    assert client.post("/api/rankings/?window=24h").status_code == 405
    assert client.post("/fragments/rankings/").status_code == 405


def test_the_fragment_has_three_plain_lists_with_cut_titles(client, settings, articles):
    settings.KISHA_RANKINGS_CUT_WIDTH = 28
    for n, page in enumerate(articles):
        views(page, 100 - n)
    rankings_refresh(now=NOW)
    response = client.get("/fragments/rankings/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-rankings-panel") == 3
    assert [t for t in re.findall(r'<h3 class="rankings__title">(.*?)</h3>', html)] == [
        "24時間",
        "週間",
        "月間",
    ]
    assert html.count('<li class="rankings__item">') == 30
    assert "<script" not in html  # the lists work without JavaScript
    shown = re.findall(r'<span class="rankings__headline">(.*?)</span>\s*</a>', html, re.S)
    first = shown[:10]
    for n, headline in enumerate(first[:5]):
        # Ranks 1–5: the whole headline, as the reference page shows it, set by phrase.
        assert '<span class="phrases">' in headline and "<wbr>" in headline
        assert re.sub(r"<[^>]+>", "", headline) == articles[n].title
    for headline in first[5:]:
        cut = re.search(
            r'<span aria-hidden="true">(.*?)</span><span class="visually-hidden">', headline
        )
        cut = re.sub(r"<[^>]+>", "", cut.group(1))
        assert cut.endswith("…")
        assert display_width(cut) <= 28
    assert "public" in response["Cache-Control"]


def test_the_sidebar_shows_the_block_on_article_pages(client, articles):
    views(articles[3], 9)
    rankings_refresh(now=NOW)
    html = client.get(articles[0].url).content.decode()
    assert "人気ランキング" in html
    assert articles[3].title in unphrase(html)
    assert "rankings/rankings.js" in html
    assert f'data-rankings-page="{articles[0].id}"' in html
    assert "rankings/beacon.js" in html


def test_the_sidebar_block_is_absent_before_any_ranking_exists(client, article):
    html = client.get(article.url).content.decode()
    assert 'class="rankings"' not in html
    assert "rankings/beacon.js" in html


def test_the_fragment_is_cached_and_refreshed(client, articles):
    views(articles[0], 5)
    rankings_refresh(now=NOW)
    first = client.get("/fragments/rankings/").content.decode()
    views(articles[1], 50)
    assert client.get("/fragments/rankings/").content.decode() == first  # cached
    rankings_refresh(now=NOW)  # a refresh clears it
    assert articles[1].title in unphrase(client.get("/fragments/rankings/").content)


def test_json_payload_is_valid_utf8_japanese(client, articles):
    views(articles[0], 1)
    rankings_refresh(now=NOW)
    raw = client.get("/api/rankings/?window=month").content
    assert "日銀".encode() in raw
    assert json.loads(raw)["articles"]


def test_running_totals_always_equal_the_sums(articles):
    """Fold views at random hours while time moves on by hours and days: after every refresh the
    running totals give the same ranking as summing the durable tables."""
    import random

    from kisha.rankings.services import ranking_candidates_by_sum
    from kisha.rankings.totals import totals_top

    rng = random.Random(7)
    now = NOW
    for step in range(40):
        for _ in range(rng.randint(1, 6)):
            page = rng.choice(articles)
            views(page, rng.randint(1, 9), ago=dt.timedelta(hours=rng.randint(0, 24 * 35)), now=now)
        rankings_refresh(now=now)
        for window in ("24h", "week", "month"):
            by_sum = ranking_candidates_by_sum(window=window, now=now, limit=100)
            assert totals_top(window=window, limit=100) == by_sum, (step, window)
        now += dt.timedelta(hours=rng.choice([0, 1, 3, 7, 25]))
    # a clock that jumps back rebuilds instead of going wrong
    rankings_refresh(now=NOW)
    for window in ("24h", "week", "month"):
        assert totals_top(window=window, limit=100) == ranking_candidates_by_sum(
            window=window, now=NOW, limit=100
        )
