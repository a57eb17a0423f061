"""The shipped Varnish (deploy/varnish/kisha.vcl) in front of real gunicorn workers.

What it stores and what it never stores, purges by URL and by xkey tag (hard and soft), the
purge ACL, grace while the servers are down, and ESI: pages assembled from the ticker, banner
and rankings fragments. Every test runs the real varnishd (tests/varnish.py); a tiny origin
stands in for Kisha only where Kisha does not send a header yet (xkey) or must misbehave.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from urllib.parse import urlsplit

import pytest
import requests

from django.conf import settings
from django.utils import timezone

from wagtail.models import PageViewRestriction

from kisha.core.frontend_cache import purges_join
from kisha.wire.models import WireSource
from kisha.wire.services import wire_ingest_bytes
from tests.processes import ROOT, free_port, wagtail_initial_data_restore, wait_for_port
from tests.varnish import SHIPPED, VARNISHD, Answer, varnish_missing
from tests.wire.conftest import ninjs_batch, ninjs_item

from .test_deploy import NGINX, FromAddress, nginx_config
from .test_workers import login

# The test site's host (KISHA_SITE_URL): what Kisha's URL purges send.
HOST = {"Host": urlsplit(settings.KISHA_SITE_URL).netloc}
ESI_HEADER = {"Surrogate-Capability": 'kisha="ESI/1.0"'}


def requests_to(server, path: str, *, expected: int) -> int:
    """How many requests for `path` gunicorn answered (its access log: pid method path status).
    A worker logs just after it answers: wait a moment for `expected`, and a moment more for
    any request beyond it."""
    deadline = time.monotonic() + 3
    while True:
        count = sum(1 for fields in server.log_lines() if fields[2] == path)
        if count >= expected or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    return sum(1 for fields in server.log_lines() if fields[2] == path)


def page(origin_headers: dict[str, str], body: str = "本文") -> Answer:
    return Answer(200, body, origin_headers)


CACHEABLE = {"Cache-Control": "public, max-age=0, must-revalidate, s-maxage=3600"}


# --- Without Varnish: the inline form stays exactly as it was ---------------------------------


@pytest.fixture
def wire_source(world, business):
    return WireSource.objects.create(
        name="テスト通信", format="ninjs", credit="テスト通信", default_section=world
    )


def ingest(source, *items):
    return wire_ingest_bytes(source=source, data=ninjs_batch(*items))


def test_without_the_surrogate_header_the_slots_render_inline(client, article, wire_source):
    ingest(wire_source, ninjs_item("urn:inline", headline="港の新しい桟橋が完成"))
    response = client.get(article.url)
    html = response.content.decode()
    assert 'id="wire-ticker"' in html and "港の新しい桟橋が完成" in html
    assert "<esi:" not in html
    assert "Surrogate-Control" not in response
    assert "Vary" not in response


def test_with_the_surrogate_header_the_slots_are_esi_includes(client, article, wire_source):
    ingest(wire_source, ninjs_item("urn:esi", headline="港の新しい桟橋が完成", urgency=1))
    response = client.get(article.url, headers=ESI_HEADER)
    html = response.content.decode()
    assert '<esi:include src="/fragments/ticker/"/>' in html
    assert '<esi:include src="/fragments/banner/"/>' in html
    assert '<esi:include src="/fragments/rankings/"/>' in html
    assert "港の新しい桟橋が完成" not in html  # nothing inline: Varnish fills the includes
    # The assets stay in the page: the scripts still refresh the blocks in the browser.
    assert "wire/ticker.js" in html and "rankings/rankings.js" in html
    assert response["Surrogate-Control"] == 'content="ESI/1.0"'
    assert response["Vary"] == "Surrogate-Capability"
    assert response["Cache-Control"].startswith("public")
    # The fragments themselves are plain, and keep their own short lifetime.
    fragment = client.get("/fragments/ticker/", headers=ESI_HEADER)
    assert "Surrogate-Control" not in fragment
    assert "s-maxage=30" in fragment["Cache-Control"]


def test_an_editor_never_gets_the_esi_form(client, article, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("desk", "desk@example.com"))
    response = client.get(article.url, headers=ESI_HEADER)
    # Varnish never asks for ESI on a passed request; if anything did, the page is private.
    assert "private" in response["Cache-Control"]


# --- The VCL ----------------------------------------------------------------------------------


def test_the_shipped_vcl_compiles(tmp_path):
    reason = varnish_missing()
    if reason:
        pytest.skip(reason)
    result = subprocess.run(
        [VARNISHD, "-C", "-n", str(tmp_path / "n"), "-f", str(SHIPPED / "kisha.vcl")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(autouse=True)
def wagtail_initial_data(request):
    if "transactional_db" in request.fixturenames or "app_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        wagtail_initial_data_restore()


@pytest.fixture
def behind(app_server, varnish, settings):
    """Kisha (gunicorn, two workers) behind the shipped Varnish, and this test process purging
    that Varnish the way Kisha does (TimeoutHTTPBackend: PURGE <path> with the page's Host)."""

    def start(*, by_tag: bool = False, esi: bool = False, **env):
        server = app_server(**env)
        cache = varnish(backends=[server.port], esi=esi)
        backend = "XkeyHTTPBackend" if by_tag else "TimeoutHTTPBackend"
        settings.WAGTAILFRONTENDCACHE = {
            "varnish": {
                "BACKEND": f"kisha.core.frontend_cache.{backend}",
                "LOCATION": cache.url,
            }
        }
        return server, cache

    return start


def test_an_anonymous_page_is_fetched_once_and_then_served_from_the_cache(behind, article):
    server, cache = behind()
    first = cache.get(article.url, headers=HOST)
    assert first.status_code == 200 and article.lead in first.text
    assert first.headers["X-Cache"] == "MISS"
    second = cache.get(article.url, headers=HOST)
    assert second.headers["X-Cache"] == "HIT"
    assert int(second.headers["Age"]) >= 0
    assert second.text == first.text
    # An analytics cookie neither splits nor bypasses the cache.
    third = cache.get(article.url, headers={**HOST, "Cookie": "_ga=GA1.2.345; theme=dark"})
    assert third.headers["X-Cache"] == "HIT"
    assert requests_to(server, article.url, expected=1) == 1
    # Varnish compresses; one object serves both kinds of client.
    gzipped = cache.get(article.url, headers={**HOST, "Accept-Encoding": "gzip"})
    plain = cache.get(article.url, headers={**HOST, "Accept-Encoding": "identity"})
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers and article.lead in plain.text
    assert requests_to(server, article.url, expected=1) == 1
    for answer in (first, second, third, gzipped, plain):
        assert "xkey" not in answer.headers and "Surrogate-Control" not in answer.headers


def test_sessions_tokens_and_private_paths_pass(behind, article):
    server, cache = behind()
    cache.get(article.url, headers=HOST)
    for headers in (
        {"Cookie": "sessionid=abc123"},
        {"Cookie": "_ga=1; csrftoken=xyz"},
        {"Authorization": "Bearer token"},
    ):
        answer = cache.get(article.url, headers={**HOST, **headers})
        assert answer.headers["X-Cache"] == "PASS", headers
    assert requests_to(server, article.url, expected=4) == 4
    for path in ("/admin/login/", "/-/health/"):
        cache.get(path, headers=HOST)
        assert cache.get(path, headers=HOST).headers["X-Cache"] != "HIT"
    # Varnish connects from an allowed address (kisha/core/ops.py): /-/ answers only the
    # kisha_ops ACL; anyone else gets a 404.
    with requests.Session() as outsider:
        outsider.mount("http://", FromAddress("127.0.0.3"))
        answer = outsider.get(cache.url + "/-/health/", headers=HOST, timeout=30)
        assert answer.status_code == 404


def test_a_signed_in_editors_page_is_never_stored(behind, article, django_user_model):
    django_user_model.objects.create_superuser("desk", "desk@example.com", "correct horse 42")
    server, cache = behind()

    class Through:  # tests.core.test_workers.login() signs in through Varnish
        url = cache.url

    session = login(Through, "desk", "correct horse 42")
    # No Host header here: requests would then not send the session cookie it keeps for
    # 127.0.0.1. Every request of this test goes to the one host.
    for _ in range(2):
        answer = session.get(cache.url + article.url, timeout=30)
        assert answer.status_code == 200
        assert answer.headers["X-Cache"] == "PASS"
        assert "private" in answer.headers["Cache-Control"]
        assert "<esi:" not in answer.text and "wagtail-userbar" in answer.text
    anonymous = cache.get(article.url)
    assert anonymous.headers["X-Cache"] == "MISS"  # nothing of the editor's was stored
    assert "wagtail-userbar" not in anonymous.text
    assert requests_to(server, article.url, expected=3) == 3


@pytest.mark.parametrize(
    "restriction_type", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN]
)
def test_a_restricted_page_is_never_stored(behind, article, restriction_type):
    PageViewRestriction.objects.create(
        page=article, restriction_type=restriction_type, password="合言葉-2026"
    )
    server, cache = behind()
    for _ in range(3):
        answer = cache.get(article.url, headers=HOST)
        assert answer.headers["X-Cache"] != "HIT"
        assert article.lead not in answer.text
        if restriction_type == PageViewRestriction.PASSWORD:
            assert answer.status_code == 200 and 'type="password"' in answer.text
        else:
            assert answer.status_code == 302
    assert requests_to(server, article.url, expected=3) == 3


def test_a_publish_purges_the_page_from_varnish(behind, article):
    server, cache = behind()
    assert cache.get(article.url, headers=HOST).headers["X-Cache"] == "MISS"
    assert cache.get(article.url, headers=HOST).headers["X-Cache"] == "HIT"
    article.title = "協議は来月に再開へ　両国が日程で一致"
    article.save_revision().publish()
    purges_join()  # Kisha's own purge: PURGE <path> with Host: localhost, to this Varnish
    answer = cache.get(article.url, headers=HOST)
    assert answer.headers["X-Cache"] == "MISS"
    assert "協議は来月に再開へ" in answer.text


def test_a_publish_purges_by_tag_everything_that_shows_the_article(behind, article, world):
    """KISHA_VARNISH: one xkey soft purge reaches the article, its section and the home page;
    each shows the edit within a second (the first reader may get the old copy once, while
    Varnish fetches the new one)."""
    server, cache = behind(by_tag=True)
    paths = [article.url, world.url, "/"]
    for path in paths:
        cache.get(path, headers=HOST)
        assert cache.get(path, headers=HOST).headers["X-Cache"] == "HIT", path
    article.title = "協議は来月に再開へ　両国が日程で一致"
    article.short_headline = "協議、来月再開へ"
    article.save_revision().publish()
    purges_join()

    def edited(text: str) -> bool:
        old = ("米朝、非核化で合意できず", "非核化の行程で合意できず")
        return "来月" in text and not any(o in text for o in old)

    started = time.monotonic()
    for path in paths:
        while not edited(cache.get(path, headers=HOST).text):
            assert time.monotonic() - started < 1.0, path
            time.sleep(0.02)
    for path in paths:
        assert edited(cache.get(path, headers=HOST).text), path


def test_an_unpublish_purges_by_tag_for_good(behind, article, world):
    """A hard xkey purge: the very next request, from anyone, no longer gets the article."""
    server, cache = behind(by_tag=True)
    for path in (article.url, world.url):
        cache.get(path, headers=HOST)
    article.unpublish()
    purges_join()
    assert cache.get(article.url, headers=HOST).status_code == 404
    assert article.short_headline not in cache.get(world.url, headers=HOST).text


# --- Purges and rules, against a tiny origin ---------------------------------------------------


def test_purge_by_url_answers_with_the_count(varnish, origin):
    origin.answers["/a/"] = page(CACHEABLE)
    cache = varnish(backends=[origin.port])
    cache.get("/a/", headers=HOST)
    assert cache.get("/a/", headers=HOST).headers["X-Cache"] == "HIT"
    answer = cache.purge("/a/", headers=HOST)
    assert answer.status_code == 200 and answer.text.strip() == "Purged 1"
    assert cache.purge("/a/", headers=HOST).text.strip() == "Purged 0"
    assert cache.get("/a/", headers=HOST).headers["X-Cache"] == "MISS"
    # Another host's copy of the same path is another object.
    cache.get("/a/", headers={"Host": "news.example.jp"})
    cache.purge("/a/", headers=HOST)
    assert cache.get("/a/", headers={"Host": "news.example.jp"}).headers["X-Cache"] == "HIT"
    assert origin.hits["/a/"] == 3


def test_xkey_purge_removes_every_tagged_object_and_only_those(varnish, origin):
    origin.answers["/world/a/"] = page({**CACHEABLE, "xkey": "site-2 p15 p3"})
    origin.answers["/world/"] = page({**CACHEABLE, "xkey": "site-2 p3 p16"})
    origin.answers["/business/"] = page({**CACHEABLE, "xkey": "site-2 p4"})
    cache = varnish(backends=[origin.port])
    for path in ("/world/a/", "/world/", "/business/"):
        cache.get(path, headers=HOST)
        assert cache.get(path, headers=HOST).headers["X-Cache"] == "HIT"
        assert "xkey" not in cache.get(path, headers=HOST).headers

    answer = cache.purge("/", headers={**HOST, "xkey-purge": "p15 p3"})
    # xkey counts an object once per key it was purged by: /world/a/ twice, /world/ once.
    assert answer.status_code == 200 and answer.text.strip() == "Purged 3"
    # Hard: the next request is a fetch, never the old object.
    assert cache.get("/world/a/", headers=HOST).headers["X-Cache"] == "MISS"
    assert cache.get("/world/", headers=HOST).headers["X-Cache"] == "MISS"
    assert cache.get("/business/", headers=HOST).headers["X-Cache"] == "HIT"
    assert origin.hits == {"/world/a/": 2, "/world/": 2, "/business/": 1}


def test_xkey_softpurge_serves_the_old_object_once_while_it_is_fetched(varnish, origin):
    origin.answers["/world/a/"] = page({**CACHEABLE, "xkey": "p15"}, "第1版")
    cache = varnish(backends=[origin.port])
    cache.get("/world/a/", headers=HOST)
    origin.answers["/world/a/"] = page({**CACHEABLE, "xkey": "p15"}, "第2版")
    answer = cache.purge("/", headers={**HOST, "xkey-softpurge": "p15 p99"})
    assert answer.status_code == 200 and answer.text.strip() == "Soft-purged 1"
    stale = cache.get("/world/a/", headers=HOST)
    assert stale.headers["X-Cache"] == "HIT-STALE" and stale.text == "第1版"
    deadline = time.monotonic() + 5
    while origin.hits["/world/a/"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the background fetch
    time.sleep(0.2)
    fresh = cache.get("/world/a/", headers=HOST)
    assert fresh.headers["X-Cache"] == "HIT" and fresh.text == "第2版"
    assert origin.hits["/world/a/"] == 2


def test_purge_only_from_the_acl(varnish, origin):
    origin.answers["/a/"] = page({**CACHEABLE, "xkey": "p1"})
    cache = varnish(backends=[origin.port], purgers=["127.0.0.1"])
    cache.get("/a/", headers=HOST)
    with requests.Session() as outsider:
        outsider.mount("http://", FromAddress("127.0.0.3"))  # not in the ACL
        for headers in ({}, {"xkey-purge": "p1"}, {"xkey-softpurge": "p1"}):
            answer = outsider.request("PURGE", cache.url + "/a/", headers={**HOST, **headers})
            assert answer.status_code == 403
        # X-Forwarded-For does not help: the ACL reads the connection's address.
        answer = outsider.request(
            "PURGE", cache.url + "/a/", headers={**HOST, "X-Forwarded-For": "127.0.0.1"}
        )
        assert answer.status_code == 403
    assert cache.get("/a/", headers=HOST).headers["X-Cache"] == "HIT"
    assert cache.purge("/a/", headers=HOST).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {**CACHEABLE, "Set-Cookie": "theme=dark; Path=/"},
        {"Cache-Control": "private, no-store"},
        {"Cache-Control": "public, max-age=0, must-revalidate"},
        {"Cache-Control": "no-cache, s-maxage=600"},
        {},
    ],
    ids=["set-cookie", "private", "no-s-maxage", "no-cache", "no-cache-control"],
)
def test_what_is_never_stored(varnish, origin, headers):
    origin.answers["/x/"] = page(headers)
    cache = varnish(backends=[origin.port])
    for _ in range(3):
        assert cache.get("/x/", headers=HOST).headers["X-Cache"] in {"MISS", "PASS"}
    assert origin.hits["/x/"] == 3


@pytest.mark.parametrize("esi", [False, True])
def test_only_get_and_head_are_cached_and_client_surrogate_headers_are_replaced(
    varnish, origin, esi
):
    origin.answers["/a/"] = page(CACHEABLE)
    cache = varnish(backends=[origin.port], esi=esi)
    cache.get("/a/", headers={**HOST, "Surrogate-Capability": 'evil="ESI/1.0 Other"'})
    sent = origin.seen[-1].get("surrogate-capability")
    assert sent == ('kisha="ESI/1.0"' if esi else None)
    answer = requests.post(cache.url + "/a/", headers=HOST, data="x", timeout=30)
    assert answer.headers["X-Cache"] == "PASS"


def test_grace_serves_the_last_good_page_while_the_server_is_down(behind, article):
    # No purging front configured in the app: pages live KISHA_PAGE_CACHE_SECONDS, here 1 s.
    server, cache = behind(KISHA_PAGE_CACHE_SECONDS="1")
    assert cache.get(article.url, headers=HOST).status_code == 200
    server.kill()
    cache.wait_sick()
    time.sleep(1.2)  # past the page's lifetime
    answer = cache.get(article.url, headers=HOST)
    assert answer.status_code == 200
    assert answer.headers["X-Cache"] == "HIT-STALE"
    assert article.lead in answer.text
    # A page never cached has nothing to fall back on.
    assert cache.get("/never-seen/", headers=HOST).status_code == 503


def test_an_error_from_a_healthy_server_gets_the_last_good_page(varnish, origin):
    """The probe still passes, the page fails: past the 10 s of healthy grace, the second try
    (vcl_deliver's restart) takes the whole grace."""
    origin.answers["/a/"] = page(
        {"Cache-Control": "public, max-age=0, must-revalidate, s-maxage=1"}, "良い版"
    )
    cache = varnish(backends=[origin.port])
    assert cache.get("/a/", headers=HOST).text == "良い版"
    origin.answers["/a/"] = Answer(500, "サーバーエラー", {})
    time.sleep(12)  # past s-maxage and the healthy grace of 10 s
    answer = cache.get("/a/", headers=HOST)
    assert answer.status_code == 200 and answer.text == "良い版"
    assert answer.headers["X-Cache"] == "HIT-STALE"
    # A URL with no good copy gets the server's own error page.
    origin.answers["/b/"] = Answer(500, "サーバーエラー", {})
    failed = cache.get("/b/", headers=HOST)
    assert failed.status_code == 500 and failed.text == "サーバーエラー"


# --- ESI through Varnish -----------------------------------------------------------------------


def test_through_varnish_the_page_is_assembled_from_its_fragments(behind, article, wire_source):
    just_now = timezone.now().isoformat()
    ingest(
        wire_source,
        ninjs_item(
            "urn:esi-1", headline="港の新しい桟橋が完成", urgency=1, versioncreated=just_now
        ),
    )
    server, cache = behind(esi=True)
    first = cache.get(article.url, headers=HOST)
    html = first.text
    assert first.headers["X-Cache"] == "MISS"
    assert "<esi:" not in html
    assert 'id="wire-ticker"' in html and "港の新しい桟橋が完成" in html
    assert 'id="wire-banner"' in html
    assert "rankings/rankings." in html  # the block's assets (hashed names in production)
    assert "ETag" not in first.headers
    # Varnish's own gzip says Vary: Accept-Encoding; Kisha's ESI Vary stays inside.
    assert first.headers["Vary"] == "Accept-Encoding"
    assert requests_to(server, "/fragments/ticker/", expected=1) == 1
    assert requests_to(server, "/fragments/banner/", expected=1) == 1
    assert requests_to(server, "/fragments/rankings/", expected=1) == 1
    # The origin's own answers: inline without the header, ESI with it.
    inline = requests.get(server.url + article.url, headers=HOST, timeout=30).text
    assert "<esi:" not in inline and "港の新しい桟橋が完成" in inline
    raw = requests.get(server.url + article.url, headers={**HOST, **ESI_HEADER}, timeout=30)
    assert '<esi:include src="/fragments/ticker/"/>' in raw.text
    assert raw.headers["Surrogate-Control"] == 'content="ESI/1.0"'

    # The page stays cached for an hour; the ticker inside it is fetched on its own (it
    # expires after KISHA_WIRE_TICKER_SECONDS, 30 s; here it is purged by hand).
    ingest(
        wire_source, ninjs_item("urn:esi-2", headline="新しい図書館が開館", versioncreated=just_now)
    )
    assert cache.purge("/fragments/ticker/", headers=HOST).text.strip() == "Purged 1"
    later = cache.get(article.url, headers=HOST)
    assert later.headers["X-Cache"] == "HIT"
    assert "新しい図書館が開館" in later.text and "港の新しい桟橋が完成" in later.text
    assert (
        requests_to(server, article.url, expected=3) == 3
    )  # Varnish once; the two direct requests above
    # A browser revalidating the assembled page gets it again, never a 304 for stale fragments.
    etag = raw.headers["ETag"]
    again = cache.get(article.url, headers={**HOST, "If-None-Match": etag})
    assert again.status_code == 200


def test_a_failing_fragment_leaves_its_place_empty(varnish, origin):
    origin.answers["/a/"] = page(
        {**CACHEABLE, "Surrogate-Control": 'content="ESI/1.0"'},
        '<main>記事</main><aside><esi:include src="/fragments/ticker/"/></aside>',
    )
    origin.answers["/fragments/ticker/"] = Answer(500, "<h1>Server Error</h1>", {})
    cache = varnish(backends=[origin.port])
    answer = cache.get("/a/", headers=HOST)
    assert answer.status_code == 200
    assert answer.text == "<main>記事</main><aside></aside>"


def test_esi_survives_a_soft_purge_and_revalidation(varnish, origin):
    headers = {
        **CACHEABLE,
        "Surrogate-Control": 'content="ESI/1.0"',
        "xkey": "p7",
        "ETag": '"v1"',
    }
    origin.answers["/a/"] = page(headers, '<p>記事</p><esi:include src="/f/"/>')
    origin.answers["/f/"] = page({"Cache-Control": "public, s-maxage=60"}, "<b>断片</b>")
    cache = varnish(backends=[origin.port])
    assert cache.get("/a/", headers=HOST).text == "<p>記事</p><b>断片</b>"
    cache.purge("/", headers={**HOST, "xkey-softpurge": "p7"})
    for _ in range(3):
        answer = cache.get("/a/", headers=HOST)
        assert answer.text == "<p>記事</p><b>断片</b>"
        time.sleep(0.3)
    assert re.fullmatch(r"HIT(-STALE)?", answer.headers["X-Cache"])


# --- The documented alternative: nginx's proxy_cache (deploy/nginx/kisha-cache.conf) ----------


def nginx_cache_config(tmp_path, *, upstream: int, port: int, static) -> str:
    conf = nginx_config(tmp_path, upstreams=[upstream], port=port, static=static)
    cache = (ROOT / "deploy" / "nginx" / "kisha-cache.conf").read_text()
    cache = cache.replace("/var/cache/nginx/kisha", str(tmp_path / "nginx-cache"))
    (tmp_path / "kisha-cache.conf").write_text(cache)
    text = conf.read_text().replace("http {", f"http {{\n  include {tmp_path}/kisha-cache.conf;", 1)
    if os.getuid() == 0:
        # nginx's workers would drop to www-data, which cannot enter tmp_path for the cache.
        text = "user root;\n" + text
    conf.write_text(text)
    return str(conf)


def test_the_nginx_cache_example_stores_public_pages_only(app_server, article, tmp_path):
    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed (scripts/install-system-packages.sh installs it)")
    server = app_server()
    port = free_port()
    conf = nginx_cache_config(
        tmp_path, upstream=server.port, port=port, static=server.env["STATIC_ROOT"]
    )
    checked = subprocess.run([NGINX, "-t", "-c", conf], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([NGINX, "-c", conf], stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process=process)
        url = f"http://127.0.0.1:{port}{article.url}"
        first = requests.get(url, timeout=30)
        assert first.headers["X-Cache"] == "MISS"
        hit = requests.get(url, headers={"Cookie": "_ga=GA1.2.3"}, timeout=30)
        assert hit.headers["X-Cache"] == "HIT" and article.lead in hit.text
        editor = requests.get(url, headers={"Cookie": "sessionid=abc"}, timeout=30)
        assert editor.headers["X-Cache"] == "BYPASS"
        forged = requests.get(url, headers=ESI_HEADER, timeout=30)
        assert "<esi:" not in forged.text  # nginx drops a client's Surrogate-Capability
        assert requests_to(server, article.url, expected=2) == 2
    finally:
        process.terminate()
        process.wait(10)


def test_the_systemd_drop_in_runs_the_shipped_vcl():
    text = (SHIPPED / "varnish.service.d-kisha.conf").read_text()
    (start,) = [line for line in text.splitlines() if line.startswith("ExecStart=/")]
    argv = start.removeprefix("ExecStart=").split()
    assert argv[0] == "/usr/sbin/varnishd"
    assert argv[argv.index("-f") + 1] == "/etc/varnish/kisha.vcl"
    assert "ExecStart=\n" in text  # clears Debian's own ExecStart first
