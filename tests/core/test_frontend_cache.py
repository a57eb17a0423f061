"""The purge machinery against a real local HTTP front (tests/frontend.py): it never holds up a
publish, gives up on a dead front after a bounded number of logged retries, and is configured
from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from kisha.core.frontend_cache import (
    PurgeFailed,
    TimeoutHTTPBackend,
    _enqueue,
    purges_join,
    urls_purge,
)
from tests.frontend import FakeFront, free_port_refusing
from tests.logs import warnings_of
from tests.processes import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def purge_log():
    with warnings_of("kisha.core.frontend_cache") as messages:
        yield messages


def test_a_publish_does_not_wait_for_a_slow_front(
    front_cache, article, django_capture_on_commit_callbacks
):
    front = front_cache(delay=3.0, timeout=10.0)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert time.monotonic() - started < 1.5  # the front takes 3 s for each PURGE
    # Shown: the publish did not wait. From here the front answers at once, so the test waits
    # out the PURGE in flight, not 3 s for each of the publish's dozen URLs.
    front.delay = 0
    purges_join(timeout=120)
    assert "/world/us-dprk-talks/" in front.purged()


def test_a_dead_front_is_retried_then_given_up_with_one_warning_a_try(
    front_cache, article, purge_log, django_capture_on_commit_callbacks
):
    front_cache(location=free_port_refusing())
    with django_capture_on_commit_callbacks(execute=True):
        revision = article.save_revision()
        revision.publish()
    purges_join()
    article.refresh_from_db()
    assert article.live and article.live_revision_id == revision.id  # the publish stood
    messages = purge_log
    failures = [m for m in messages if "not purged" in m]
    assert len(failures) == 3  # the first try and KISHA_PURGE_RETRIES=2 retries, one line each
    assert all("front-end cache front:" in m for m in failures)
    assert messages[-1].startswith("front-end cache front: giving up on")


def test_a_front_that_comes_back_gets_the_retry(settings, front_cache):
    """The first try meets a refused connection; the retry finds the front listening."""
    refusing = free_port_refusing()
    front_cache(location=refusing)
    settings.KISHA_PURGE_RETRY_SECONDS = 0.5
    _enqueue([f"{settings.KISHA_SITE_URL}/world/"])
    time.sleep(0.2)  # the first try has been refused; the retry waits 0.5 s
    front = FakeFront(port=int(refusing.rsplit(":", 1)[1]))
    try:
        purges_join()
        assert front.purged() == {"/world/"}
    finally:
        front.close()


def test_the_backend_times_out_instead_of_hanging():
    front = FakeFront(delay=3.0)
    try:
        backend = TimeoutHTTPBackend({"LOCATION": front.url, "TIMEOUT": 0.3})
        started = time.monotonic()
        with pytest.raises(PurgeFailed) as failed:
            backend.purge_batch(["http://localhost/a/", "http://localhost/b/"])
        assert time.monotonic() - started < 2.5
        assert failed.value.urls == ["http://localhost/a/", "http://localhost/b/"]
    finally:
        front.close()


def test_urls_purge_sends_only_hosts_a_backend_serves(settings):
    front = FakeFront()
    try:
        settings.WAGTAILFRONTENDCACHE = {
            "news": {
                "BACKEND": "kisha.core.frontend_cache.TimeoutHTTPBackend",
                "LOCATION": front.url,
                "HOSTNAMES": ["news.example.jp"],
            }
        }
        failed = urls_purge(urls=["http://news.example.jp/x/", "http://other.example/y/"])
        assert failed == {}
        assert front.requests == [("PURGE", "/x/", "news.example.jp")]
    finally:
        front.close()


def test_with_the_database_queue_a_retry_is_deferred(settings):
    """Production's queue (django_tasks_db): a failed batch comes back as a new task with
    run_after, carrying only URLs, the back end's name and the try number."""
    from django_tasks_db.models import DBTaskResult

    from django.utils import timezone

    from kisha.core.tasks import purge_urls_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.KISHA_PURGE_RETRIES = 2
    settings.KISHA_PURGE_RETRY_SECONDS = 30
    settings.WAGTAILFRONTENDCACHE = {
        "front": {
            "BACKEND": "kisha.core.frontend_cache.TimeoutHTTPBackend",
            "LOCATION": free_port_refusing(),
        }
    }
    purge_urls_task.call(["http://localhost/world/"], None, 1)
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["args"] == [["http://localhost/world/"], "front", 2, [], False]
    wait = (retry.run_after - timezone.now()).total_seconds()
    assert 25 < wait <= 30
    retry.delete()
    purge_urls_task.call(["http://localhost/world/"], "front", 3)  # the last: no more tries
    assert not DBTaskResult.objects.exists()


def settings_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KISHA_", "DATABASE_"))}
    return subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.WAGTAILFRONTENDCACHE)",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kisha.settings", "LOG_LEVEL": "WARNING", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_kisha_frontend_cache_from_the_environment():
    result = settings_in_subprocess(
        KISHA_FRONTEND_CACHE="http://varnish1:6081, http://varnish2:6081",
        KISHA_FRONTEND_CACHE_TIMEOUT="2.5",
        KISHA_CLOUDFLARE_ZONE_ID="zone1",
        KISHA_CLOUDFLARE_TOKEN="token1",
    )
    assert result.returncode == 0, result.stderr
    config = eval(result.stdout)  # noqa: S307 (our own settings, printed by our own subprocess)
    assert config == {
        "http1": {
            "BACKEND": "kisha.core.frontend_cache.TimeoutHTTPBackend",
            "LOCATION": "http://varnish1:6081",
            "TIMEOUT": 2.5,
        },
        "http2": {
            "BACKEND": "kisha.core.frontend_cache.TimeoutHTTPBackend",
            "LOCATION": "http://varnish2:6081",
            "TIMEOUT": 2.5,
        },
        "cloudflare": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "ZONEID": "zone1",
            "BEARER_TOKEN": "token1",
        },
    }
    assert settings_in_subprocess().stdout.strip() == "{}"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KISHA_FRONTEND_CACHE": "varnish:6081"}, "must list http:// or https:// URLs"),
        ({"KISHA_CLOUDFLARE_ZONE_ID": "zone1"}, "must be set together"),
        ({"KISHA_CLOUDFRONT_DISTRIBUTION_ID": "E123"}, "needs boto3, which is not installed"),
        (
            {"KISHA_FRONTEND_CACHE": "http://v:6081", "KISHA_FRONTEND_CACHE_TIMEOUT": "soon"},
            "KISHA_FRONTEND_CACHE_TIMEOUT must be a number of seconds",
        ),
    ],
)
def test_a_bad_front_end_cache_variable_stops_the_start(env, message):
    result = settings_in_subprocess(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
