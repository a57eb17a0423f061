"""What each change purges from a front-end cache: the exact URLs, as a real HTTP front
(tests/frontend.py) receives them, after the commit."""

from __future__ import annotations

import datetime as dt

import pytest

from django.utils import timezone

from kisha.core.frontend_cache import purges_join
from kisha.news.factories import ArticlePageFactory, publish_at
from kisha.news.models import AuthorIndexPage
from kisha.news.services import urls_showing

pytestmark = pytest.mark.django_db

RANKINGS = {
    "/fragments/rankings/",
    "/api/rankings/?window=24h",
    "/api/rankings/?window=week",
    "/api/rankings/?window=month",
}
BODY_3_PAGES = [
    ("paragraph", "<p>一ページ目。</p>"),
    ("page_break", None),
    ("paragraph", "<p>二ページ目。</p>"),
    ("page_break", None),
    ("paragraph", "<p>三ページ目。</p>"),
]


def shown_in(section: str, slug: str = "us-dprk-talks", pages: int = 3) -> set[str]:
    """Everything that shows the fixture article when it sits in `section` (newest of all)."""
    url = f"/{section}/{slug}/"
    return {
        url,
        *(f"{url}{n}/" for n in range(2, pages + 1)),
        "/",
        f"/{section}/",
        f"/{section}/?page=2",
        "/topics/us-north-korea/",
        "/topics/us-north-korea/?page=2",
        "/authors/",
        "/authors/yamada-hanako/",
        "/authors/yamada-hanako/?page=2",
        "/corrections/",  # the 訂正・おわび list shows the article's corrections
        *RANKINGS,
    }


@pytest.fixture
def authors(home):
    return home.add_child(instance=AuthorIndexPage(title="執筆者", slug="authors"))


@pytest.fixture
def long_article(article, authors):
    article.body = BODY_3_PAGES
    article.save()
    return article


def publish(page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    purges_join()


def test_publishing_purges_the_article_its_pages_and_every_listing_that_shows_it(
    front_cache, long_article, django_capture_on_commit_callbacks
):
    front = front_cache()
    publish(long_article, django_capture_on_commit_callbacks)
    assert front.purged() == shown_in("world")
    assert all(method == "PURGE" for method, _, _ in front.requests)
    assert len(front.requests) == len(shown_in("world"))  # each URL once


def test_nothing_is_sent_before_the_commit(front_cache, long_article):
    front = front_cache()
    # Inside the test's transaction, which never commits: the purge waits for a commit.
    long_article.save_revision().publish()
    purges_join()
    assert front.requests == []


def test_an_edit_that_shortens_the_article_purges_its_old_last_page(
    front_cache, long_article, django_capture_on_commit_callbacks
):
    front = front_cache()
    publish(long_article, django_capture_on_commit_callbacks)
    front.clear()
    long_article.body = [("paragraph", "<p>一ページだけになった。</p>")]
    publish(long_article, django_capture_on_commit_callbacks)
    assert front.purged() == shown_in("world")  # /2/ and /3/ too: they now answer 404


def test_unpublishing_and_deleting_purge_what_showed_the_article(
    front_cache, long_article, django_capture_on_commit_callbacks
):
    front = front_cache()
    with django_capture_on_commit_callbacks(execute=True):
        long_article.unpublish()
    purges_join()
    assert front.purged() == shown_in("world")

    publish(long_article, django_capture_on_commit_callbacks)
    front.clear()
    with django_capture_on_commit_callbacks(execute=True):
        long_article.delete()
    purges_join()
    assert front.purged() == shown_in("world")


def test_moving_purges_the_old_and_the_new_urls(
    front_cache, long_article, business, django_capture_on_commit_callbacks
):
    front = front_cache()
    with django_capture_on_commit_callbacks(execute=True):
        long_article.move(business, pos="last-child")
    purges_join()
    assert front.purged() == shown_in("world") | shown_in("business")


def test_a_new_slug_purges_the_old_url(
    front_cache, long_article, django_capture_on_commit_callbacks
):
    front = front_cache()
    long_article.slug = "us-dprk-talks-2"
    publish(long_article, django_capture_on_commit_callbacks)
    assert front.purged() == shown_in("world") | shown_in("world", slug="us-dprk-talks-2")


def test_restricting_and_lifting_a_restriction_purge_the_article(
    front_cache, long_article, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    front = front_cache()
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=long_article, restriction_type="login"
        )
    purges_join()
    assert front.purged() == shown_in("world")
    front.clear()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    purges_join()
    assert front.purged() == shown_in("world")


def test_restricting_a_section_purges_every_article_in_it(
    front_cache, long_article, world, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    front = front_cache()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=world, restriction_type="login")
    purges_join()
    assert shown_in("world") <= front.purged()


def test_editing_an_author_purges_the_profile_and_the_index(
    front_cache, author, authors, django_capture_on_commit_callbacks
):
    front = front_cache()
    author.role = "北京特派員"
    with django_capture_on_commit_callbacks(execute=True):
        author.save()
    purges_join()
    assert front.purged() == {"/authors/", "/authors/yamada-hanako/"}


def test_deleting_a_restricted_article_purges_it_once_more_and_does_not_fail(
    front_cache, long_article, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=long_article, restriction_type="login")
    front = front_cache()
    with django_capture_on_commit_callbacks(execute=True):
        long_article.delete()
    purges_join()
    assert front.purged() == shown_in("world")


def test_listing_pages_reach_the_page_the_article_sits_on_plus_one(
    settings, world, topic, author, authors
):
    settings.KISHA_LISTING_PAGE_SIZE = 2
    now = timezone.now()
    old = ArticlePageFactory(parent=world, slug="old", primary_topic=topic)
    old.authors.add(author)
    old.save()
    publish_at(old, now - dt.timedelta(days=1))
    for _ in range(5):  # five newer articles: the old one is the sixth, on page 3
        ArticlePageFactory(parent=world, primary_topic=topic)
    urls = {url.removeprefix(settings.KISHA_SITE_URL) for url in urls_showing(page=old)}
    assert {"/world/", "/world/?page=2", "/world/?page=3", "/world/?page=4"} <= urls
    assert "/world/?page=5" not in urls
    assert "/topics/us-north-korea/?page=4" in urls
    # Alone on the author's listing: its first page, and the second it would push onto.
    assert {u for u in urls if u.startswith("/authors/yamada-hanako/")} == {
        "/authors/yamada-hanako/",
        "/authors/yamada-hanako/?page=2",
    }

    settings.KISHA_PURGE_LISTING_PAGES = 3  # bounded: never the whole archive
    urls = {url.removeprefix(settings.KISHA_SITE_URL) for url in urls_showing(page=old)}
    assert {u for u in urls if u.startswith("/world/?")} == {"/world/?page=2", "/world/?page=3"}


def test_without_a_front_nothing_waits_for_the_commit(
    settings, front_cache, long_article, django_capture_on_commit_callbacks
):
    def purges_waiting() -> int:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            long_article.save_revision().publish()
        return sum(c.__module__ == "kisha.core.frontend_cache" for c in callbacks)

    front_cache()
    assert purges_waiting() == 1  # one batch per change, whatever the number of URLs
    settings.WAGTAILFRONTENDCACHE = {}
    assert purges_waiting() == 0
