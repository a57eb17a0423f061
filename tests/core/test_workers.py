"""State shared by every worker (DESIGN §4, rule 6), tried with two real gunicorn workers.

A change made anywhere — in this test process, or through one worker — must hold on every
worker from the next request on: a restriction, its removal, a new topic, an unpublished
article, the beacon's limits. Each test shows from the access log that both workers answered
after the change.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest
import requests

from wagtail.models import PageViewRestriction

from kisha.news.factories import ArticlePageFactory, TopicPageFactory
from kisha.rankings.models import PendingViews
from tests.html import unphrase
from tests.processes import wagtail_initial_data_restore

BROWSER_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def shows(response: requests.Response, text: str) -> bool:
    return text in response.text


def links_to(response: requests.Response, page) -> bool:
    return f'href="{page.url}"' in response.text


def eventually(server, path: str, check, *, within: float = 5.0) -> float:
    """Seconds until a response for `path` passes `check` (asserting it does within `within`)."""
    start = time.monotonic()
    while not check(server.get(path)):
        assert time.monotonic() - start < within, f"{path} not as expected after {within} s"
        time.sleep(0.02)
    return time.monotonic() - start


def both_answered(server, since: int, paths=(), check=lambda response: True) -> None:
    """Every worker answered since `since`. Cached pages come back in a millisecond, so one
    worker may take a whole batch: ask again for `paths` (each answer checked) until both
    have."""
    for _ in range(30):
        if len(server.pids(since=since)) >= server.workers:
            return
        for response in server.get_many(list(paths) * 8):
            assert check(response), response.url
    assert len(server.pids(since=since)) == server.workers, "not every worker answered"


def test_a_restriction_holds_on_every_worker_from_the_commit(app_server, article, world, home):
    server = app_server()
    for response in server.get_many([article.url] * 6):
        assert shows(response, article.lead)
    for response in server.get_many([world.url, "/", "/search/?q=非核化"] * 6):
        assert response.status_code == 200
        assert links_to(response, article), response.url

    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="合言葉-2026"
    )

    since = server.mark()
    for response in server.get_many([article.url] * 16):
        assert response.status_code == 200
        assert 'type="password"' in response.text
        assert article.lead not in response.text
    for response in server.get_many([world.url, "/", "/search/?q=非核化"] * 6):
        assert response.status_code == 200
        assert not links_to(response, article), response.url
    both_answered(server, since, [article.url], lambda r: article.lead not in r.text)

    PageViewRestriction.objects.filter(page=article).delete()
    since = server.mark()
    for response in server.get_many([article.url] * 16):
        assert article.lead in response.text
    both_answered(server, since, [article.url], lambda r: article.lead in r.text)


def test_an_unpublished_article_leaves_every_worker_at_once(app_server, article, world):
    server = app_server()
    assert all(r.status_code == 200 for r in server.get_many([article.url, world.url] * 8))
    article.unpublish()
    since = server.mark()
    assert {r.status_code for r in server.get_many([article.url] * 12)} == {404}
    assert not any(links_to(r, article) for r in server.get_many([world.url, "/"] * 6))
    both_answered(server, since, [article.url, world.url], lambda r: not links_to(r, article))


def test_a_renamed_page_routes_anew_on_every_worker_at_once(app_server, world, topic):
    """Routes are kept in the shared cache (kisha.core.routing): after a rename the old path
    must stop answering with the page and the new one answer, on both workers, at once."""
    server = app_server()
    old_url = topic.url
    for response in server.get_many([old_url] * 12):
        assert response.status_code == 200
        assert topic.title in unphrase(response.text)
    topic.slug = "renamed-topic"
    topic.save_revision().publish()
    topic.refresh_from_db()
    assert topic.url != old_url
    # The rename purges the old URL softly (as the topic-label test below says): the page
    # cache may answer one request with the previous copy while the next render is made.
    assert eventually(server, old_url, lambda r: r.status_code in (301, 404)) < 1.0
    since = server.mark()
    for response in server.get_many([old_url] * 8):
        assert response.status_code in (301, 404), response.status_code
    for response in server.get_many([topic.url] * 8):
        assert response.status_code == 200
    both_answered(server, since, [topic.url], lambda r: r.status_code == 200)


def test_a_new_topic_label_shows_on_every_worker_at_once(app_server, world, topic):
    """Was: the new label missing from half of the home page's answers for up to 300 s."""
    server = app_server()
    server.get_many(["/"] * 12)
    new_topic = TopicPageFactory(parent=topic.get_parent(), title="半導体", slug="chips")
    ArticlePageFactory(
        parent=world, title="新工場の建設が始まる", short_headline="新工場", primary_topic=new_topic
    )
    # A publish purges softly: while one request renders the new home page, readers arriving
    # at the same moment may get the previous copy (kisha.core.pagecache) — for one render.
    assert eventually(server, "/", lambda r: ">半導体<" in r.text) < 1.0
    since = server.mark()
    for response in server.get_many(["/"] * 16):
        assert ">半導体<" in response.text
    both_answered(server, since, ["/"], lambda r: ">半導体<" in r.text)


def login(server, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(server.url + "/admin/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        server.url + "/admin/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": server.url + "/admin/login/"},
        timeout=30,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    return session


def privacy(server, session: requests.Session, page_id: int, **data) -> dict:
    url = f"{server.url}/admin/pages/{page_id}/privacy/"
    session.get(url, timeout=30)
    answer = session.post(
        url,
        data=data,
        headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": url},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()


def test_the_privacy_dialog_on_two_workers(app_server, article, django_user_model):
    """Was: a second privacy POST on a stale worker made a duplicate restriction, and "make
    public" answered is_public: true and left the page locked."""
    django_user_model.objects.create_superuser("desk", "desk@example.com", "correct horse 42")
    server = app_server()
    session = login(server, "desk", "correct horse 42")
    server.get_many([article.url] * 12)

    for _ in range(4):  # on whichever worker answers, each time
        answer = privacy(server, session, article.id, restriction_type="password", password="pw-1")
        assert answer["is_public"] is False
    assert PageViewRestriction.objects.filter(page=article).count() == 1
    assert all('type="password"' in r.text for r in server.get_many([article.url] * 12))

    since = server.mark()
    for _ in range(2):
        answer = privacy(server, session, article.id, restriction_type="none")
        assert answer["is_public"] is True
    assert not PageViewRestriction.objects.filter(page=article).exists()
    assert all(article.lead in r.text for r in server.get_many([article.url] * 12))
    both_answered(server, since, [article.url], lambda r: article.lead in r.text)


def beacon(server, page_id: int, *, reader: str, address: str = "") -> int:
    headers = {"User-Agent": BROWSER_UA, "Content-Type": "application/json"}
    response = requests.post(
        server.url + "/api/views/",
        data=f'{{"page": {page_id}, "reader": "{reader}"}}',
        headers=headers,
        timeout=30,
    )
    return response.status_code


def counted_in_database() -> int:
    return sum(PendingViews.objects.values_list("views", flat=True))


def test_the_beacon_limits_are_shared_by_the_workers(app_server, article):
    """Was: the 30-views-per-address limit applied per worker, so one address counted 60."""
    server = app_server()
    since = server.mark()
    from concurrent.futures import ThreadPoolExecutor

    readers = [uuid.uuid4().hex for _ in range(45)]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda r: beacon(server, article.id, reader=r), readers))
    assert set(statuses) == {204}
    # one reader reloading on every worker counts once
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: beacon(server, article.id, reader=readers[0]), range(12)))
    both_answered(server, since)
    server.stop()  # a graceful stop writes every worker's buffer
    assert counted_in_database() == 30


def test_an_edited_headline_in_the_rankings_on_every_worker_at_once(app_server, article):
    """Was: the rankings fragment alternated old and new for 23 s after an edit, and
    /api/rankings/ stayed stale for 24 s."""
    from django.utils import timezone

    from kisha.rankings.models import Ranking

    for window in ("24h", "week", "month"):
        Ranking.objects.create(
            window=window, entries=[[article.id, 50]], computed_at=timezone.now()
        )
    server = app_server()
    paths = ["/fragments/rankings/", "/api/rankings/"]
    # The fragment shows the headline (phrase-set), the API the headline or the short one.
    old = ("米朝、非核化で合意できず", "米朝首脳、非核化の行程で合意できず")

    def shows_old(response) -> bool:
        return any(text in unphrase(response.text) for text in old)

    def shows_new(response) -> bool:
        return "米朝協議、来月に再開へ" in unphrase(response.text)

    assert all(shows_old(r) for r in server.get_many(paths * 8))

    article.title = "米朝協議、来月に再開へ　両国が日程で合意"
    article.short_headline = "米朝協議、来月に再開へ"
    article.save_revision().publish()
    for path in paths:  # a soft purge: the previous copy only while one request re-renders
        assert eventually(server, path, shows_new) < 1.0
    since = server.mark()
    for response in server.get_many(paths * 10):
        assert shows_new(response), response.url
        assert not shows_old(response)
    both_answered(server, since, paths, shows_new)
