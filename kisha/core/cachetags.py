"""Cache tags: each cacheable response names what it shows, so a change purges exactly the
cached copies that show it — in Varnish (the `xkey` header, read by varnish-modules' xkey) and
in Kisha's own page cache (kisha.core.pagecache).

Tags in use:
  p<id>       a Wagtail page served (its own URL, its continuation and ?page=N pages)
  a<id>       an author's byline or profile
  site-<id>   everything a Wagtail site serves (menus show every section: a section's change)
  missing     Wagtail's 404s (a new page may appear at that URL)
  rankings    the 人気ランキング fragment and JSON
  wire        the ニュース速報 ticker and banner fragments
  corrections the 訂正・おわび list (kisha.news: every article's publish or unpublish purges it)

Views and hooks add tags to the request (`tags_add`); kisha.core.middleware.PublicCacheMiddleware
writes them into the response of every shared-cacheable answer.
"""

from __future__ import annotations

from collections.abc import Iterable

HEADER = "xkey"
MISSING = "missing"
RANKINGS = "rankings"
WIRE = "wire"
CORRECTIONS = "corrections"


def page_tag(page_id: int) -> str:
    return f"p{page_id}"


def author_tag(author_id: int) -> str:
    return f"a{author_id}"


def site_tag(site_id: int) -> str:
    return f"site-{site_id}"


def tags_add(request, *tags: str) -> None:
    """Say that the response to `request` shows `tags`."""
    request.__dict__.setdefault("_kisha_cache_tags", set()).update(tags)


def tags_of(request) -> set[str]:
    return set(request.__dict__.get("_kisha_cache_tags", ()))


def tags_header(tags: Iterable[str]) -> str:
    return " ".join(sorted(set(tags)))


def tags_parse(value: str | None) -> list[str]:
    return sorted({tag for tag in (value or "").split() if tag})
