"""One source of every absolute URL: KISHA_SITE_URL, which the default Site record follows."""

import re

import pytest

from django.core.management import call_command

from wagtail.models import Site

from kisha.core.sites import site_address, site_sync_default, site_url_check, site_url_problem

pytestmark = pytest.mark.django_db


def test_migrations_leave_the_default_site_at_the_configured_url(settings):
    # Wagtail's first migration creates localhost:80; the post_migrate receiver moved it.
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == settings.KISHA_SITE_URL == "http://127.0.0.1:8000"


def test_every_absolute_url_a_reader_or_crawler_gets_names_the_configured_host(
    client, settings, article
):
    base = settings.KISHA_SITE_URL
    html = client.get(article.url).content.decode()
    assert f'<link rel="canonical" href="{base}/world/us-dprk-talks/">' in html
    assert f'<meta property="og:image" content="{base}/' in html
    index = client.get("/sitemap.xml").content.decode()
    sitemap = index + client.get("/sitemap-articles-1.xml").content.decode()
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert f"{base}/sitemap-articles-1.xml" in locs
    assert f"{base}/world/us-dprk-talks/" in locs
    assert all(loc.startswith(f"{base}/") for loc in locs)
    assert "localhost" not in html + sitemap


def test_a_changed_setting_moves_the_site_on_the_next_migrate(client, settings, article):
    settings.KISHA_SITE_URL = "https://news.example.jp"
    call_command("migrate", verbosity=0, interactive=False)  # nothing to apply: post_migrate
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == (
        "news.example.jp",
        443,
        "https://news.example.jp",
    )
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "news.example.jp"]
    html = client.get(article.url, HTTP_HOST="news.example.jp").content.decode()
    assert '<link rel="canonical" href="https://news.example.jp/world/us-dprk-talks/">' in html


def test_an_admin_edit_cannot_make_the_default_site_drift(settings, home):
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "localhost", 80
    site.save()
    site.refresh_from_db()
    assert site.root_url == settings.KISHA_SITE_URL
    other = Site.objects.create(hostname="other.example.jp", port=80, root_page=home)
    assert other.root_url == "http://other.example.jp"  # only the default follows the setting


def test_sync_is_idempotent(settings, home):
    site_sync_default()
    site_sync_default()
    assert Site.objects.get(is_default_site=True).root_url == settings.KISHA_SITE_URL


@pytest.mark.parametrize(
    "url, address",
    [
        ("http://127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("https://news.example.jp", ("news.example.jp", 443)),
        ("http://news.example.jp", ("news.example.jp", 80)),
    ],
)
def test_site_address(url, address):
    assert site_address(url) == address
    assert site_url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "news.example.jp",
        "ftp://news.example.jp",
        "https://news.example.jp:8443",
        "http://news.example.jp:443",
        "https://news.example.jp/kisha",
        "http://news.example.jp:port",
    ],
)
def test_a_url_no_site_record_can_express_fails_the_check(settings, url):
    settings.KISHA_SITE_URL = url
    assert [message.id for message in site_url_check()] == ["kisha.E002"]
