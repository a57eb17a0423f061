"""RSS 0.9x/1.0/2.0 and Atom, read by feedparser from bytes Kisha fetched itself.

feedparser is never handed a URL or a path: given a ``str`` or even ``bytes`` it will try to
open it as one, so it always gets a ``BytesIO``. Before it sees the bytes they are
re-encoded to UTF-8 by :mod:`kisha.wire.decoding` (feedparser falls back to windows-1252 for
undeclared Shift_JIS or EUC-JP, which garbles Japanese) and checked for entity declarations
by :mod:`kisha.wire.xmlsafe`.

Feeds carry no versions or publishing status: ``version`` is the epoch seconds of the entry's
updated (else published) time, so an edited entry re-ingests, and ``pubstatus`` is "usable".
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import logging
import time
from collections.abc import Iterator
from typing import Any

import feedparser

from kisha.wire.decoding import charset_from_content_type, xml_to_utf8
from kisha.wire.providers.base import (
    EntryError,
    EntryInvalid,
    ParseResult,
    Subject,
    WireEntry,
    WireFormatError,
    WireImage,
    WireProvider,
)
from kisha.wire.providers.common import (
    collapse,
    html_to_text,
    sanitize_html,
    text_to_html,
    version_from_time,
    web_url,
)
from kisha.wire.xmlsafe import ensure_no_entities

logger = logging.getLogger(__name__)

MAX_ITEMS = 10_000


class FeedProvider(WireProvider):
    """RSS and Atom feeds (one provider: feedparser tells them apart)."""

    name = "rss"
    content_types = (
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    )

    def _headers(self) -> dict[str, str]:
        headers = {"content-type": "application/xml; charset=utf-8"}
        base = web_url(self.base_url)
        if base:
            # feedparser resolves relative links against Content-Location, as a browser would.
            headers["content-location"] = base
        return headers

    def parse_document(self, data: bytes, *, content_type: str | None) -> ParseResult:
        utf8 = xml_to_utf8(data, http_charset=charset_from_content_type(content_type))
        ensure_no_entities(utf8, label="RSS/Atom")
        parsed = feedparser.parse(
            io.BytesIO(utf8),
            response_headers=self._headers(),
            sanitize_html=True,
            resolve_relative_uris=True,
        )
        if not parsed.get("version") and not parsed.entries:
            reason = parsed.get("bozo_exception")
            raise WireFormatError(
                "RSS/Atom: not a recognisable feed / フィードとして読めません"
                + (f": {reason}" if reason else "")
            )
        if len(parsed.entries) > MAX_ITEMS:
            raise WireFormatError(f"RSS/Atom: {len(parsed.entries)} entries is over the cap")
        feed_format = f"feed-{parsed.get('version') or 'unknown'}"
        feed_language = collapse(parsed.feed.get("language") or "")
        channel_rights = _media_rights(parsed.feed)
        result = ParseResult()
        for position, entry in enumerate(parsed.entries):
            guid = str(entry.get("id") or entry.get("link") or "")[:200]
            try:
                result.entries.append(
                    entry_from_feed(entry, feed_format, feed_language, channel_rights)
                )
            except EntryInvalid as exc:
                result.errors.append(EntryError(position, guid, str(exc)))
            except Exception as exc:  # one odd entry must never cost the rest of the feed
                logger.exception("RSS/Atom: unexpected failure on entry %s", position)
                result.errors.append(EntryError(position, guid, f"unexpected error: {exc!r}"))
        return result


def entry_from_feed(
    entry: Any,
    feed_format: str,
    feed_language: str = "",
    channel_rights: dict[str, str] | None = None,
) -> WireEntry:
    """One feedparser entry to a :class:`WireEntry`, or :class:`EntryInvalid` saying why not."""
    link = web_url(entry.get("link"))
    guid = collapse(entry.get("id") or "") or link
    if not guid:
        raise EntryInvalid("entry has neither a guid/id nor a link")
    headline = html_to_text(entry.get("title") or "")
    if not headline:
        raise EntryInvalid("entry has no title")
    published = _time(entry.get("published_parsed"))
    # `in` first: feedparser's get("updated_parsed") silently falls back to published, with a
    # deprecation warning; the fallback is ours to make, explicitly.
    updated = _time(entry["updated_parsed"]) if "updated_parsed" in entry else None
    updated = updated or published
    summary_html = entry.get("summary") or ""
    body_html = _content(entry)
    if not body_html and summary_html:
        body_html = _as_html(summary_html, entry.get("summary_detail"))
    title_detail = entry.get("title_detail") or {}
    return WireEntry(
        guid=guid,
        version=version_from_time(updated),
        headline=headline,
        body_html=body_html,
        summary=html_to_text(summary_html),
        byline=collapse(entry.get("author") or ""),
        language=collapse(title_detail.get("language") or "") or feed_language,
        subjects=tuple(_subjects(entry)),
        firstcreated=published,
        versioncreated=updated,
        link=link,
        images=tuple(_images(entry, channel_rights)),
        format=feed_format,
    )


def _time(value: time.struct_time | None) -> dt.datetime | None:
    """feedparser's parsed times are UTC struct_times; make them aware datetimes."""
    if not value:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)


def _as_html(value: str, detail: Any) -> str:
    content_type = (detail or {}).get("type") or "text/html"
    return text_to_html(value) if content_type == "text/plain" else sanitize_html(value)


def _content(entry: Any) -> str:
    """Full content (Atom content, RSS content:encoded), preferring HTML over plain text."""
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    contents.sort(key=lambda c: c.get("type") == "text/plain")
    return _as_html(contents[0]["value"], contents[0]) if contents else ""


def _subjects(entry: Any) -> Iterator[Subject]:
    for tag in entry.get("tags") or []:
        term = collapse(tag.get("term") or "")
        label = collapse(tag.get("label") or "") or term
        if term or label:
            yield Subject(term or label, label)


def _media_rights(context: Any) -> dict[str, str]:
    """Media RSS media:copyright and media:license of an entry or a channel.

    feedparser keeps media:copyright as its text, or, when the element has a ``url``
    attribute, as the attributes alone (the text is lost): the URL is then the notice, the one
    pointer to the rights that is left. media:license is its text, else its ``href``."""
    notice = context.get("media_copyright")
    if isinstance(notice, dict):
        notice = notice.get("content") or notice.get("url") or ""
    license_ = context.get("media_license")
    terms = ""
    if isinstance(license_, dict):
        terms = license_.get("content") or license_.get("href") or ""
    elif isinstance(license_, str):
        terms = license_
    return {
        "copyright_notice": collapse(notice if isinstance(notice, str) else ""),
        "usage_terms": collapse(terms if isinstance(terms, str) else ""),
    }


def _images(entry: Any, channel_rights: dict[str, str] | None = None) -> Iterator[WireImage]:
    """Image enclosures and Media RSS content, thumbnails only when nothing else is there.
    feedparser gathers an entry's Media RSS elements into the entry, not per media:content, so
    its credit and rights go with each of its pictures; the channel's media:copyright and
    media:license apply where the entry has none (as Media RSS says of channel elements)."""
    credit = collapse((entry.get("media_credit") or [{}])[0].get("content") or "")
    rights = _media_rights(entry)
    for name, value in (channel_rights or {}).items():
        rights[name] = rights[name] or value
    caption = html_to_text(entry.get("media_description") or "")
    seen: set[str] = set()
    candidates = [
        e.get("href") or e.get("url")
        for e in entry.get("enclosures") or []
        if (e.get("type") or "").startswith("image/")
    ]
    candidates += [
        m.get("url")
        for m in entry.get("media_content") or []
        if m.get("medium") == "image" or (m.get("type") or "").startswith("image/")
    ]
    if not any(candidates):
        candidates = [m.get("url") for m in entry.get("media_thumbnail") or []]
    for candidate in candidates:
        url = web_url(candidate)
        if url and url not in seen:
            seen.add(url)
            yield WireImage(url=url, caption=caption, credit=credit, **rights)
