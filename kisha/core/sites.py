"""Which Wagtail Site answers a request, remembered per process behind the content generation.

Wagtail looks the site up in the database on every request (one query with an annotation,
about a fifth of an uncached article's time). Each process keeps the answer per host and port
until the shared content generation changes (any Site saved or deleted on any server rewrites
it, kisha.core.signals), so every worker follows a changed site from its next request on.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http.request import split_domain_port

from wagtail.models import Site

from .memo import Memo

MAX_HOSTS = 64
_sites: Memo[dict[tuple[str, str], Site | None]] = Memo("sites", dict)


def site_for_request(request) -> Site | None:
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    sites = _sites.get()
    if key not in sites:
        if len(sites) >= MAX_HOSTS:  # only allowed hosts get here, but ALLOWED_HOSTS may be "*"
            sites.clear()
        sites[key] = Site._find_for_request(request)
    return sites[key]


class SiteMiddleware:
    """Set `request._wagtail_site` (where Site.find_for_request looks first) from the memo."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/admin/"):
            request._wagtail_site = site_for_request(request)
        return self.get_response(request)


# One source of every absolute URL: KISHA_SITE_URL. Wagtail builds a page's full URL from the
# Site record (`root_url`: the hostname and port, https only on 443), while feeds, social cards
# and admin links read the setting; two sources drifted apart (canonical links said
# http://localhost/ on a site served at http://127.0.0.1:8000). The setting wins because
# production differs from the demo only by environment variables, and code outside a request
# (tasks, feeds) needs it without a lookup. The default Site's hostname and port are a copy of
# it, written on every `migrate` (post_migrate, so the demo, a deploy and a restore all pass
# through it) and on every save of that Site (an edit in the admin cannot drift either).


def site_url() -> str:
    """The scheme, host and port every absolute URL starts with, without a trailing slash."""
    return settings.KISHA_SITE_URL


def site_address(url: str) -> tuple[str, int]:
    """(hostname, port) of the Site record that gives `url` as its `root_url`."""
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return (parts.hostname or "localhost", parts.port or default)


def site_url_problem(url: str) -> str | None:
    """Why `url` cannot be the root URL of a Wagtail Site, or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must start with http:// or https:// and name a host"
    if parts.path.strip("/") or parts.query or parts.fragment or parts.username:
        return "must be a scheme, host and optional port only (no path, query or user)"
    if parts.scheme == "https" and port not in (None, 443):
        return "https works on port 443 only (a Wagtail Site gives https only for port 443)"
    if parts.scheme == "http" and port == 443:
        return "http on port 443 would be written as https by Wagtail"
    return None


@checks.register()
def site_url_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A KISHA_SITE_URL that a Site record cannot express shows in `manage.py check`."""
    problem = site_url_problem(site_url())
    if problem:
        return [checks.Error(f"KISHA_SITE_URL={site_url()!r}: {problem}", id="kisha.E002")]
    return []


@receiver(pre_save, sender=Site, dispatch_uid="kisha.core.sites.default-follows-setting")
def _default_site_follows_setting(sender, instance: Site, **kwargs) -> None:
    if instance.is_default_site and kwargs.get("raw") is not True:
        instance.hostname, instance.port = site_address(site_url())


def site_sync_default(**kwargs) -> None:
    """Give the default Site the hostname and port of KISHA_SITE_URL (a post_migrate receiver;
    Wagtail's first migration creates it as localhost:80)."""
    hostname, port = site_address(site_url())
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port) != (hostname, port):
        site.save()  # the pre_save receiver writes the address
        Site.clear_site_root_paths_cache()
