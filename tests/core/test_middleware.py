"""PublicCacheMiddleware: browsers revalidate, shared caches keep one object per page (long only
when a purging front is configured), an unchanged page revalidates as a bodyless 304, and
nothing that belongs to one reader is ever shared."""

from __future__ import annotations

import pytest

from django.test import Client

from kisha.news.models import AuthorIndexPage

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


@pytest.fixture
def purging(settings):
    settings.WAGTAILFRONTENDCACHE = {
        "front": {
            "BACKEND": "kisha.core.frontend_cache.TimeoutHTTPBackend",
            "LOCATION": "http://127.0.0.1:9",
        }
    }


def test_without_a_purging_front_shared_caches_keep_pages_a_minute(client, article):
    response = client.get(article.url)
    assert response.status_code == 200
    assert directives(response) == {"public", "max-age=0", "must-revalidate", "s-maxage=60"}


def test_with_a_purging_front_shared_caches_keep_pages_an_hour(client, purging, article, home):
    authors = home.add_child(instance=AuthorIndexPage(title="執筆者", slug="authors"))
    for url in (article.url, "/", "/world/", "/world/?page=1", authors.url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response) == {
            "public",
            "max-age=0",
            "must-revalidate",
            "s-maxage=3600",
        }, url
    # A page published later at a missing URL purges that URL: its 404 may be kept long too.
    assert "s-maxage=3600" in directives(client.get("/world/not-yet/"))


def test_what_no_purge_reaches_keeps_the_short_lifetime(client, purging, article):
    """Search results change with every publish and are never purged: a minute at most."""
    response = client.get("/search/", {"q": "米朝"})
    assert response.status_code == 200
    assert directives(response) == {"public", "max-age=0", "must-revalidate", "s-maxage=60"}
    assert "s-maxage=60" in directives(client.get("/search/"))


def test_one_page_is_one_cache_object_whatever_the_readers_cookies(client, article):
    plain = client.get(article.url)
    tracked = Client(headers={"cookie": "_ga=GA1.2.123456789.1700000000; _gid=GA1.2.1"})
    with_cookies = tracked.get(article.url)
    assert with_cookies.status_code == 200
    assert directives(with_cookies) == directives(plain)
    assert "cookie" not in vary(plain) and "cookie" not in vary(with_cookies)
    assert "accept-encoding" not in vary(plain)  # Kisha never compresses HTML; the front does
    assert with_cookies["ETag"] == plain["ETag"]
    assert not with_cookies.cookies and not plain.cookies


def test_an_unchanged_page_revalidates_as_a_304_without_a_body(client, article):
    first = client.get(article.url)
    assert client.get(article.url)["ETag"] == first["ETag"] and first["ETag"].startswith('"')

    revalidated = client.get(article.url, headers={"if-none-match": first["ETag"]})
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert revalidated["ETag"] == first["ETag"]
    assert "must-revalidate" in directives(revalidated)
    # No new nonce: the browser keeps the policy its stored copy came with.
    assert "Content-Security-Policy" not in revalidated

    article.title = "米朝首脳、非核化で合意　協議は前進"
    article.save_revision().publish()
    changed = client.get(article.url, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "協議は前進" in changed.content.decode()


def test_a_signed_in_editor_is_never_shared(client, article, django_user_model):
    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "pw-long-1!")
    client.force_login(editor)
    response = client.get(article.url)
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response) and "ETag" not in response


def test_no_public_page_renders_a_csrf_token(client, article, home):
    authors = home.add_child(instance=AuthorIndexPage(title="執筆者", slug="authors"))
    for url in ("/", "/world/", article.url, "/topics/us-north-korea/", authors.url, "/search/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        assert "csrftoken" not in response.cookies, url
        assert "public" in directives(response), url


def test_a_password_form_carries_a_csrf_token_and_is_never_shared(client, purging, article):
    """Wagtail's form for a password-restricted page has a CSRF token: that reader's alone."""
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="himitsu"
    )
    response = client.get(article.url)
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)


def test_a_page_unlocked_with_its_password_is_never_shared(client, purging, article):
    """After the password, the reader's session carries the passage and no cookie is set on
    the next answers: without a rule of its own, the full article would go out as public
    (and with no Vary: Cookie, a shared cache would hand it to everyone)."""
    import re

    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="himitsu"
    )
    form = client.get(article.url).content.decode()
    action = re.search(r'action="([^"]+)"', form).group(1).replace("&amp;", "&")
    client.post(action, {"password": "himitsu", "return_url": article.url})
    response = client.get(article.url)
    assert article.lead in response.content.decode()  # unlocked
    assert not response.cookies
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)
    assert restriction.pk


def test_the_etag_leaves_out_the_csp_nonce(rf):
    """Two renders that differ only in their nonce are the same page to a cache."""
    from django.http import HttpResponse

    from kisha.core.middleware import page_etag

    etags = set()
    for nonce in ("n0nceA", "n0nceB"):
        request = rf.get("/")
        request._csp_nonce = nonce
        etags.add(page_etag(request, HttpResponse(f'<script nonce="{nonce}">1</script>')))
    assert len(etags) == 1
