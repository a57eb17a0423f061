"""The newsroom dashboard: each panel shows what it says, to whom, in a fixed number of queries."""

import datetime as dt

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kisha.core.text import JST
from kisha.news.factories import ArticlePageFactory
from kisha.newsroom import selectors
from kisha.rankings.models import Ranking
from kisha.wire.models import WireItem, WireSource

pytestmark = pytest.mark.django_db


def _wire(source, n, **fields):
    values = {
        "source": source,
        "guid": f"urn:kisha:{n}",
        "guid_hash": f"{n:064d}",
        "version": 1,
        "content_hash": "x",
        "headline": f"速報 その{n}",
        "item_time": timezone.now() - dt.timedelta(minutes=n),
        **fields,
    }
    return WireItem.objects.create(**values)


def _submit(article, user):
    article.save_revision(user=user)
    article.get_workflow().start(article, user)


def test_my_drafts_lists_only_my_unpublished_work(world, writer, desk):
    mine = ArticlePageFactory(parent=world, owner=writer, live=False, title="自分の下書き記事")
    mine.save_revision(user=writer)
    ArticlePageFactory(parent=world, owner=desk, live=False, title="他人の下書き")
    ArticlePageFactory(parent=world, owner=writer, live=True, title="公開済み")
    ArticlePage = type(mine)
    ArticlePage.objects.filter(title="公開済み").update(has_unpublished_changes=False)
    assert [page.title for page in selectors.my_drafts(user=writer)] == ["自分の下書き記事"]


def test_awaiting_review_is_the_desks_queue_in_a_fixed_number_of_queries(world, writer, desk):
    for n in range(5):
        _submit(
            ArticlePageFactory(parent=world, owner=writer, live=False, title=f"審査{n}"), writer
        )
    with CaptureQueriesContext(connection) as queries:
        items = selectors.awaiting_review(user=desk)
        [item.submitted_by for item in items]
    assert [item.page.title for item in items] == [f"審査{n}" for n in range(5)]
    assert items[0].submitted_by == writer and items[0].task == "デスク確認"
    # The active tasks and their specific rows, the user's groups, the states, the pages.
    assert len(queries) <= 5
    assert selectors.awaiting_review(user=writer) == []


def test_scheduled_today_keeps_to_the_jst_day(world, desk):
    # 23:30 JST: 00:30 JST tomorrow is not today, though it is the same UTC day.
    now = dt.datetime(2026, 11, 29, 23, 30, tzinfo=JST)
    tonight = ArticlePageFactory(parent=world, live=False, title="今夜公開")
    tomorrow = ArticlePageFactory(parent=world, live=False, title="明日公開")
    for page, when in (
        (tonight, now + dt.timedelta(minutes=20)),
        (tomorrow, now + dt.timedelta(hours=1)),
    ):
        revision = page.save_revision(user=desk)
        revision.approved_go_live_at = when
        revision.save()
    with CaptureQueriesContext(connection) as queries:
        items = selectors.scheduled_today(now=now)
    assert [(item.page.title, item.go_live_at) for item in items] == [
        ("今夜公開", now + dt.timedelta(minutes=20))
    ]
    assert len(queries) == 2


def test_wire_to_promote_puts_urgent_first_and_skips_promoted_and_withheld(world):
    source = WireSource.objects.create(name="共同", format="ninjs", default_section=world)
    _wire(source, 1, urgency=5)
    _wire(source, 2, urgency=1)
    _wire(source, 3)
    _wire(source, 4, pubstatus="withheld")
    _wire(source, 5, article=ArticlePageFactory(parent=world))
    _wire(source, 6, item_time=timezone.now() - dt.timedelta(days=2))
    with CaptureQueriesContext(connection) as queries:
        items = selectors.wire_to_promote()
        [item.source.name for item in items]
    assert [item.headline for item in items] == ["速報 その2", "速報 その1", "速報 その3"]
    assert len(queries) == 1


def test_reading_now_follows_the_24_hour_ranking(world):
    a = ArticlePageFactory(parent=world, title="よく読まれた記事")
    b = ArticlePageFactory(parent=world, title="二番目の記事")
    Ranking.objects.create(
        window="24h", entries=[[a.id, 90], [b.id, 40]], computed_at=timezone.now()
    )
    ranked = selectors.reading_now()
    assert [(row.article.title, row.views) for row in ranked] == [
        ("よく読まれた記事", 90),
        ("二番目の記事", 40),
    ]


def test_the_dashboard_shows_the_panels_to_each_role(client, world, writer, desk, web):
    _submit(
        ArticlePageFactory(parent=world, owner=writer, live=False, title="審査を待つ記事"), writer
    )

    client.force_login(desk)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    for heading in (
        "確認待ち",
        "自分の下書き",
        "本日公開予定",
        "記事化を待つ速報",
        "いま読まれている記事",
    ):
        assert heading in html
    assert "審査を待つ記事" in html

    client.force_login(writer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "自分の下書き" in html and "審査を待つ記事" in html
    # Nothing for a writer to review, so no queue.
    assert "newsroom-awaiting-review" not in html


def test_the_dashboard_costs_a_fixed_number_of_queries(client, world, writer, desk):
    client.force_login(desk)
    client.get(reverse("wagtailadmin_home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("wagtailadmin_home"))
    for n in range(8):
        _submit(ArticlePageFactory(parent=world, owner=desk, live=False, title=f"記事{n}"), desk)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("wagtailadmin_home"))
    # Wagtail's own panels add a few for their rows; ours add none per row.
    assert len(many) - len(few) <= 6, [q["sql"][:120] for q in many]
