"""The newsroom side: dashboard panel, report, per-article chart, commands and tasks."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest

from django.core.management import call_command
from django.utils import timezone

from kisha.rankings.backends.base import jst_hour
from kisha.rankings.charts import daily_views_chart, nice_ceiling
from kisha.rankings.models import HourlyViews, Ranking
from kisha.rankings.selectors import article_daily_views

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")


@pytest.fixture
def admin_client(client, editor):
    client.force_login(editor)
    return client


def test_the_dashboard_shows_todays_top_articles(admin_client, articles):
    now = timezone.now()
    HourlyViews.objects.create(page_id=articles[2].id, hour=jst_hour(now), views=40)
    HourlyViews.objects.create(page_id=articles[5].id, hour=jst_hour(now), views=12)
    html = admin_client.get("/admin/").content.decode()
    assert "今日よく読まれている記事" in html
    assert html.index(articles[2].title) < html.index(articles[5].title)
    assert f"/admin/rankings/{articles[2].id}/" in html


def test_the_chart_draws_thirty_days_from_the_hourly_table(admin_client, articles):
    page = articles[0]
    now = timezone.now()
    HourlyViews.objects.create(page_id=page.id, hour=jst_hour(now), views=7)
    HourlyViews.objects.create(page_id=page.id, hour=jst_hour(now) - dt.timedelta(hours=1), views=3)
    HourlyViews.objects.create(page_id=page.id, hour=jst_hour(now) - dt.timedelta(days=3), views=5)
    HourlyViews.objects.create(
        page_id=page.id, hour=jst_hour(now) - dt.timedelta(days=40), views=99
    )
    response = admin_client.get(f"/admin/rankings/{page.id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<rect ") == 30
    assert "合計 15 回" in html
    assert "<svg" in html and 'role="img"' in html
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', html)]
    assert max(heights) > 0
    series = article_daily_views(page_id=page.id, now=now)
    assert len(series) == 30
    assert sum(v for _, v in series) == 15


def test_the_chart_of_a_missing_article_is_404(admin_client, db):
    assert admin_client.get("/admin/rankings/999999/").status_code == 404


def test_the_report_lists_windows_and_counters(admin_client, articles):
    Ranking.objects.create(window="24h", entries=[[articles[1].id, 33]], computed_at=timezone.now())
    html = admin_client.get("/admin/rankings/").content.decode()
    assert articles[1].title in html
    assert "redis_fallback" in html
    assert "backend" in html


def test_newsroom_pages_need_a_login(client, articles):
    for url in ("/admin/rankings/", f"/admin/rankings/{articles[0].id}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_the_article_editor_links_to_the_chart(admin_client, articles):
    html = admin_client.get(f"/admin/pages/{articles[0].id}/edit/").content.decode()
    assert f"/admin/rankings/{articles[0].id}/" in html


def test_nice_ceiling_and_chart_geometry():
    assert [nice_ceiling(v) for v in (0, 1, 7, 10, 11, 240, 999)] == [10, 1, 10, 10, 20, 500, 1000]
    days = [(dt.date(2026, 11, d), v) for d, v in ((1, 0), (2, 50), (3, 100))]
    chart = daily_views_chart(days)
    assert [bar["h"] for bar in chart["bars"]][0] == 0
    assert chart["bars"][2]["y"] < chart["bars"][1]["y"]
    assert chart["total"] == 150


def test_status_command_reports_backend_and_counters(db_counter, articles, capsys):
    db_counter.record(
        page_id=articles[0].id, reader=uuid.uuid4().hex, address="a", now=timezone.now()
    )
    call_command("rankings_status", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["status"]["backend"] == "database"
    assert data["status"]["buffered_views"] == 1
    assert set(data["metrics"]) >= {"counted", "redis_fallback", "dropped", "bot"}
    call_command("rankings_status")
    assert "backend: database" in capsys.readouterr().out


def test_fold_command_and_tasks_run_the_services(db_counter, articles, capsys):
    from kisha.rankings.tasks import fold_views, prune_views, refresh_rankings

    now = timezone.now()
    for _ in range(3):
        db_counter.record(page_id=articles[4].id, reader=uuid.uuid4().hex, address="a", now=now)
    call_command("rankings_fold")
    assert "folded 3 views" in capsys.readouterr().out
    assert Ranking.objects.get(window="24h").entries == [[articles[4].id, 3]]
    db_counter.record(page_id=articles[4].id, reader=uuid.uuid4().hex, address="a", now=now)
    assert fold_views.enqueue().return_value == 1
    assert refresh_rankings.enqueue().return_value == 3
    assert prune_views.enqueue().return_value == 0


def test_the_scheduler_knows_the_periodic_jobs():
    from kisha.core.management.commands.kisha_scheduler import periodic_tasks

    jobs = periodic_tasks()
    assert jobs["kisha.rankings.tasks.refresh_rankings"] <= 60
    assert "kisha.rankings.tasks.fold_views" in jobs


def test_chart_gridlines_are_whole_numbers():
    for peak in (1, 2, 7, 40, 99, 1234):
        chart = daily_views_chart([(dt.date(2026, 11, 1), peak)])
        values = [line["value"] for line in chart["grid"]]
        assert values[0] == 0 and values[-1] >= peak
        steps = {b - a for a, b in zip(values, values[1:], strict=False)}
        assert len(steps) == 1  # evenly spaced whole numbers
