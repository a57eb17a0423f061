"""Feeds for Japanese news aggregators (docs/distribution.md, "Aggregator feeds"):

- `/feeds/smartnews/`: SmartNews's SmartFormat, RSS 2.0 with the `snf:` namespace — the
  channel logo (`snf:logo`), full text (`content:encoded`), a thumbnail (`media:thumbnail`),
  related links (`snf:relatedLink`) and, when configured, the logo for dark mode
  (`snf:darkModeLogo`) and the publisher's analytics tag (`snf:analytics`).
- `/feeds/partner/`: the contract feed for Yahoo!ニュース-, LINE NEWS- and Gunosy-style
  partners — full text with every photo and its credit, categories and tags, the update time of
  each item, a stable id, and a list of the articles taken down lately (unpublished, deleted
  or put behind a view restriction) so a partner can remove its copy.

Both build on kisha.seo.feeds (the same items, `xml_text()`, JST dates) and always carry the
whole text, whatever KISHA_FEED_FULL_TEXT says: that is what these partners receive under
contract. Both cost a fixed number of queries at any length (tests/seo/test_aggregators.py) and
carry the cache tags that every article publish and unpublish purges (kisha.core.cachetags).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, Q
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import rfc2822_date
from django.utils.html import escape

from wagtail.models import Page, PageLogEntry, Site

from kisha.core.cachetags import page_tag, site_tag, tags_add
from kisha.core.models import KishaImage
from kisha.core.sites import site_url
from kisha.core.text import jst_iso
from kisha.news.selectors import (
    CARD_FIELDS,
    article_content_type_id,
    article_pages,
    byline,
    byline_prefetch,
    home_pages,
    kills,
    restricted_paths,
    section_for,
)

from . import conf
from .feeds import (
    MEDIA_RENDITION,
    ArticleFeed,
    KishaRss,
    absolute_url,
    body_html,
    corrections_html,
    corrections_prefetch,
    media_attrs,
    xml_text,
)
from .structured import logo_url

SNF_NS = "http://www.smartnews.be/snf"
DCTERMS_NS = "http://purl.org/dc/terms/"
# Kisha's own elements in the partner feed (the deleted list). A URN: it names, it resolves to
# nothing, and it stays the same on every deployment.
KISHA_NS = "urn:kisha:partner-feed:1"


def purge_tags_add(request) -> None:
    """Tag the response with every home page (an article's publish or unpublish purges them,
    kisha.news.services.tags_showing) and every site (a view restriction or a move purges its
    site): the feed is then never older than the change, in Kisha's page cache or Varnish."""
    tags_add(request, *(page_tag(home_id) for home_id in home_pages().values_list("id", flat=True)))
    tags_add(request, *(site_tag(path.site_id) for path in Site.get_site_root_paths()))


def _live_now(queryset):
    # A live page whose first publication lies ahead was put there by a script, not by
    # Wagtail's scheduler (which keeps a scheduled page unpublished until its time): an
    # embargo either way, so it waits.
    return queryset.filter(first_published_at__lte=timezone.now())


class _FullTextFeed(ArticleFeed):
    """The whole body with its photos (in place, with captions and credits), every photo's
    rendition and credit, and the items' update times."""

    item_fields = (*CARD_FIELDS, "body", "wire_credit", "hero_caption")

    def __call__(self, request, *args, **kwargs):
        purge_tags_add(request)
        # No Last-Modified: taking an article down changes these feeds (an item leaves, a
        # deleted entry comes) without changing the newest item's time, so a 304 answered from
        # it would keep the old list. The ETag (PublicCacheMiddleware) follows the content.
        response = Feed.__call__(self, request, *args, **kwargs)
        if response.has_header("Last-Modified"):
            del response["Last-Modified"]
        return response

    def prefetches(self) -> list:
        return [
            Prefetch(
                "hero_image", queryset=KishaImage.objects.prefetch_renditions(MEDIA_RENDITION)
            ),
            byline_prefetch(),
            corrections_prefetch(),
        ]

    def items(self, obj):
        articles = list(
            _live_now(self.articles(obj))
            .only(*self.item_fields)
            .prefetch_related(None)
            .prefetch_related(*self.prefetches())[: conf.get("KISHA_FEED_ITEMS")]
        )
        # Body photos of every item in two queries (the images, their renditions).
        ids = {
            block["value"].get("image")
            for article in articles
            for block in article.body.raw_data
            if block["type"] == "image"
        }
        ids.discard(None)
        images = (
            {
                i.id: i
                for i in KishaImage.objects.filter(id__in=ids).prefetch_renditions(MEDIA_RENDITION)
            }
            if ids
            else {}
        )
        for article in articles:
            article.kisha_body_images = images
        return articles

    def item_extra_kwargs(self, item) -> dict:
        extra: dict = {"creators": [xml_text(a.name) for a in byline(item)]}
        photos = []
        if item.hero_image is not None:
            photos.append(_photo(item.hero_image, caption=item.hero_caption))
        for block in item.body.raw_data:
            if block["type"] == "image":
                image = item.kisha_body_images.get(block["value"].get("image"))
                if image is not None:
                    photos.append(_photo(image, caption=block["value"].get("caption", "")))
        extra["photos"] = photos
        if photos and item.hero_image is not None:
            extra["image"] = photos[0]
        # The hero travels as media:content (and SmartNews's media:thumbnail); body photos
        # stay where they stand in the text, with caption and credit.
        lead = f"<p>{escape(item.lead)}</p>" if item.lead else ""
        body = body_html(
            item,
            images=item.kisha_body_images,
            figure=lambda image, value: _figure_html(
                _photo(image, caption=value.get("caption") or "", alt=value.get("alt") or "")
            ),
        )
        extra["content"] = xml_text(lead + body + corrections_html(item))
        extra["modified"] = jst_iso(item.modified_at)
        return extra


def _photo(image, *, caption: str, alt: str = "") -> dict:
    rendition = image.get_rendition(MEDIA_RENDITION)
    return {
        "url": absolute_url(rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        "credit": image.credit_text,
        "caption": caption or "",
        "alt": alt or image.alt,  # the block's own alt text first, as the page does
    }


def _figure_html(photo: dict) -> str:
    caption = f"{photo['caption']}{photo['credit']}"
    figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure><img src="{escape(photo["url"])}" width="{photo["width"]}" '
        f'height="{photo["height"]}" alt="{escape(photo["alt"])}">{figcaption}</figure>'
    )


# SmartNews SmartFormat


class SmartFormatRss(KishaRss):
    def root_attributes(self):
        attrs = super().root_attributes()
        attrs["xmlns:snf"] = SNF_NS
        return attrs

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        # SmartFormat asks for the channel's pubDate, which Django leaves out (it writes
        # lastBuildDate).
        handler.addQuickElement("pubDate", rfc2822_date(self.latest_post_date()))
        handler.startElement("image", {})
        handler.addQuickElement("url", self.feed["logo"])
        handler.addQuickElement("title", self.feed["title"])
        handler.addQuickElement("link", self.feed["link"])
        handler.endElement("image")
        handler.startElement("snf:logo", {})
        handler.addQuickElement("url", self.feed["snf_logo"])
        handler.endElement("snf:logo")
        if self.feed.get("snf_dark_logo"):
            handler.startElement("snf:darkModeLogo", {})
            handler.addQuickElement("url", self.feed["snf_dark_logo"])
            handler.endElement("snf:darkModeLogo")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        image = item.get("image")
        if image:
            handler.addQuickElement("media:thumbnail", attrs={"url": image["url"]})
        for related in item.get("related", ()):
            handler.addQuickElement("snf:relatedLink", attrs=related)
        if item.get("analytics"):
            handler.addQuickElement("snf:analytics", item["analytics"])


def _asset(value: str) -> str:
    """A setting naming a static file ("seo/logo.png") or an absolute URL, as an absolute URL."""
    return absolute_url(static(value)) if value and "://" not in value else value


class SmartNewsFeed(_FullTextFeed):
    """SmartNews's SmartFormat (version 2.x): the site's newest articles in full."""

    feed_type = SmartFormatRss
    ttl = 15  # minutes: SmartFormat's example value; SmartNews polls on its own schedule
    related_count = 3

    def feed_url(self, obj) -> str:
        return absolute_url(reverse("seo:feed-smartnews"))

    def feed_copyright(self, obj) -> str:
        return xml_text(f"© {settings.KISHA_SITE_NAME}")

    def feed_extra_kwargs(self, obj) -> dict:
        logo, dark = (
            _asset(conf.get(name)) for name in ("KISHA_SMARTNEWS_LOGO", "KISHA_SMARTNEWS_DARK_LOGO")
        )
        return {"logo": logo_url(), "snf_logo": logo or logo_url(), "snf_dark_logo": dark}

    def items(self, obj):
        articles = super().items(obj)
        # Related links from the feed's own items (no query): the newest others of the same
        # primary topic, then of the same section.
        for article in articles:
            article.kisha_related = related_among(article, articles, self.related_count)
        return articles

    def item_extra_kwargs(self, item) -> dict:
        extra = super().item_extra_kwargs(item)
        extra["related"] = [
            {
                "title": xml_text(other.title),
                "link": self.item_link(other),
                **(
                    {"thumbnail": absolute_url(other.hero_image.get_rendition(MEDIA_RENDITION).url)}
                    if other.hero_image is not None
                    else {}
                ),
            }
            for other in item.kisha_related
        ]
        analytics = conf.get("KISHA_SMARTNEWS_ANALYTICS")
        if analytics:
            extra["analytics"] = xml_text(analytics)
        return extra


def related_among(article, candidates, count: int) -> list:
    section = section_for(article)
    same_topic = [
        other
        for other in candidates
        if other.id != article.id
        and article.primary_topic_id
        and other.primary_topic_id == article.primary_topic_id
    ]
    same_section = [
        other
        for other in candidates
        if other.id != article.id and other not in same_topic and section_for(other) == section
    ]
    return (same_topic + (same_section if section else []))[:count]


# The partner feed


class PartnerRss(KishaRss):
    def root_attributes(self):
        attrs = super().root_attributes()
        attrs["xmlns:dcterms"] = DCTERMS_NS
        attrs["xmlns:kisha"] = KISHA_NS
        return attrs

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        for gone in self.feed["deleted"]:
            handler.addQuickElement("kisha:deleted", attrs=gone)

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("dcterms:modified", item["modified"])

    def add_media(self, handler, item):
        # Every photo, each with its own credit and caption inside its media:content.
        for photo in item.get("photos", ()):
            handler.startElement("media:content", media_attrs(photo))
            if photo["credit"]:
                handler.addQuickElement("media:credit", xml_text(photo["credit"]))
            if photo["caption"]:
                handler.addQuickElement("media:description", xml_text(photo["caption"]))
            handler.endElement("media:content")


class PartnerFeed(_FullTextFeed):
    """Full text for contract partners, with a stable id per article and the takedowns."""

    feed_type = PartnerRss
    item_guid_is_permalink = False

    def feed_url(self, obj) -> str:
        return absolute_url(reverse("seo:feed-partner"))

    def prefetches(self) -> list:
        return [*super().prefetches(), "tags"]

    def item_guid(self, item) -> str:
        return article_guid(item.id)

    def item_categories(self, item) -> list[str]:
        return [*super().item_categories(item), *(xml_text(t.name) for t in item.tags.all())]

    def feed_extra_kwargs(self, obj) -> dict:
        return {"deleted": deleted_articles()}


def article_guid(article_id: int) -> str:
    """A partner's key for an article: its id on this site, kept through a new slug or a move
    (the URL is not: a partner keying on it would show a moved article twice)."""
    return f"{urlsplit(site_url()).hostname}:article:{article_id}"


RESTRICTED = ("wagtail.view_restriction.create", "wagtail.view_restriction.edit")


def deleted_articles() -> list[dict[str, str]]:
    """Articles taken down in the last KISHA_PARTNER_DELETED_DAYS days and not public again,
    newest first: id, the guid the feed gave them, their last URL when the page still exists,
    and when (JST). From Wagtail's page history (PageLogEntry); at most four queries.

    Taken down: unpublished, deleted, or put behind a view restriction (on the article or on a
    section above it) after it was first published, since a partner must remove its copy of a
    story that became members-only or was hidden for legal reasons. An article unpublished while
    already restricted is left out: its URL was never in a feed."""
    since = timezone.now() - dt.timedelta(days=conf.get("KISHA_PARTNER_DELETED_DAYS"))
    limit = conf.get("KISHA_PARTNER_DELETED_MAX")
    article_type = article_content_type_id()
    rows = list(
        PageLogEntry.objects.filter(timestamp__gte=since)
        .filter(
            Q(action="wagtail.unpublish")
            | Q(action="wagtail.delete", content_type_id=article_type)
            | Q(action__in=RESTRICTED)
        )
        .order_by("-timestamp")
        .values_list("page_id", "action", "timestamp")[:limit]
    )
    pages = {
        page["id"]: page
        for page in Page.objects.filter(id__in={row[0] for row in rows}).values(
            "id", "url_path", "path", "live", "content_type_id"
        )
    }
    restricted = restricted_paths()
    roots = Site.get_site_root_paths()
    gone: dict[int, dict[str, str]] = {}

    taken_at: dict[int, dt.datetime] = {}

    def add(page_id: int, when, url_path: str | None) -> None:
        entry = {"id": str(page_id), "guid": article_guid(page_id), "at": jst_iso(when)}
        url = _url_from_path(url_path, roots) if url_path else ""
        if url:
            entry["url"] = url
        gone[page_id] = entry
        taken_at[page_id] = when

    hidden_under = _restricted_since(rows, pages, restricted)
    for page_id, action, when in rows:
        if action in RESTRICTED:
            for article in hidden_under.get((page_id, when), ()):
                if article["id"] not in gone:
                    add(article["id"], when, article["url_path"])
            continue
        if page_id in gone:
            continue  # the newest entry of a page is its state
        page = pages.get(page_id)
        if page is not None:
            if page["live"] or page["content_type_id"] != article_type:
                continue
            if any(page["path"].startswith(path) for path in restricted):
                continue
        elif action != "wagtail.delete":
            continue
        add(page_id, when, page["url_path"] if page else None)
    _add_kill_reasons(gone, taken_at)
    return sorted(gone.values(), key=lambda e: e["at"], reverse=True)[:limit]


def _add_kill_reasons(gone: dict[int, dict], taken_at: dict[int, dt.datetime]) -> None:
    """The reason of each takedown that was a kill (記事取り消し), as `reason`: the editor's
    words, for the partner's own notice. The latest kill at or before the takedown counts
    unless the article was published again in between. Two queries. A kill whose article was
    deleted since has lost its page, so its entry has no reason."""
    if not gone:
        return
    found: dict[int, tuple] = {}
    for page_id, killed_at, reason in (
        kills()
        .filter(page_id__in=list(gone))
        .order_by("killed_at", "id")
        .values_list("page_id", "killed_at", "reason")
    ):
        if killed_at <= taken_at[page_id]:
            found[page_id] = (killed_at, reason)
    if not found:
        return
    republished = PageLogEntry.objects.filter(
        page_id__in=list(found),
        action__in=("wagtail.publish", "wagtail.publish.scheduled"),
        timestamp__gt=min(at for at, _ in found.values()),
    ).values_list("page_id", "timestamp")
    for page_id, when in republished:
        if page_id in found and found[page_id][0] < when <= taken_at[page_id]:
            del found[page_id]
    for page_id, (_, reason) in found.items():
        if reason:
            gone[page_id]["reason"] = xml_text(reason)


def _restricted_since(rows, pages, restricted: list[str]) -> dict[tuple, list[dict]]:
    """{(restricted page id, when): live articles at or under it, first published before then},
    for the restrictions in `rows` that still stand. One query for all of them."""
    wanted = [
        (page_id, when, pages[page_id]["path"])
        for page_id, action, when in rows
        if action in RESTRICTED
        and page_id in pages
        and any(pages[page_id]["path"].startswith(path) for path in restricted)
    ]
    if not wanted:
        return {}
    under = Q()
    for _, _, path in wanted:
        under |= Q(path__startswith=path)
    articles = list(
        article_pages()
        .live()
        .filter(under)
        .order_by()
        .values("id", "path", "url_path", "first_published_at")[
            : conf.get("KISHA_PARTNER_DELETED_MAX")
        ]
    )
    return {
        (page_id, when): [
            a
            for a in articles
            if a["path"].startswith(path)
            and a["first_published_at"] is not None
            and a["first_published_at"] < when
        ]
        for page_id, when, path in wanted
    }


def _url_from_path(url_path: str, roots) -> str:
    for root in roots:
        if url_path.startswith(root.root_path):
            return f"{root.root_url}/{url_path[len(root.root_path) :]}"
    return ""


smartnews_rss = SmartNewsFeed()
partner_rss = PartnerFeed()
