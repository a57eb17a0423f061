"""The beacon over HTTP (Django's full stack and the lean WSGI handler): what counts, what is
ignored, and what is refused."""

from __future__ import annotations

import io
import json
import uuid

import pytest

from django.test import Client

from kisha.rankings.backends.base import Outcome
from kisha.rankings.metrics import metrics_snapshot
from kisha.rankings.wsgi import beacon_app, with_beacon

from .conftest import BROWSER_UA, beacon_body, send

pytestmark = pytest.mark.django_db


class LeanClient:
    """Calls kisha.rankings.wsgi.beacon_app with a WSGI environ, like gunicorn would."""

    def post(self, path, data="", content_type="text/plain", method="POST", **headers):
        body = data.encode() if isinstance(data, str) else data
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": content_type,
            "REMOTE_ADDR": headers.pop("REMOTE_ADDR", "127.0.0.1"),
            "wsgi.input": io.BytesIO(body),
            **headers,
        }
        captured = {}

        def start_response(status, response_headers):
            captured["status"] = int(status.split()[0])
            captured["headers"] = dict(response_headers)

        content = b"".join(beacon_app(environ, start_response))

        class Response:
            status_code = captured["status"]
            headers = captured["headers"]

        Response.content = content
        Response.cookies = {}
        return Response

    def get(self, path, **headers):
        return self.post(path, method="GET", **headers)


@pytest.fixture(params=["django", "lean"])
def client(request):
    return Client() if request.param == "django" else LeanClient()


def counted(counter) -> int:
    return counter.buffered()


def test_a_view_is_counted_and_answered_with_204(client, db_counter, article):
    response = send(client, article.id)
    assert response.status_code == 204
    assert response.content == b""
    assert not response.cookies
    assert response.headers["Cache-Control"] == "no-store"
    assert counted(db_counter) == 1
    assert metrics_snapshot()["counted"] == 1


def test_a_reload_by_the_same_reader_is_not_counted(client, db_counter, article):
    reader = uuid.uuid4().hex
    for _ in range(5):
        assert send(client, article.id, reader=reader).status_code == 204
    assert counted(db_counter) == 1
    assert metrics_snapshot()["duplicate"] == 4


def test_different_readers_each_count(client, db_counter, article):
    for _ in range(3):
        send(client, article.id)
    assert counted(db_counter) == 3


@pytest.mark.parametrize(
    "ua",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/120.0.0.0 Safari/537.36",
        "",
    ],
)
def test_bots_are_answered_but_not_counted(client, db_counter, article, ua):
    assert send(client, article.id, ua=ua).status_code == 204
    assert counted(db_counter) == 0
    assert metrics_snapshot()["bot"] == 1


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
    ],
)
def test_prefetch_and_prerender_are_not_counted(client, db_counter, article, header):
    assert send(client, article.id, **header).status_code == 204
    assert counted(db_counter) == 0
    assert metrics_snapshot()["prefetch"] == 1


def test_unknown_and_unpublished_pages_are_refused(client, db_counter, article, world):
    assert send(client, 987654).status_code == 400
    assert send(client, world.id).status_code == 400  # a section, not an article
    article.unpublish()
    assert send(client, article.id).status_code == 400
    assert counted(db_counter) == 0


def test_an_article_published_after_the_set_was_loaded_is_counted(client, db_counter, world):
    from kisha.news.factories import ArticlePageFactory

    first = ArticlePageFactory(parent=world, title="先に公開された記事")
    assert send(client, first.id).status_code == 204
    second = ArticlePageFactory(parent=world, title="あとから公開された記事", live=False)
    assert send(client, second.id).status_code == 400
    second.save_revision().publish()  # page_published tells every process's live set
    assert send(client, second.id).status_code == 204
    assert counted(db_counter) == 2


def test_an_article_published_after_the_live_set_was_built_is_counted_at_once(
    client, db_counter, world
):
    """The live set is rebuilt when the shared content generation changes, which publishing
    does in its own transaction (on another server too: tests/multiprocess)."""
    from kisha.core.memo import memos_forget
    from kisha.news.factories import ArticlePageFactory

    first = ArticlePageFactory(parent=world, title="先に公開された記事")
    assert send(client, first.id).status_code == 204
    second = ArticlePageFactory(parent=world, title="あとから公開された記事")
    memos_forget()  # not needed in this process; shows nothing else is
    assert send(client, second.id).status_code == 204


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[1, 2]",
        b'"page"',
        b"{}",
        b'{"page": "12", "reader": "abcdefgh1234"}',
        b'{"page": true, "reader": "abcdefgh1234"}',
        b'{"page": 0, "reader": "abcdefgh1234"}',
        b'{"page": -5, "reader": "abcdefgh1234"}',
        b'{"page": 1.5, "reader": "abcdefgh1234"}',
        b'{"page": 99999999999999999999, "reader": "abcdefgh1234"}',
        b'{"page": 1, "reader": "short"}',
        b'{"page": 1, "reader": "has spaces in it"}',
        b'{"page": 1, "reader": "<script>alert(1)</script>"}',
        b'{"page": 1, "reader": ["abcdefgh1234"]}',
        b'{"page": 1}',
        b"[" * 500 + b"]" * 500,
    ],
)
def test_malformed_bodies_are_refused(client, db_counter, article, body):
    response = client.post("/api/views/", data=body, content_type="text/plain")
    assert response.status_code == 400
    assert "error" in json.loads(response.content)
    assert counted(db_counter) == 0


def test_a_body_over_one_kilobyte_is_refused(client, db_counter, article):
    padded = json.dumps({"page": article.id, "reader": "a" * 16, "pad": "x" * 1100})
    response = client.post("/api/views/", data=padded, content_type="text/plain")
    assert response.status_code == 413
    assert counted(db_counter) == 0


def test_only_post_is_allowed(client, db_counter, article):
    response = client.get("/api/views/")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_cross_site_beacons_are_refused(client, db_counter, article):
    response = send(client, article.id, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert send(client, article.id, HTTP_SEC_FETCH_SITE="same-origin").status_code == 204


def test_one_address_moves_an_article_by_a_bounded_amount(client, settings, article):
    from kisha.rankings import backends
    from kisha.rankings.backends.database import DatabaseCounter

    settings.KISHA_RANKINGS_RATE_LIMIT = 5
    counter = backends._backend = DatabaseCounter.from_settings()
    for _ in range(20):  # fresh reader ids each time: only the address stays the same
        assert send(client, article.id).status_code == 204
    assert counted(counter) == 5
    assert metrics_snapshot()["rate_limited"] == 15
    # another address is not affected
    send(client, article.id, REMOTE_ADDR="192.0.2.7")
    assert counted(counter) == 6


def test_a_forged_forwarded_for_does_not_evade_the_limit(client, settings, article):
    from kisha.rankings import backends
    from kisha.rankings.backends.database import DatabaseCounter

    settings.KISHA_RANKINGS_RATE_LIMIT = 3
    counter = backends._backend = DatabaseCounter.from_settings()
    for n in range(10):
        send(client, article.id, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert counted(counter) == 3


def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(settings):
    from kisha.rankings.beacon import client_address

    settings.KISHA_RANKINGS_PROXY_COUNT = 1
    environ = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.4"}
    assert client_address(environ) == "198.51.100.4"
    environ["HTTP_X_FORWARDED_FOR"] = "2001:db8:1:2:3:4:5:6"
    assert client_address(environ) == "2001:db8:1:2::/64"
    environ["HTTP_X_FORWARDED_FOR"] = "not-an-address"
    assert client_address(environ) == "unknown"


def test_a_failing_counter_still_answers_204(client, article, monkeypatch):
    from kisha.rankings import backends
    from kisha.rankings.backends.database import DatabaseCounter

    class Broken(DatabaseCounter):
        def record(self, **kwargs) -> Outcome:
            raise RuntimeError("disk on fire")

    backends._backend = Broken(flush_thread=False)
    assert send(client, article.id).status_code == 204
    assert metrics_snapshot()["dropped"] == 1


def test_the_dispatcher_sends_only_the_beacon_path_to_the_lean_handler(db_counter, article):
    calls = []

    def django_app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"django"]

    app = with_beacon(django_app)
    body = beacon_body(article.id).encode()
    statuses = []

    def start_response(status, headers):
        statuses.append(status)

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/views/",
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": BROWSER_UA,
        "wsgi.input": io.BytesIO(body),
    }
    assert b"".join(app(environ, start_response)) == b""
    assert b"".join(app({**environ, "PATH_INFO": "/world/"}, start_response)) == b"django"
    assert statuses == ["204 No Content", "200 OK"]
    assert calls == ["/world/"]
    assert counted(db_counter) == 1


def test_the_site_serves_the_beacon_from_the_lean_handler(db_counter, article):
    from kisha.wsgi import application

    body = beacon_body(article.id).encode()
    statuses = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/views/",
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": BROWSER_UA,
        "wsgi.input": io.BytesIO(body),
    }
    assert b"".join(application(environ, lambda status, headers: statuses.append(status))) == b""
    assert statuses == ["204 No Content"]
    assert counted(db_counter) == 1
