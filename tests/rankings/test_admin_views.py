"""The newsroom side: dashboard panel, report, per-article chart, commands and tasks."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kisha.rankings.backends.base import jst_hour
from kisha.rankings.charts import daily_views_chart, nice_ceiling
from kisha.rankings.factories import HourlyViewsFactory, RankingFactory
from kisha.rankings.models import Ranking
from kisha.rankings.selectors import article_daily_views

from .conftest import send

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
    HourlyViewsFactory(page_id=articles[2].id, hour=jst_hour(now), views=40)
    HourlyViewsFactory(page_id=articles[5].id, hour=jst_hour(now), views=12)
    html = admin_client.get("/admin/").content.decode()
    assert "今日よく読まれている記事" in html
    assert html.index(articles[2].title) < html.index(articles[5].title)
    assert f"/admin/rankings/{articles[2].id}/" in html


WEEKDAYS = "月火水木金土日"

BAR = re.compile(
    r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#b0001e">'
    r"<title>([^<]*)：(\d+)回</title></rect>"
)


def test_the_chart_draws_thirty_days_from_the_hourly_table(admin_client, articles):
    page = articles[0]
    now = timezone.now()
    today = jst_hour(now).replace(hour=0)
    rows = {
        jst_hour(now): 10,  # today
        today - dt.timedelta(days=3) + dt.timedelta(hours=12): 5,
        today - dt.timedelta(days=29) + dt.timedelta(hours=23): 2,  # the oldest day shown
        today - dt.timedelta(days=30) + dt.timedelta(hours=23): 50,  # a day too old
        today - dt.timedelta(days=40): 99,
    }
    for hour, views in rows.items():
        HourlyViewsFactory(page_id=page.id, hour=hour, views=views)
    HourlyViewsFactory(page_id=articles[1].id, hour=jst_hour(now), views=70)  # not it

    response = admin_client.get(f"/admin/rankings/{page.id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "合計 17 回" in html
    assert "<svg" in html and 'role="img"' in html

    days = [(today - dt.timedelta(days=29 - n)).date() for n in range(30)]
    expected = {days[0]: 2, days[26]: 5, days[29]: 10}
    labels = [f"{d.month}月{d.day}日({WEEKDAYS[d.weekday()]})" for d in days]
    bars = BAR.findall(html)
    assert [(label, int(views)) for *_, label, views in bars] == [
        (label, expected.get(day, 0)) for label, day in zip(labels, days, strict=True)
    ]
    # The y axis runs to 10 (the peak's round ceiling) over 200 px: heights are views × 20,
    # every bar stands on the baseline, left to right, oldest first.
    assert [float(h) for _, _, _, h, _, _ in bars] == [expected.get(day, 0) * 20.0 for day in days]
    assert {round(float(y) + float(h), 1) for _, y, _, h, _, _ in bars} == {212.0}
    xs = [float(x) for x, *_ in bars]
    assert xs == sorted(xs) and len(set(xs)) == 30
    gridlines = re.findall(r'text-anchor="end" font-size="11" fill="#555">(\d+)</text>', html)
    assert gridlines == ["0", "2", "4", "6", "8", "10"]
    # The same numbers as a table, for readers who cannot see the chart.
    table = re.findall(r"<tr><td>([^<]*)</td><td>(\d+)</td></tr>", html)
    assert table == [
        (label, str(expected.get(day, 0))) for label, day in zip(labels, days, strict=True)
    ]

    series = article_daily_views(page_id=page.id, now=now)
    assert series == [(day, expected.get(day, 0)) for day in days]


def test_the_chart_of_a_missing_article_is_404(admin_client, db):
    assert admin_client.get("/admin/rankings/999999/").status_code == 404


def report_sections(html: str) -> dict[str, str]:
    """The report's parts, by their headings."""
    parts = html.split('<h2 class="w-h3">')[1:]
    return {part.split("</h2>", 1)[0]: part.split("</h2>", 1)[1] for part in parts}


def ranked_rows(part: str) -> list[tuple[int, str, int]]:
    rows = re.findall(
        r'<tr><td>(\d+)</td><td class="title"><a href="[^"]*">([^<]*)</a></td><td>(\d+)</td>',
        part,
    )
    return [(int(rank), title, int(views)) for rank, title, views in rows]


def test_the_report_shows_each_window_today_and_the_counters(admin_client, articles, db_counter):
    now = timezone.now()
    articles[4].unpublish()  # ranked before it was unpublished: left out, the rest move up
    RankingFactory(
        window="24h", entries=[[articles[1].id, 33], [articles[3].id, 20]], computed_at=now
    )
    RankingFactory(
        window="week",
        entries=[[articles[3].id, 120], [articles[4].id, 100], [articles[1].id, 90]],
        computed_at=now,
    )
    HourlyViewsFactory(page_id=articles[5].id, hour=jst_hour(now), views=40)
    HourlyViewsFactory(page_id=articles[6].id, hour=jst_hour(now), views=12)
    reader = Client()
    for address in ("198.51.100.1", "198.51.100.2"):  # two readers' beacons, counted
        assert send(reader, articles[0].id, REMOTE_ADDR=address).status_code == 204
    assert send(reader, articles[0].id, ua="Googlebot/2.1").status_code == 204  # a bot's

    html = admin_client.get("/admin/rankings/").content.decode()
    parts = report_sections(html)
    assert list(parts) == ["24時間", "週間", "月間", "今日よく読まれている記事", "計数の状態"]
    assert ranked_rows(parts["24時間"]) == [(1, articles[1].title, 33), (2, articles[3].title, 20)]
    assert ranked_rows(parts["週間"]) == [(1, articles[3].title, 120), (2, articles[1].title, 90)]
    assert ranked_rows(parts["月間"]) == [] and "まだありません。" in parts["月間"]
    today = re.findall(r'<li><a href="/admin/rankings/(\d+)/">([^<]*)</a>（(\d+)）</li>', html)
    assert today == [
        (str(articles[5].id), articles[5].title, "40"),
        (str(articles[6].id), articles[6].title, "12"),
    ]
    counters = dict(re.findall(r'<tr><th scope="row">(\w+)</th><td>([^<]*)</td></tr>', html))
    assert counters["backend"] == "database"
    assert counters["buffered_views"] == "2"
    assert counters["counted"] == "2"
    assert counters["bot"] == "1"
    assert counters["redis_fallback"] == "0"


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
