"""The production settings, as production starts them: each environment variable a typo away
from a traceback gives one clear sentence instead, and KISHA_HTTPS=1 with ALLOWED_HOSTS behaves
as docs/operations.md says behind a real gunicorn."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests

from tests.processes import ROOT, wagtail_initial_data_restore

START = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def start(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KISHA_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", START],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kisha.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KISHA_PAGE_CACHE_SECONDS": "sixty"}, "KISHA_PAGE_CACHE_SECONDS must be a whole number"),
        ({"KISHA_PAGE_CACHE_SECONDS": "-5"}, "KISHA_PAGE_CACHE_SECONDS must be at least 0"),
        (
            {"DATABASE_URL": "postgres://kisha@db/kisha", "DB_CONN_MAX_AGE": "1.5"},
            "DB_CONN_MAX_AGE must be a whole number",
        ),
        (
            {"REDIS_URL": "redis://cache:6379/0", "KISHA_CACHE_TIMEOUT": "fast"},
            "KISHA_CACHE_TIMEOUT must be a number of seconds",
        ),
        (
            {"REDIS_URL": "redis://cache:6379/0", "KISHA_CACHE_TIMEOUT": "nan"},
            "KISHA_CACHE_TIMEOUT must not be negative",
        ),
        ({"KISHA_HTTPS": "ture"}, "KISHA_HTTPS must be one of 1/0"),
        ({"DATABASE_URL": "mysql://root@db/kisha"}, "DATABASE_URL must be a PostgreSQL URL"),
        ({"REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL must start with redis://"),
        ({"KISHA_PERIODIC_TASKS": "kisha.news.tasks.x"}, "is not 'dotted.task.path=seconds'"),
        ({"KISHA_WIRE_TICKER_SECONDS": "0"}, "KISHA_WIRE_TICKER_SECONDS must be at least 1"),
        ({"KISHA_WIRE_BANNER_HOURS": "three"}, "KISHA_WIRE_BANNER_HOURS must be a number of hours"),
        ({"KISHA_WIRE_ALLOW_PRIVATE_FETCH": "si"}, "KISHA_WIRE_ALLOW_PRIVATE_FETCH must be one of"),
        # MD5 passwords only against a test database: production's SQLite file and PostgreSQL.
        ({"KISHA_TEST_MD5_PASSWORDS": "1"}, "KISHA_TEST_MD5_PASSWORDS is only for the test suite"),
        (
            {"KISHA_TEST_MD5_PASSWORDS": "1", "DATABASE_URL": "postgres://kisha@db/kisha"},
            "this one is 'kisha'",
        ),
        (
            {"KISHA_TEST_MD5_PASSWORDS": "1", "SQLITE_PATH": "/srv/kisha/test/kisha.sqlite3"},
            "passwords must not be stored as MD5",
        ),
    ],
)
def test_a_bad_variable_stops_the_start_with_one_clear_sentence(env, message):
    result = start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_good_values_start():
    result = start(KISHA_HTTPS="off", KISHA_PAGE_CACHE_SECONDS="120", KISHA_CACHE_TIMEOUT="0.5")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_md5_passwords_start_only_against_a_test_database(tmp_path):
    """What the servers the tests start run with (tests/processes.py): MD5 first, PBKDF2 still
    checked; the pytest-django test database names both pass the guard."""
    read = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KISHA_", "DATABASE_"))}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "kisha.settings", "KISHA_TEST_MD5_PASSWORDS": "1"}
    for database in (
        {"SQLITE_PATH": str(tmp_path / "test-4242.sqlite3")},
        {"DATABASE_URL": "postgres://kisha@127.0.0.1:5432/test_kisha"},
    ):
        run = subprocess.run(
            [sys.executable, "-c", read], cwd=ROOT, env={**env, **database}, capture_output=True
        )
        assert run.stdout.split() == [b"MD5PasswordHasher"], run.stderr
    env.pop("KISHA_TEST_MD5_PASSWORDS")
    default = subprocess.run([sys.executable, "-c", read], cwd=ROOT, env=env, capture_output=True)
    assert default.stdout.split() == [b"PBKDF2PasswordHasher"], default.stderr


def test_the_wire_settings_come_from_the_environment():
    read = (
        "import django; django.setup(); from kisha.wire.conf import conf; "
        "print(conf('KISHA_WIRE_TICKER_SECONDS'), conf('KISHA_WIRE_BANNER_HOURS'), "
        "conf('KISHA_WIRE_MAX_BYTES'))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KISHA_", "DATABASE_"))}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "kisha.settings"}
    default = subprocess.run([sys.executable, "-c", read], cwd=ROOT, env=env, capture_output=True)
    assert default.stdout.split() == [b"30", b"3.0", b"10000000"], default.stderr
    env.update(KISHA_WIRE_TICKER_SECONDS="15", KISHA_WIRE_BANNER_HOURS="1.5")
    env["KISHA_WIRE_MAX_BYTES"] = "2000000"
    chosen = subprocess.run([sys.executable, "-c", read], cwd=ROOT, env=env, capture_output=True)
    assert chosen.stdout.split() == [b"15", b"1.5", b"2000000"], chosen.stderr


@pytest.fixture(autouse=False)
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def test_https_production_settings_behind_gunicorn(app_server, wagtail_initial_data, article):
    server = app_server(
        KISHA_HTTPS="1", ALLOWED_HOSTS="news.example.jp", DEBUG="0", KISHA_SERVE_MEDIA="1"
    )
    headers = {"Host": "news.example.jp", "X-Forwarded-Proto": "https"}
    page = server.get(article.url, headers=headers)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert page.headers["X-Content-Type-Options"] == "nosniff"

    plain = server.get(article.url, headers={"Host": "news.example.jp"})
    assert plain.status_code == 301
    assert plain.headers["Location"] == f"https://news.example.jp{article.url}"

    assert server.get("/", headers={"Host": "evil.example.com"}).status_code == 400

    login = server.get("/admin/login/", headers=headers)
    assert "Secure" in login.headers.get("Set-Cookie", "")  # the CSRF cookie only over HTTPS

    # static files: hashed names from the manifest, served by WhiteNoise for a year
    css = next(
        part.split('"')[0] for part in page.text.split('href="/static/')[1:] if ".css" in part
    )
    assert css.count(".") >= 2, css  # name.<hash>.css
    asset = requests.get(f"{server.url}/static/{css}", headers=headers, timeout=30)
    assert asset.status_code == 200
    assert "max-age=315360000" in asset.headers["Cache-Control"]
    assert asset.headers["Content-Type"].startswith("text/css")
