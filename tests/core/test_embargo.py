"""An embargoed article — approved to go live at a later time, never yet published — is absent
from every public surface until its time; the scheduler process publishes it within two seconds
of it, and from that moment every surface shows it. Real processes: gunicorn with two workers and Kisha's
shared page cache (so a cached "absent" copy must be purged), and `kisha_scheduler`.

The surfaces: the page itself, the home, section, topic and author listings, the site, section,
topic and author feeds (RSS and Atom), the SmartNews and partner feeds, the article and news
sitemaps, /search/, the rankings beacon (views of an unknown page are refused, so nothing can
rank it), /api/recommend/ and a neighbour's related list, and the admin's preview and draft
views (Wagtail 8 has no shared preview links: both need an editor's login)."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
import requests

from django.core.management import call_command
from django.utils import timezone

from kisha.core.management.commands.kisha_scheduler import periodic_tasks
from kisha.news.factories import ArticlePageFactory
from kisha.news.models import ArticlePage, AuthorIndexPage
from tests.processes import wagtail_initial_data_restore

# A word that appears in no other article, so /search/ finds the embargoed one alone.
WORD = "翡翠湾協定"
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"


@pytest.fixture(autouse=True)
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def lead(extra: str) -> str:
    return f"沿岸三か国が{extra}港湾の共同管理と漁業資源の保全で協議を重ねている。"


@pytest.fixture
def newsroom(home, world, topic, author):
    """Two live articles on the same subject (the embargoed one's neighbours) and the embargoed
    article, not yet published."""
    home.add_child(instance=AuthorIndexPage(title="執筆者", slug="authors"))
    neighbours = []
    for i in range(2):
        page = ArticlePageFactory(
            parent=world,
            title=f"沿岸三か国、港湾の共同管理で協議　第{i + 1}回会合",
            slug=f"harbour-talks-{i}",
            lead=lead("第二回会合で"),
            primary_topic=topic,
        )
        page.authors.add(author)
        page.save_revision().publish()
        neighbours.append(page)
    call_command("recommend_refresh", verbosity=0)

    page = ArticlePageFactory(
        parent=world,
        title=f"沿岸三か国が{WORD}に署名へ　港湾の共同管理で合意",
        slug="harbour-accord",
        lead=lead(f"{WORD}として"),
        primary_topic=topic,
        live=False,
    )
    ArticlePage.objects.filter(pk=page.pk).update(first_published_at=None, last_published_at=None)
    page.refresh_from_db()
    page.authors.add(author)
    return neighbours, page


def embargo(page: ArticlePage, *, at: dt.datetime) -> None:
    page.go_live_at = at
    page.save_revision().publish()  # approved for `at`: Wagtail's 公開予定
    page.refresh_from_db()
    assert not page.live


def surfaces(server, page: ArticlePage, neighbour: ArticlePage, topic, author) -> dict[str, bool]:
    """Whether each public surface shows the article now."""
    link = f"/world/{page.slug}/"
    listings = {
        "home": "/",
        "section": "/world/",
        "topic": topic.url,
        "author": f"/authors/{author.slug}/",
        "rss": "/feeds/rss/",
        "atom": "/feeds/atom/",
        "section rss": "/feeds/section/world/rss/",
        "section atom": "/feeds/section/world/atom/",
        "topic rss": f"/feeds/topic/{topic.slug}/rss/",
        "topic atom": f"/feeds/topic/{topic.slug}/atom/",
        "author rss": f"/feeds/author/{author.slug}/rss/",
        "author atom": f"/feeds/author/{author.slug}/atom/",
        "smartnews": "/feeds/smartnews/",
        "partner": "/feeds/partner/",
        "sitemap": "/sitemap-articles-1.xml",
        "news sitemap": "/sitemap-news.xml",
        "search": f"/search/?q={WORD}",
        "recommend api": f"/api/recommend/?h={neighbour.pk}",
        "related list": f"/world/{neighbour.slug}/",
    }
    paths = [link, *listings.values()]
    answers = dict(zip(paths, server.get_many(paths), strict=True))
    assert answers[link].status_code in (200, 404), answers[link].status_code
    for path in listings.values():
        assert answers[path].status_code == 200, (path, answers[path].status_code)
    shown = {name: link in answers[path].text for name, path in listings.items()}
    shown["page"] = answers[link].status_code == 200
    shown["search"] = shown["search"] and WORD in answers[listings["search"]].text
    answer = _post(server, "/api/views/", {"page": page.pk, "reader": "embargo-reader-1"})
    shown["rankings beacon"] = answer.status_code == 204
    return shown


def _post(server, path: str, data: dict):
    return requests.post(
        server.url + path,
        data=json.dumps(data),
        headers={"User-Agent": BROWSER, "Content-Type": "text/plain"},
        timeout=30,
    )


def wait_for(condition, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def wait_until_live(page: ArticlePage, *, timeout: float) -> bool:
    return wait_for(
        lambda: ArticlePage.objects.filter(pk=page.pk, live=True).exists(), timeout=timeout
    )


def admin_views_closed(server, page: ArticlePage) -> bool:
    """The admin's preview and draft views send an anonymous reader to the login page."""
    paths = [f"/admin/pages/{page.pk}/edit/preview/", f"/admin/pages/{page.pk}/view_draft/"]
    for answer in server.get_many(paths):
        if answer.status_code != 302 or "/admin/login/" not in answer.headers["Location"]:
            return False
        if WORD in answer.text:
            return False
    return True


def test_an_embargoed_article_appears_nowhere_until_its_time_then_everywhere(
    app_server, manage_process, newsroom, topic, author
):
    neighbours, page = newsroom
    server = app_server()
    off = ",".join(f"{path}=0" for path in periodic_tasks())
    scheduler = manage_process("kisha_scheduler", KISHA_PERIODIC_TASKS=off)
    assert wait_for(lambda: "kisha_scheduler:" in scheduler.output(), timeout=60)

    go_live = timezone.now() + dt.timedelta(seconds=8)
    embargo(page, at=go_live)

    # Before its time: nowhere, twice (the second round is answered from the page cache).
    for _ in range(2):
        shown = surfaces(server, page, neighbours[0], topic, author)
        assert not any(shown.values()), {k: v for k, v in shown.items() if v}
        assert admin_views_closed(server, page)
    assert timezone.now() < go_live, "the checks took longer than the embargo: raise it"

    # At its time: the scheduler publishes it within two seconds (Wagtail's own timestamp)...
    assert wait_until_live(page, timeout=20), scheduler.output()
    page.refresh_from_db()
    late = (page.first_published_at - go_live).total_seconds()
    assert 0 <= late < 2.0, late
    # ...and from then on every surface shows it: nothing cached or derived lags behind the
    # publication (a look 0.3 s after it, the time the scheduler's after-commit purges and
    # related-list update take; on a busy machine the look itself may take seconds).
    time.sleep(0.3)
    shown = surfaces(server, page, neighbours[0], topic, author)
    assert all(shown.values()), {k: v for k, v in shown.items() if not v}
    assert admin_views_closed(server, page)
