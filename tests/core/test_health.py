"""/-/health/: every check passes on a healthy setup, each failure shows by name and turns the
answer into a 500, and only allowed addresses or the token see the endpoint at all."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django_tasks_db.models import DBTaskResult, get_date_max

from django.utils import timezone

from kisha.core.models import PeriodicRun
from tests.processes import wagtail_initial_data_restore

HEALTH = "/-/health/?format=json"
OUTSIDER = "203.0.113.5"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def scheduler_ran(seconds_ago: float = 0) -> None:
    run = PeriodicRun.objects.create(task="kisha.news.tasks.publish_scheduled", slot=1)
    PeriodicRun.objects.filter(pk=run.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(seconds=seconds_ago)
    )


def ready_task(*, waited: float, run_after: dt.datetime | None = None) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        status="READY",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="kisha.news.tasks.publish_scheduled",
        queue_name="default",
        backend_name="default",
        run_after=run_after or get_date_max(),
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(seconds=waited)
    )
    return task


def results(response) -> dict[str, str]:
    """{check name: "OK" or its error}, the name being the check's class, e.g. "Disk"."""
    out: dict[str, str] = {}
    for key, value in response.json().items():
        name = key.split("(")[0]
        out[name] = value if out.get(name, "OK") == "OK" else out[name]
    return out


@pytest.fixture
def healthy(db, settings):
    settings.TASKS = DATABASE_TASKS  # production's queue, so the task check runs
    scheduler_ran(seconds_ago=10)


def test_every_check_passes_on_a_healthy_setup(client, healthy):
    ready_task(waited=5)  # a task that just arrived is no sign of trouble
    response = client.get(HEALTH)
    assert response.status_code == 200, response.content
    assert results(response) == {
        "Database": "OK",
        "Cache": "OK",
        "TaskQueue": "OK",
        "Scheduler": "OK",
        "Disk": "OK",
    }
    assert "no-store" in response["Cache-Control"]


def test_the_html_report_renders(client, healthy):
    response = client.get("/-/health/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"Database" in response.content


def test_a_task_nobody_takes_fails_the_task_check_with_its_age(client, healthy):
    ready_task(waited=600)
    response = client.get(HEALTH)
    assert response.status_code == 500
    checks = results(response)
    assert "waited 600 s" in checks["TaskQueue"], checks
    assert checks["Database"] == checks["Scheduler"] == "OK"


def test_a_task_is_ready_from_its_run_after_not_its_enqueue(client, healthy):
    # Enqueued an hour ago to run a minute ago: it has waited one minute, under the limit.
    ready_task(waited=3600, run_after=timezone.now() - dt.timedelta(seconds=60))
    assert client.get(HEALTH).status_code == 200
    # Scheduled for later: not ready, whatever its age.
    ready_task(waited=3600, run_after=timezone.now() + dt.timedelta(hours=1))
    assert client.get(HEALTH).status_code == 200


def test_the_task_check_is_left_out_when_tasks_run_in_process(client, healthy, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ready_task(waited=600)
    response = client.get(HEALTH)
    assert response.status_code == 200
    assert "TaskQueue" not in results(response)


def test_an_old_periodic_run_fails_the_scheduler_check(client, db, settings):
    scheduler_ran(seconds_ago=600)
    response = client.get(HEALTH)
    assert response.status_code == 500
    assert "600 s ago" in results(response)["Scheduler"]
    settings.KISHA_HEALTH_SCHEDULER_MAX_AGE = 900
    assert client.get(HEALTH).status_code == 200


def test_no_periodic_run_at_all_fails_the_scheduler_check(client, db):
    response = client.get(HEALTH)
    assert response.status_code == 500
    assert "no periodic run recorded" in results(response)["Scheduler"]


def test_a_full_disk_fails_the_disk_check(client, healthy, settings):
    settings.KISHA_HEALTH_DISK_MAX_USED_PERCENT = 0
    response = client.get(HEALTH)
    assert response.status_code == 500
    checks = results(response)
    assert "% used" in checks["Disk"]
    assert checks["Database"] == "OK"


def test_the_disk_check_watches_media_and_the_sqlite_folder(client, healthy, settings):
    names = list(client.get(HEALTH).json())
    disks = [name for name in names if name.startswith("Disk(")]
    assert any(str(settings.MEDIA_ROOT) in name for name in disks), disks
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert len(disks) == 2, disks


# --- Access ---------------------------------------------------------------------------------


def test_an_outsider_gets_the_ordinary_404(client, healthy):
    response = client.get(HEALTH, REMOTE_ADDR=OUTSIDER)
    assert response.status_code == 404
    unknown = client.get("/-/nothing-here/", REMOTE_ADDR=OUTSIDER)
    assert response.content == unknown.content


def test_x_forwarded_for_does_not_open_the_endpoint(client, healthy):
    response = client.get(HEALTH, REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 404


def test_the_token_opens_it_from_anywhere_and_a_wrong_one_does_not(client, healthy, settings):
    settings.KISHA_OPS_TOKEN = "s3cret-token"
    ok = client.get(HEALTH, REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert ok.status_code == 200
    assert "no-store" in ok["Cache-Control"]
    for wrong in ("Bearer s3cret-tokeN", "Bearer ", "Basic s3cret-token", "s3cret-token"):
        assert client.get(HEALTH, REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION=wrong).status_code == 404


def test_no_token_configured_means_no_token_accepted(client, healthy, settings):
    settings.KISHA_OPS_TOKEN = ""
    assert client.get(HEALTH, REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_allowed_networks_and_mapped_addresses(client, healthy, settings):
    settings.KISHA_OPS_ALLOWED_IPS = ["10.0.0.0/8", "2001:db8::/32"]
    assert client.get(HEALTH, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get(HEALTH, REMOTE_ADDR="::ffff:10.1.2.3").status_code == 200
    assert client.get(HEALTH, REMOTE_ADDR="2001:db8::7").status_code == 200
    assert client.get(HEALTH, REMOTE_ADDR="127.0.0.1").status_code == 404
    settings.KISHA_OPS_ALLOWED_IPS = "192.0.2.1, 198.51.100.0/24"  # a string works too
    assert client.get(HEALTH, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_a_mistyped_allowed_address_is_a_system_check_error(settings):
    from kisha.core.ops import ops_settings_check

    assert ops_settings_check() == []
    settings.KISHA_OPS_ALLOWED_IPS = "127.0.0.1,10.0.0.0/33"
    errors = ops_settings_check()
    assert [error.id for error in errors] == ["kisha.E001"]


# --- Redis, across real processes -------------------------------------------------------------


@pytest.fixture
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def test_a_killed_redis_fails_redis_and_cache_while_pages_still_answer(
    app_server, own_redis, wagtail_initial_data, article
):
    scheduler_ran(seconds_ago=5)  # committed: the workers see it
    server = app_server(REDIS_URL=own_redis.url)

    healthy = server.get(HEALTH)
    assert healthy.status_code == 200, healthy.text
    assert set(results(healthy).values()) == {"OK"}
    assert {"Redis", "Cache"} <= set(results(healthy))

    own_redis.kill()
    sick = server.get(HEALTH)
    assert sick.status_code == 500
    checks = results(sick)
    assert checks["Redis"].startswith("Unavailable"), checks
    assert checks["Cache"] != "OK", checks
    assert checks["Database"] == checks["Scheduler"] == "OK"
    # Readers do not notice: the cache's failures are misses.
    assert {r.status_code for r in server.get_many([article.url, "/"] * 4)} == {200}

    own_redis.start()  # back by itself once the cache's breaker lets a call through (2 s)
    # Each worker recovers on its own breaker's clock: wait until several answers in a row,
    # from whichever workers, are healthy.
    deadline = time.monotonic() + 30
    streak = 0
    while streak < 6 and time.monotonic() < deadline:
        streak = streak + 1 if server.get(HEALTH).status_code == 200 else 0
        time.sleep(0.3)
    final = server.get(HEALTH)
    assert final.status_code == 200, final.text
