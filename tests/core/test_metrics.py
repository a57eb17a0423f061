"""/-/metrics: a valid Prometheus exposition with django-prometheus's request metrics and
Kisha's own read from the database, closed like /-/health/, and in multiprocess mode the sum
of every gunicorn worker rather than the one that answered."""

from __future__ import annotations

import datetime as dt

import pytest
from prometheus_client.parser import text_string_to_metric_families

from django.utils import timezone

from kisha.rankings.metrics import metrics_incr
from kisha.rankings.models import CounterMetric
from kisha.wire.models import WireIngestRun, WireSource
from tests.processes import wagtail_initial_data_restore

from .test_health import OUTSIDER, ready_task, scheduler_ran

METRICS = "/-/metrics"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """{(sample name, sorted labels): value} of a whole exposition (parsing also validates)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(parsed, name: str, **labels: str) -> float:
    return parsed[(name, tuple(sorted(labels.items())))]


def scrape(client) -> dict:
    response = client.get(METRICS)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    return samples(response.content.decode())


def test_the_exposition_parses_and_has_django_request_metrics(client, db):
    client.get("/search/")
    parsed = scrape(client)
    names = {name for name, _ in parsed}
    assert "django_http_requests_before_middlewares_total" in names
    assert "django_http_responses_total_by_status_view_method_total" in names
    assert value(parsed, "kisha_metrics_source_up", source="core") == 1
    assert value(parsed, "kisha_metrics_source_up", source="rankings") == 1
    assert value(parsed, "kisha_metrics_source_up", source="wire") == 1


def test_beacon_outcomes_are_the_durable_totals(client, db):
    CounterMetric.objects.create(name="counted", value=1234)
    CounterMetric.objects.create(name="redis_fallback", value=7)
    metrics_incr("counted", 5)  # this process's unflushed counts are not part of a scrape
    parsed = scrape(client)
    assert value(parsed, "kisha_rankings_beacons_total", outcome="counted") == 1234
    assert value(parsed, "kisha_rankings_beacons_total", outcome="redis_fallback") == 7
    assert value(parsed, "kisha_rankings_beacons_total", outcome="dropped") == 0


def test_wire_ingest_over_the_last_day(client, db):
    source = WireSource.objects.create(name="ロイター", format="ninjs")
    WireIngestRun.objects.create(source=source, status="ok", ingested=10, updated=2)
    WireIngestRun.objects.create(source=source, status="partial", ingested=3, errors=4)
    WireIngestRun.objects.create(
        source=source,
        status="failed",
        errors=50,
        started_at=timezone.now() - dt.timedelta(hours=30),  # outside the window
    )
    parsed = scrape(client)
    assert value(parsed, "kisha_wire_items_24h", outcome="ingested") == 13
    assert value(parsed, "kisha_wire_items_24h", outcome="updated") == 2
    assert value(parsed, "kisha_wire_items_24h", outcome="failed") == 4
    assert value(parsed, "kisha_wire_runs_24h", status="ok") == 1
    assert value(parsed, "kisha_wire_runs_24h", status="partial") == 1
    assert value(parsed, "kisha_wire_runs_24h", status="failed") == 0


def test_task_lag_and_scheduler_age(client, db):
    parsed = scrape(client)
    assert value(parsed, "kisha_tasks_oldest_ready_seconds") == 0
    assert value(parsed, "kisha_tasks_ready") == 0
    assert not any(name == "kisha_scheduler_last_run_age_seconds" for name, _ in parsed)

    ready_task(waited=300)
    ready_task(waited=20)
    scheduler_ran(seconds_ago=40)
    parsed = scrape(client)
    assert 300 <= value(parsed, "kisha_tasks_oldest_ready_seconds") < 310
    assert value(parsed, "kisha_tasks_ready") == 2
    assert 40 <= value(parsed, "kisha_scheduler_last_run_age_seconds") < 50


def test_search_latency_counts_searches_only(client, db, home):
    before = scrape(client)
    client.get("/search/", {"q": "非核化"})
    client.get("/search/", {"q": "首脳"})
    client.get("/search/")  # the empty form is not a search
    after = scrape(client)
    count = "kisha_search_duration_seconds_count"
    assert value(after, count) - value(before, count) == 2
    assert value(after, "kisha_search_duration_seconds_bucket", le="+Inf") == value(after, count)


def test_metrics_are_closed_like_health(client, db, settings):
    assert client.get(METRICS, REMOTE_ADDR=OUTSIDER).status_code == 404
    settings.KISHA_OPS_TOKEN = "scrape-token"
    assert (
        client.get(METRICS, REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer wrong").status_code
        == 404
    )
    ok = client.get(METRICS, REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer scrape-token")
    assert ok.status_code == 200


@pytest.fixture
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def test_multiprocess_mode_sums_every_workers_requests(app_server, tmp_path, wagtail_initial_data):
    from kisha.news.services import site_ensure_home

    site_ensure_home(title="週刊キシャ")
    prom = tmp_path / "prom"
    prom.mkdir()
    server = app_server(PROMETHEUS_MULTIPROC_DIR=str(prom))
    served = ("django_http_responses_total_by_status_view_method_total",)
    labels = {"method": "GET", "status": "200", "view": "search:search"}

    def searches_counted() -> float:
        parsed = samples(server.get(METRICS).text)
        return parsed.get((served[0], tuple(sorted(labels.items()))), 0)

    before = searches_counted()
    mark = server.mark()
    n = 40
    assert {r.status_code for r in server.get_many(["/search/?q=非核化"] * n)} == {200}
    assert len(server.pids(since=mark)) == 2  # both workers answered some of them
    # Every scrape, whichever worker answers it, sees all N.
    for _ in range(4):
        assert searches_counted() - before == n
    parsed = samples(server.get(METRICS).text)
    assert value(parsed, "kisha_search_duration_seconds_count") == n


def test_page_cache_hits_are_counted_although_django_never_sees_them(
    app_server, tmp_path, wagtail_initial_data, article
):
    prom = tmp_path / "prom"
    prom.mkdir()
    server = app_server(PROMETHEUS_MULTIPROC_DIR=str(prom))
    name = "kisha_page_cache_requests_total"
    before = samples(server.get(METRICS).text)
    mark = server.mark()
    n = 40
    assert server.get(article.url).headers["X-Kisha-Cache"] == "MISS"
    answers = server.get_many([article.url] * n)
    assert {r.headers["X-Kisha-Cache"] for r in answers} == {"HIT"}
    assert len(server.pids(since=mark)) == 2
    server.get(article.url, cookies={"sessionid": "x" * 32})  # an editor: bypass
    for scrapes in range(1, 5):  # whichever worker answers the scrape
        parsed = samples(server.get(METRICS).text)

        def grew(result: str, parsed=parsed) -> float:
            return value(parsed, name, result=result) - value(before, name, result=result)

        assert grew("hit") == n
        assert grew("render") == 1
        assert grew("stale") == 0
        assert grew("bypass") == 1 + scrapes  # the editor, and each scrape counts itself
