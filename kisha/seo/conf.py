"""The app's settings, each with a default, read from django.conf.settings when asked (the
shape of kisha/rankings/conf.py). Tests override them with pytest-django's `settings`."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Feeds carry each article's whole body (True) or its lead only (False, the default: a
    # full-text feed lets anyone republish the site).
    "KISHA_FEED_FULL_TEXT": False,
    # Items per feed: the newest this many.
    "KISHA_FEED_ITEMS": 50,
    # URLs per file of the articles' sitemap: the sitemaps.org protocol's limit is 50,000.
    "KISHA_SITEMAP_URLS": 50_000,
    # The meta description of the home page when its Promote tab leaves it empty.
    "KISHA_SITE_DESCRIPTION": "",
    # SmartNews's snf:logo: a static path ("seo/smartnews-logo.png") or an absolute URL; empty
    # gives the site's square logo. SmartNews asks for a wide one (docs/distribution.md).
    "KISHA_SMARTNEWS_LOGO": "",
    # snf:darkModeLogo, the same way: a logo that reads on SmartNews's dark theme; empty leaves
    # the element out (SmartNews then shows snf:logo).
    "KISHA_SMARTNEWS_DARK_LOGO": "",
    # The analytics tag SmartNews runs in SmartView for each article (snf:analytics), as
    # SmartNews's publisher guide gives it; empty leaves the element out.
    "KISHA_SMARTNEWS_ANALYTICS": "",
    # The partner feed's list of taken-down articles: how many days back, and at most how many.
    "KISHA_PARTNER_DELETED_DAYS": 7,
    "KISHA_PARTNER_DELETED_MAX": 200,
    # The X (Twitter) account of the site, "@name", for twitter:site; empty leaves it out.
    "KISHA_TWITTER_SITE": "",
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def site_description() -> str:
    return get("KISHA_SITE_DESCRIPTION") or (
        f"{settings.KISHA_SITE_NAME}のニュースサイト。国内外の政治、経済、社会の動きを、"
        "速報と解説で伝えます。"
    )
