"""Structured data (schema.org JSON-LD) for Google and other crawlers: NewsArticle,
BreadcrumbList, WebSite with a SearchAction, and the publisher as a NewsMediaOrganization.

Which properties, and why, is in docs/distribution.md (Google Search Central's Article,
Breadcrumb and Logo documentation; schema.org for the rest). Every URL is on the one host
(kisha.core.sites) and every time in JST with its +09:00 offset.
"""

from __future__ import annotations

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from kisha.core.sites import site_url
from kisha.core.text import jst_iso
from kisha.news.selectors import ARTICLE_IMAGE_RENDITIONS  # prefetched with the hero

CONTEXT = "https://schema.org"


def _absolute(path: str) -> str:
    return path if "://" in path else f"{site_url()}{path}"


def logo_url() -> str:
    return _absolute(static("seo/logo.png"))


def organization_ref() -> dict:
    return {"@id": f"{site_url()}/#organization"}


def organization() -> dict:
    return {
        "@context": CONTEXT,
        "@type": "NewsMediaOrganization",
        "@id": f"{site_url()}/#organization",
        "name": settings.KISHA_SITE_NAME,
        "url": f"{site_url()}/",
        "logo": {"@type": "ImageObject", "url": logo_url(), "width": 512, "height": 512},
    }


def website() -> dict:
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "@id": f"{site_url()}/#website",
        "url": f"{site_url()}/",
        "name": settings.KISHA_SITE_NAME,
        "inLanguage": "ja",
        "publisher": organization_ref(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{site_url()}{reverse('search:search')}?q={{search_term_string}}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def breadcrumbs(trail: list[tuple[str, str]]) -> dict:
    """`trail`: (name, absolute URL) from the home page down to the page itself."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def article_images(image) -> list[str]:
    if image is None:
        return []
    renditions = image.get_renditions(*ARTICLE_IMAGE_RENDITIONS)
    return [_absolute(renditions[spec].url) for spec in ARTICLE_IMAGE_RENDITIONS]


def news_article(
    *,
    page,
    url: str,
    section,
    authors,
    image,
    page_count: int,
    description: str,
    corrections=(),
) -> dict:
    """One NewsArticle for the whole work: every page of a multi-page article carries the same
    object, identified by the first page's URL, with the pages as its parts."""
    publisher = {
        "@type": "NewsMediaOrganization",
        "@id": f"{site_url()}/#organization",
        "name": settings.KISHA_SITE_NAME,
        "logo": organization()["logo"],
    }
    data = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "@id": f"{url}#article",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": page.title,
        "description": description,
        "inLanguage": "ja",
        "datePublished": jst_iso(page.first_published_at),
        "dateModified": jst_iso(page.modified_at),
        "publisher": publisher,
        "isAccessibleForFree": True,
    }
    images = article_images(image)
    if images:
        data["image"] = images
    if authors:
        data["author"] = [
            {"@type": "Person", "name": a.name, **({"url": _absolute(a.url)} if a.url else {})}
            for a in authors
        ]
    if page.wire_credit:
        agency = {"@type": "NewsMediaOrganization", "name": page.wire_credit}
        data["sourceOrganization"] = agency
        data.setdefault("author", [agency])
    if "author" not in data:  # a staff story without a byline: the publisher wrote it
        data["author"] = [publisher]
    if section is not None:
        data["articleSection"] = section.label
    if corrections:
        # schema.org's CreativeWork.correction: each 訂正・おわび, dated.
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"【{c.get_kind_display()}】{c.text}",
                "datePublished": jst_iso(c.noted_at),
            }
            for c in corrections
        ]
    if page_count > 1:
        data["hasPart"] = [
            {"@type": "WebPage", "url": url if n == 1 else f"{url}{n}/", "position": n}
            for n in range(1, page_count + 1)
        ]
    return data
