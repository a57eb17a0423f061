"""RSS 2.0 and Atom feeds for the site, each section, topic and author (Django's syndication
framework), with the newest KISHA_FEED_ITEMS articles.

Each item carries the lead as its summary, or the whole text when KISHA_FEED_FULL_TEXT is on
(content:encoded in RSS, content in Atom), the hero photo as media:content with its credit, the
byline, the section and topic as categories, and JST times. Every string passes `xml_text()`:
XML 1.0 cannot carry most control characters, and one in a headline would make the whole feed
unreadable to every reader app. A feed costs the same few queries at any number of articles
(tests/seo/test_feeds.py).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from wagtail.models import Site
from wagtail.rich_text import expand_db_html

from kisha.core.cachetags import author_tag, page_tag, site_tag, tags_add
from kisha.core.models import KishaImage
from kisha.core.sites import site_url
from kisha.core.text import jst_datetime, to_jst
from kisha.news.selectors import (
    CARD_FIELDS,
    article_cards,
    authors,
    byline,
    byline_prefetch,
    corrections,
    section_for,
    sections,
    topic_for,
    topic_pages,
)

from . import conf
from .selectors import absolute, site_root

MEDIA_RENDITION = "width-1200|format-jpeg"  # also the social card's: one rendition for both
MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"

# What XML 1.0 refuses (C0 controls but tab, newline and return; U+FFFE, U+FFFF; lone
# surrogates), and C1 controls and DEL, which it allows but no reader shows.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def xml_text(value) -> str:
    return _NOT_XML.sub("", str(value or ""))


def feed_tags_add(request, *tags: str) -> None:
    """Cache tags (kisha.core.cachetags) so a purge reaches the feed: the site's (a view
    restriction or a move purges it) and what the feed lists (every article publish purges the
    home page, its section, topic and authors: news.services.tags_showing)."""
    site = Site.find_for_request(request)
    if site is not None:
        tags_add(request, site_tag(site.id), *tags)


def absolute_url(path: str) -> str:
    return path if "://" in path else f"{site_url()}{path}"


def media_attrs(image: dict) -> dict[str, str]:
    """The attributes of a photo's media:content: its rendition's URL and size."""
    return {
        "url": image["url"],
        "type": "image/jpeg",
        "medium": "image",
        "width": str(image["width"]),
        "height": str(image["height"]),
    }


class _MediaMixin:
    """media:content for the item's photo; content:encoded / Atom content for the full text."""

    def root_attributes(self):
        attrs = super().root_attributes()
        attrs["xmlns:media"] = MEDIA_NS
        return attrs

    def add_media(self, handler, item):
        image = item.get("image")
        if image:
            handler.addQuickElement("media:content", attrs=media_attrs(image))
            if image["credit"]:
                handler.addQuickElement("media:credit", xml_text(image["credit"]))


class KishaRss(_MediaMixin, Rss201rev2Feed):
    def root_attributes(self):
        attrs = super().root_attributes()
        attrs["xmlns:content"] = CONTENT_NS
        attrs["xmlns:dc"] = DC_NS
        return attrs

    def add_item_elements(self, handler, item):
        # One dc:creator per byline (or the agency), written here: Django would add one more
        # from author_name.
        creators = item.get("creators") or [n for n in (item.get("author_name"),) if n]
        super().add_item_elements(handler, {**item, "author_name": None})
        for name in creators:
            handler.addQuickElement("dc:creator", name)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])
        self.add_media(handler, item)


class KishaAtom(_MediaMixin, Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        self.add_media(handler, item)


def corrections_prefetch() -> Prefetch:
    """The items' corrections in one query (kisha.news.models.ArticleCorrection)."""
    return Prefetch(
        "corrections",
        queryset=corrections().only("id", "article_id", "noted_at", "kind", "text"),
    )


def corrections_html(article) -> str:
    """An article's 訂正・おわび as paragraphs, oldest first, each with its kind and JST time."""
    return "".join(
        f"<p>【{escape(c.get_kind_display())}】（{escape(jst_datetime(c.noted_at))}）"
        f"{escape(c.text)}</p>"
        for c in sorted(article.corrections.all(), key=lambda c: (c.noted_at, c.pk))
    )


def body_html(article, *, images=None, figure=None) -> str:
    """The body's text blocks as HTML, read from the raw stream: converting the stream would
    look up every body photo, a query per article. Photos other than the hero stay on the page,
    unless the caller has loaded them (`images`, by id) and says how to write one (`figure`,
    kisha.seo.aggregators)."""
    parts = []
    for block in article.body.raw_data:
        kind, value = block["type"], block["value"]
        if kind == "image" and images is not None and figure is not None:
            image = images.get(value.get("image"))
            if image is not None:
                parts.append(figure(image, value))
        elif kind == "paragraph":
            parts.append(expand_db_html(value))
        elif kind == "heading":
            parts.append(f"<h2>{escape(value)}</h2>")
        elif kind == "quote":
            cite = value.get("attribution")
            footer = f"<footer>{escape(cite)}</footer>" if cite else ""
            parts.append(f"<blockquote><p>{escape(value.get('text', ''))}</p>{footer}</blockquote>")
    return "".join(parts)


class ArticleFeed(Feed):
    """The site's feed; subclasses narrow `articles()` to a section, topic or author."""

    feed_type = KishaRss
    language = "ja"
    kind = "site"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Django sets Last-Modified from the newest item, but unpublishing an older article
        # changes the feed without changing that time: a reader answered 304 would keep the
        # withdrawn article. Revalidation goes by the ETag of the whole body instead
        # (kisha.core.middleware.PublicCacheMiddleware).
        if response.has_header("Last-Modified"):
            del response["Last-Modified"]
        return response

    # The object and its links

    def get_object(self, request, *args, **kwargs):
        site = Site.find_for_request(request)
        feed_tags_add(request, *([page_tag(site.root_page_id)] if site else []))
        return None

    def articles(self, obj):
        return article_cards()

    def name(self, obj) -> str:
        return ""

    def title(self, obj) -> str:
        name = self.name(obj)
        return xml_text(
            f"{name} | {settings.KISHA_SITE_NAME}" if name else settings.KISHA_SITE_NAME
        )

    def description(self, obj) -> str:
        return xml_text(f"{self.title(obj)}の最新記事")

    def link(self, obj) -> str:
        return f"{site_url()}/"

    def slug(self, obj) -> str:
        return getattr(obj, "slug", "")

    def feed_url(self, obj) -> str:
        return feed_links(self.kind, self.slug(obj))[
            "atom" if self.feed_type is KishaAtom else "rss"
        ]

    # The items: one query for the articles, one for their authors, two for the photos

    def items(self, obj):
        fields = (*CARD_FIELDS, "body") if conf.get("KISHA_FEED_FULL_TEXT") else CARD_FIELDS
        return list(
            self.articles(obj)
            .only(*fields, "wire_credit")
            .prefetch_related(None)
            .prefetch_related(
                Prefetch(
                    "hero_image",
                    queryset=KishaImage.objects.prefetch_renditions(MEDIA_RENDITION),
                ),
                byline_prefetch(),
                corrections_prefetch(),
            )[: conf.get("KISHA_FEED_ITEMS")]
        )

    def item_title(self, item) -> str:
        return xml_text(item.title)

    def item_description(self, item) -> str:
        # Readers take an RSS description (and Atom summary) as HTML; the lead is plain text.
        # The article's corrections follow it, dated, as they do at the article's foot.
        return xml_text(escape(item.lead) + corrections_html(item))

    def item_link(self, item) -> str:
        # From url_path, as the sitemaps do: Wagtail's get_full_url() resolves the site per item
        # (about a seventh of the feed's time at 100,000 articles).
        root = site_root()
        if root is not None and item.url_path.startswith(root.url_path):
            return absolute(root, item.url_path)
        return item.get_full_url() or absolute_url(item.url)

    def item_guid(self, item) -> str:
        return self.item_link(item)

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return to_jst(item.first_published_at)

    def item_updateddate(self, item):
        # The editor's 更新 or the latest correction, never a typo fix (ArticlePage.modified_at).
        return to_jst(item.modified_at)

    def item_author_name(self, item) -> str | None:
        names = [a.name for a in byline(item)] or [item.wire_credit]
        return xml_text("、".join(n for n in names if n)) or None

    def item_categories(self, item) -> list[str]:
        labels = [s.label for s in (section_for(item),) if s]
        labels += [t.title for t in (topic_for(item),) if t]
        return [xml_text(label) for label in labels]

    def item_extra_kwargs(self, item) -> dict:
        extra: dict = {"creators": [xml_text(a.name) for a in byline(item)]}
        if conf.get("KISHA_FEED_FULL_TEXT"):
            lead = f"<p>{escape(item.lead)}</p>" if item.lead else ""
            extra["content"] = xml_text(lead + body_html(item) + corrections_html(item))
        image = item.hero_image
        if image is not None:
            rendition = image.get_rendition(MEDIA_RENDITION)
            extra["image"] = {
                "url": absolute_url(rendition.url),
                "width": rendition.width,
                "height": rendition.height,
                "credit": image.credit_text,
            }
        return extra


class SectionFeed(ArticleFeed):
    kind = "section"

    def get_object(self, request, slug):
        for section in sections():
            if section.slug == slug:
                feed_tags_add(request, page_tag(section.id))
                return section
        raise ObjectDoesNotExist

    def articles(self, obj):
        return article_cards().filter(path__startswith=obj.path, depth__gt=len(obj.path) // 4)

    def name(self, obj) -> str:
        return obj.label

    def link(self, obj) -> str:
        return absolute_url(obj.url)


class TopicFeed(ArticleFeed):
    kind = "topic"

    def get_object(self, request, slug):
        topic = topic_pages().live().public().get(slug=slug)
        feed_tags_add(request, page_tag(topic.id))
        return topic

    def articles(self, obj):
        return article_cards().filter(primary_topic=obj)

    def name(self, obj) -> str:
        return obj.title

    def link(self, obj) -> str:
        return obj.get_full_url()


class AuthorFeed(ArticleFeed):
    kind = "author"

    def get_object(self, request, slug):
        author = authors().get(slug=slug)
        feed_tags_add(request, author_tag(author.id))
        return author

    def articles(self, obj):
        return article_cards().filter(authors=obj)

    def name(self, obj) -> str:
        return obj.name

    def link(self, obj) -> str:
        return absolute_url(obj.url) if obj.url else f"{site_url()}/"


def atom_feed(feed_class):
    return type(f"{feed_class.__name__}Atom", (feed_class,), {"feed_type": KishaAtom})


site_rss, site_atom = ArticleFeed(), atom_feed(ArticleFeed)()
section_rss, section_atom = SectionFeed(), atom_feed(SectionFeed)()
topic_rss, topic_atom = TopicFeed(), atom_feed(TopicFeed)()
author_rss, author_atom = AuthorFeed(), atom_feed(AuthorFeed)()


def feed_links(kind: str = "site", slug: str = "") -> dict[str, str]:
    """The RSS and Atom URLs of one feed, absolute, for <link rel="alternate">."""
    args = [slug] if slug else []
    prefix = "seo:feed" if kind == "site" else f"seo:{kind}-feed"
    return {
        "rss": absolute_url(reverse(f"{prefix}-rss", args=args)),
        "atom": absolute_url(reverse(f"{prefix}-atom", args=args)),
    }
