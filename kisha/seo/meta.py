"""What a page's <head> tells search engines and social networks: title, description,
canonical URL with its page number, Open Graph and Twitter card.

One function works it out from the template context every page already has, so each page type
gets the same rules (docs/distribution.md names where each rule comes from). Templates only
print the result (kisha/seo/templates/seo/head.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.html import strip_tags

from kisha.core.sites import site_url
from kisha.core.text import jst_iso, truncate_width
from kisha.news.selectors import page_kind

from . import conf, structured
from .feeds import feed_links
from .selectors import ancestor_trail
from .structured import logo_url

# Google shows about 120 Japanese characters of a description; a kanji is two columns.
DESCRIPTION_COLUMNS = 240
# Open Graph and X crop to about 1.91:1; a 1,200-pixel-wide JPEG is what both ask for.
SOCIAL_RENDITION = "width-1200|format-jpeg"


@dataclass
class SocialImage:
    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""
    photo: bool = True  # False for the site logo: X then shows the small card


@dataclass
class HeadMeta:
    title: str
    description: str
    canonical: str
    og_type: str
    og_title: str
    og_description: str
    image: SocialImage | None
    prev: str = ""
    next: str = ""
    site_name: str = field(default_factory=lambda: settings.KISHA_SITE_NAME)
    twitter_site: str = field(default_factory=lambda: conf.get("KISHA_TWITTER_SITE"))
    # ("article:published_time", "2019-12-10T15:00:00+09:00"), … (Open Graph's article type)
    og_extra: list[tuple[str, str]] = field(default_factory=list)
    feeds: list = field(default_factory=list)
    json_ld: list = field(default_factory=list)

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image and self.image.photo else "summary"


def absolute(path: str) -> str:
    """A site-absolute path (`/media/…`, `/static/…`) on the one host (kisha.core.sites)."""
    return path if "://" in path else f"{site_url()}{path}"


def _plain(text: str) -> str:
    return truncate_width(" ".join(strip_tags(text or "").split()), DESCRIPTION_COLUMNS)


def _numbered(title: str, number: int) -> str:
    return f"{title}（{number}ページ目）" if number > 1 else title


def social_image(image) -> SocialImage | None:
    if image is None:
        return None
    rendition = image.get_rendition(SOCIAL_RENDITION)
    return SocialImage(
        url=absolute(rendition.url), width=rendition.width, height=rendition.height, alt=image.alt
    )


def head_meta(context) -> HeadMeta | None:
    """The head of the page being rendered, or None for views without a Wagtail page (they
    write their own, as the search page's `noindex` does)."""
    page = context.get("page")
    if page is None or not hasattr(page, "get_meta_description"):
        return None
    kind = page_kind(page)
    site_name = settings.KISHA_SITE_NAME
    own_url = page.get_full_url() or absolute(page.url or "/")
    author = context.get("author")
    listing = context.get("articles")  # a Paginator page on section, topic and author pages
    prev = next_ = ""

    if kind == "article":
        number = context.get("page_number") or 1
        count = context.get("page_count") or 1
        canonical = f"{own_url}{number}/" if number > 1 else own_url
        if number > 1:
            prev = f"{own_url}{number - 1}/" if number > 2 else own_url
        if number < count:
            next_ = f"{own_url}{number + 1}/"
        name = page.seo_title or page.title
        fallback = page.lead
        og_type = "article"
        og_extra = [("article:published_time", jst_iso(page.first_published_at))]
        if page.updated_at:
            og_extra.append(("article:modified_time", jst_iso(page.updated_at)))
        if context.get("section"):
            og_extra.append(("article:section", context["section"].label))
    else:
        number = getattr(listing, "number", 1) if listing is not None else 1
        base = f"{author.url}" if author is not None else ""
        base = absolute(base) if base else own_url
        canonical = f"{base}?page={number}" if number > 1 else base
        if listing is not None and number > 1:
            prev = f"{base}?page={number - 1}" if number > 2 else base
        if listing is not None and listing.has_next():
            next_ = f"{base}?page={number + 1}"
        name = author.name if author is not None else (page.seo_title or page.title)
        if author is not None:
            fallback = author.bio or f"{author.name}の記事一覧"
        elif kind in ("section", "topic"):
            fallback = page.description or f"{page.title}の最新記事一覧"
        elif kind == "home":
            fallback = conf.site_description()
        else:
            fallback = f"{page.title}の一覧"
        og_type = "website"
        og_extra = []

    description = _plain(page.get_meta_description() or fallback)
    if kind == "home" and number == 1:
        title = page.seo_title if page.seo_title and page.seo_title != site_name else ""
        title = f"{site_name} | {title or 'ニュースと解説'}"
    else:
        title = f"{_numbered(name, number)} | {site_name}"

    sns_image = page.social_image if page.social_image_id else None
    image = social_image(sns_image)
    if image is None and kind == "article":
        image = social_image(context.get("hero"))
    if image is None:
        image = SocialImage(url=logo_url(), width=512, height=512, alt=site_name, photo=False)
    home_url = f"{site_url()}/"
    if kind == "article":
        section = context.get("section")
        first_page = own_url
        trail = [(site_name, home_url)]
        if section is not None:
            trail.append((section.label, absolute(section.url)))
        trail.append((page.title, first_page))
        json_ld = [
            structured.news_article(
                page=page,
                url=first_page,
                section=section,
                authors=context.get("article_authors") or [],
                image=context.get("hero") or sns_image,
                page_count=context.get("page_count") or 1,
                description=description,
                corrections=context.get("corrections") or (),
            ),
            structured.breadcrumbs(trail),
        ]
    elif kind == "home":
        json_ld = [structured.website(), structured.organization()]
    else:
        trail = ancestor_trail(page)
        trail.append((page.title, own_url))
        if author is not None:
            trail.append((author.name, absolute(author.url)))
        json_ld = [structured.breadcrumbs([(n, u) for n, u in trail if u])]

    feeds = [{"title": site_name, **feed_links()}]
    if author is not None:
        feeds.append({"title": f"{author.name} | {site_name}", **feed_links("author", author.slug)})
    elif kind in ("section", "topic"):
        feeds.append({"title": f"{name} | {site_name}", **feed_links(kind, page.slug)})
    return HeadMeta(
        title=title,
        description=description,
        canonical=canonical,
        og_type=og_type,
        og_title=name,
        og_description=_plain(page.social_text) or description,
        image=image,
        prev=prev,
        next=next_,
        og_extra=og_extra,
        json_ld=json_ld,
        feeds=feeds,
    )
