"""`/api/recommend/`: the reader's blend, and a bounded answer to anything else."""

from __future__ import annotations

import json
import re

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kisha.recommend.models import RelatedArticle
from kisha.recommend.services import related_refresh

from .conftest import topic_of

pytestmark = pytest.mark.django_db
URL = "/api/recommend/"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
ITEM = re.compile(r'<li class="recommend__item"><a class="recommend__link" href="([^"]+)"')


@pytest.fixture
def computed(newsroom):
    related_refresh()
    return newsroom


def post(client, payload, **extra):
    body = payload if isinstance(payload, bytes | str) else json.dumps(payload)
    return client.post(URL, body, content_type="text/plain", HTTP_USER_AGENT=BROWSER, **extra)


def shown(response, pages) -> list[int]:
    by_url = {page.url: page.id for group in pages.values() for page in group}
    return [by_url[url] for url in ITEM.findall(response.content.decode())]


def test_reading_one_topic_brings_its_unread_stories_first(client, computed):
    read = [page.id for page in computed["typhoon"][:3]]
    response = post(client, {"history": read})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    ids = shown(response, computed)
    assert len(ids) == 9 and len(set(ids)) == 9  # twelve articles, three read
    assert not set(read) & set(ids)
    assert ids[0] == computed["typhoon"][3].id
    assert '<ol data-recommend-part="main">' in response.content.decode()
    assert response.content.decode().count("<li") == 9


def test_get_with_ids_in_the_query_answers_the_same(client, computed):
    read = [page.id for page in computed["markets"][:3]]
    by_get = client.get(URL, {"h": ",".join(map(str, read))}, HTTP_USER_AGENT=BROWSER)
    by_post = post(client, {"history": read})
    assert shown(by_get, computed) == shown(by_post, computed)
    assert topic_of(computed, shown(by_get, computed)[0]) == "markets"


def test_no_history_answers_popular_and_fresh(client, computed):
    ids = shown(post(client, {"history": []}), computed)
    assert len(ids) == 10


@pytest.mark.parametrize(
    "payload",
    [
        {"history": ["1", "x", 1.5, None, True, [1], {"a": 1}, -5, 0, 2**31, 2**70, "９"]},
        {"history": list(range(50_000, 50_200))},
        {"history": "1,2,3"},
        {"history": {"1": 2}},
        {"other": 1},
        {"history": [999_999, 888_888]},  # unknown ids
    ],
)
def test_hostile_histories_get_a_bounded_answer(client, computed, payload):
    post(client, {"history": [1]})  # per-process memos and the shared pool, built once
    with CaptureQueriesContext(connection) as queries:
        response = post(client, payload)
    assert response.status_code == 200
    assert len(shown(response, computed)) == 10
    # The generation, the site, the history's lists and the articles.
    assert len(queries.captured_queries) <= 4


@pytest.mark.parametrize(
    "body", [b"", b"not json", b"[1,2,3]", b'"x"', b"\xff\xfe", b"[" * 1000 + b"]" * 1000]
)
def test_malformed_bodies_are_400(client, computed, body):
    response = post(client, body)
    assert response.status_code in (400, 413)
    assert response.content == b""


def test_oversized_bodies_are_refused_unread(client, computed):
    big = json.dumps({"history": list(range(1, 2000))})
    assert post(client, big).status_code == 413
    # A Content-Length that lies low is still cut at the limit.
    response = client.generic(
        "POST", URL, ("x" * 10_000).encode(), content_type="text/plain", HTTP_USER_AGENT=BROWSER
    )
    assert response.status_code == 413


def test_oversized_query_is_cut(client, computed):
    response = client.get(URL, {"h": ",".join(["1"] * 300)}, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200 and len(shown(response, computed)) == 10
    # Longer than a URL may be: the project's 414 (kisha.core.middleware), never a 500.
    assert client.get(URL, {"h": ",".join(["1"] * 5000)}).status_code in (200, 414)


def test_other_methods_are_405(client, computed):
    response = client.put(URL, b"{}")
    assert response.status_code == 405 and "POST" in response["Allow"]


def test_unpublished_articles_are_never_answered(client, computed):
    read = computed["korea"][0]
    hidden = computed["korea"][1]
    hidden.unpublish()  # no signals run the refresh: its rows are still stored
    assert RelatedArticle.objects.filter(related_id=hidden.id).exists()
    for _ in range(3):
        ids = shown(post(client, {"history": [read.id, hidden.id]}), computed)
        assert hidden.id not in ids and read.id not in ids


def test_bots_get_the_lists_for_nobody(client, computed):
    read = [page.id for page in computed["typhoon"][:3]]
    bot = client.post(
        URL,
        json.dumps({"history": read}),
        content_type="text/plain",
        HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    )
    nobody = post(client, {"history": []})
    assert bot.status_code == 200
    assert shown(bot, computed) == shown(nobody, computed)
    assert client.post(URL, "{}", content_type="text/plain").status_code == 200  # no user agent


def test_a_failure_inside_is_a_503_not_a_500(client, computed, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("kisha.recommend.views.reader_items", broken)
    response = post(client, {"history": [1]})
    assert response.status_code == 503 and response.content == b""
