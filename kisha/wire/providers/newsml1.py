"""IPTC NewsML 1.2: a ``<NewsML>`` document with a NewsEnvelope and one or more NewsItems.

The format agencies delivered for two decades before NewsML-G2 and many still send. Each
NewsItem becomes one entry:

* guid: ``urn:newsml:{ProviderId}:{DateId}:{NewsItemId}`` from Identification/NewsIdentifier
  (the PublicIdentifier without its revision suffix when the parts are missing), so every
  revision of an item lands on the same WireItem;
* version: RevisionId; status from NewsManagement/Status (Usable, Withheld, Canceled; Embargoed
  is usable with the StatusWillChange date as its embargo, or withheld when it has none);
* the NewsComponent tree is walked in document order: text ContentItems (NITF, XHTML or plain
  text in DataContent) are the body, a part after the first with a headline of its own gets it as
  a 小見出し (a multi-part item); a component holding only photos/graphics is one picture, its
  best rendition kept with the component's headline as caption, its credit line and its
  RightsMetadata (copyright notice and usage terms).

Partial updates (NewsItem/Update), items with no text and encoded (base64) text are refused per
entry with a reason. Elements are matched by local name (NewsML 1.2 has no namespace, some
senders add one). The XML goes through the same hardened parser as every other format.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from kisha.wire.decoding import charset_from_content_type, xml_to_utf8
from kisha.wire.providers.base import (
    EntryError,
    EntryInvalid,
    ParseResult,
    PubStatus,
    Subject,
    WireEntry,
    WireFormatError,
    WireImage,
    WireProvider,
)
from kisha.wire.providers.common import (
    collapse,
    parse_datetime,
    parse_urgency,
    parse_version,
    text_to_html,
    web_url,
)
from kisha.wire.providers.newsml import InlineBody
from kisha.wire.xmlsafe import local_name, parse_xml

logger = logging.getLogger(__name__)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_ITEMS = 10_000
MAX_COMPONENT_DEPTH = 20
_TEXT_MEDIA = frozenset({"text", "complexdata"})
_PICTURE_MEDIA = frozenset({"photo", "graphic", "image", "picture"})
# Roles of one picture's renditions, best first; anything else ranks after these.
_RENDITION_ROLES = ("main", "highres", "original", "hires", "quicklook", "preview", "thumbnail")
_CAPTION_ROLES = frozenset({"caption"})
# The PublicIdentifier ends in ``:{RevisionId}{Update}`` (Update: N, A or U).
_REVISION_SUFFIX = re.compile(r":\d+[NAU]?$", re.IGNORECASE)
_STATUSES: dict[str, PubStatus] = {
    "usable": "usable",
    "withheld": "withheld",
    "canceled": "canceled",
    "cancelled": "canceled",
}


class NewsML1Provider(WireProvider):
    """NewsML 1.x documents (1.0–1.2)."""

    name = "newsml1"
    content_types = ("text/vnd.iptc.newsml", "application/vnd.iptc.newsml+xml")

    def parse_document(self, data: bytes, *, content_type: str | None) -> ParseResult:
        utf8 = xml_to_utf8(data, http_charset=charset_from_content_type(content_type))
        if "\ufffd".encode() in utf8 and "\ufffd".encode() not in data:
            # decoding.py keeps what it can of bytes no Japanese or Unicode codec reads; for
            # a whole document that means a wrong or missing encoding, and half-garbled text
            # must not reach the desk as if it were the agency's copy.
            raise WireFormatError(
                "NewsML 1.2: the bytes are not valid in the declared encoding nor in UTF-8, "
                "Shift_JIS or EUC-JP / 文字コードが宣言と一致しないため読めません"
            )
        root = parse_xml(utf8, label="NewsML 1.2")
        root_name = local_name(root)
        if root_name == "NewsML":
            items = _children(root, "NewsItem")
        elif root_name == "NewsItem":
            items = [root]
        else:
            raise WireFormatError(
                f"NewsML 1.2: root element <{root_name}> is not <NewsML> / NewsMLではありません"
            )
        if len(items) > MAX_ITEMS:
            raise WireFormatError(f"NewsML 1.2: {len(items)} items is over the {MAX_ITEMS} cap")
        envelope = _child(root, "NewsEnvelope")
        priority = _formal(_child(envelope, "Priority"))
        result = ParseResult()
        for position, item in enumerate(items):
            try:
                result.entries.append(
                    entry_from_news_item(item, priority=priority, base_url=self.base_url)
                )
            except EntryInvalid as exc:
                result.errors.append(EntryError(position, _guid_or_blank(item)[:200], str(exc)))
            except Exception as exc:  # one odd item must never cost the rest of the document
                logger.exception("NewsML 1.2: unexpected failure on item %s", position)
                result.errors.append(
                    EntryError(position, _guid_or_blank(item)[:200], f"unexpected error: {exc!r}")
                )
        return result


def entry_from_news_item(
    item: etree._Element, *, priority: str = "", base_url: str | None = None
) -> WireEntry:
    """One NewsItem element to a :class:`WireEntry`, or :class:`EntryInvalid` saying why not."""
    guid = _guid(item)
    identifier = _child(_child(item, "Identification"), "NewsIdentifier")
    version = parse_version(_text(_child(identifier, "RevisionId")).strip(), "RevisionId")
    if _child(item, "Update") is not None and _child(item, "NewsComponent") is None:
        raise EntryInvalid(
            "NewsML 1.2 partial update (<Update>) is not supported; the agency must resend "
            "the whole item / 部分更新には対応していません"
        )
    component = _child(item, "NewsComponent")
    if component is None:
        raise EntryInvalid("NewsItem has no NewsComponent, so it carries no content")
    management = _child(item, "NewsManagement")
    pubstatus, embargoed = _status(management)
    language = _language(component)
    content = _Content(base_url=base_url)
    content.walk(component, depth=0, main_headline=_headline(component))
    if not content.has_text:
        kind = "pictures only" if content.images else "no text"
        raise EntryInvalid(f"NewsML 1.2 item has {kind}; only text items are ingested")
    headline = _headline(component) or content.headline
    if not headline:
        raise EntryInvalid("NewsItem has no HeadLine")
    lines = _child(component, "NewsLines")
    return WireEntry(
        guid=guid,
        version=1 if version is None else version,
        headline=headline,
        body_html="".join(content.html),
        summary=content.summary or collapse(_text(_child(lines, "SubHeadLine"))),
        byline=collapse(_text(_child(lines, "ByLine"))) or content.byline,
        language=language,
        pubstatus=pubstatus,
        urgency=parse_urgency(_formal(_child(management, "Urgency")) or priority or None),
        subjects=tuple(_subjects(component)),
        firstcreated=parse_datetime(_text(_child(management, "FirstCreated")), "FirstCreated"),
        versioncreated=parse_datetime(
            _text(_child(management, "ThisRevisionCreated")), "ThisRevisionCreated"
        ),
        embargoed=embargoed,
        images=tuple(content.images),
        format="newsml-1.2",
        **_rights(component),
    )


def _rights(component: etree._Element) -> dict[str, str]:
    """RightsMetadata of a NewsComponent (the top one for the item, a picture's own for the
    picture): Copyright (holder and date, as a notice) and UsageRights (usage type and
    limitations, as the usage terms)."""
    rights = _child(component, "RightsMetadata")
    if rights is None:
        return {}
    copyright_ = _child(rights, "Copyright")
    holder = collapse(_text(_child(copyright_, "CopyrightHolder")))
    date = collapse(_text(_child(copyright_, "CopyrightDate")))
    terms = [
        text
        for usage in _children(rights, "UsageRights")
        for name in ("UsageType", "Limitations")
        if (text := collapse(_text(_child(usage, name))))
    ]
    return {
        "copyright_holder": holder,
        "copyright_notice": f"© {date} {holder}".strip() if holder or date else "",
        "usage_terms": " / ".join(terms),
    }


@dataclass
class _Content:
    """What the NewsComponent tree yields, gathered in document order."""

    base_url: str | None
    html: list[str] = field(default_factory=list)
    images: list[WireImage] = field(default_factory=list)
    headline: str = ""
    summary: str = ""
    byline: str = ""
    has_text: bool = False

    def walk(self, component: etree._Element, *, depth: int, main_headline: str) -> None:
        if depth > MAX_COMPONENT_DEPTH:
            raise EntryInvalid(f"NewsComponents nested deeper than {MAX_COMPONENT_DEPTH}")
        part_headline = _headline(component)
        first_text_here = True
        for child in _elements(component):
            name = _local(child)
            if name == "ContentItem" and _media(child) in _TEXT_MEDIA:
                if _role(component) in _CAPTION_ROLES:
                    continue  # a caption travels with its picture (see _picture)
                html = self._text_item(child)
                if not html:
                    continue
                if (
                    first_text_here
                    and self.has_text
                    and part_headline
                    and part_headline != main_headline
                ):
                    # A later part of a multi-part item: its own headline becomes a 小見出し.
                    self.html.append(f"<h2>{_escape(part_headline)}</h2>")
                first_text_here = False
                self.html.append(html)
                self.has_text = True
            elif name == "NewsComponent":
                if _is_picture(child):
                    picture = _picture(child, self.base_url)
                    if picture is not None:
                        self.images.append(picture)
                else:
                    self.walk(child, depth=depth + 1, main_headline=main_headline)
            elif name == "ContentItem" and _media(child) in _PICTURE_MEDIA:
                # A picture straight inside a text component: one rendition, no caption group.
                picture = _picture(component, self.base_url, only=child)
                if picture is not None:
                    self.images.append(picture)

    def _text_item(self, item: etree._Element) -> str:
        encoding = _formal(_child(item, "Encoding"))
        data = _child(item, "DataContent")
        if data is None:
            return ""  # text by reference (Href) is not fetched: only inline text is read
        if encoding:
            raise EntryInvalid(
                f"encoded DataContent ({encoding}) is not supported; send the text inline"
            )
        markup = _elements(data)
        if not markup:
            return text_to_html(data.text or "")
        body = InlineBody()
        for element in markup:
            body.read_markup(element)
        if not body.html and not body.headline:
            return ""
        self.headline = self.headline or body.headline
        self.summary = self.summary or body.summary
        self.byline = self.byline or body.byline
        self.images.extend(body.images)
        return body.html


def _is_picture(component: etree._Element) -> bool:
    """A component whose content is pictures (with renditions and captions), not text."""
    media = {_media(item) for item in component.iter("{*}ContentItem")}
    if not media & _PICTURE_MEDIA:
        return False
    text_roles = {
        _role(item.getparent())
        for item in component.iter("{*}ContentItem")
        if _media(item) in _TEXT_MEDIA
    }
    return text_roles <= _CAPTION_ROLES


def _picture(
    component: etree._Element, base_url: str | None, *, only: etree._Element | None = None
) -> WireImage | None:
    """The best rendition of one picture component, with its caption and credit."""
    candidates = [only] if only is not None else list(component.iter("{*}ContentItem"))
    best: tuple[int, int, str] | None = None
    for item in candidates:
        if _media(item) not in _PICTURE_MEDIA:
            continue
        href = (item.get("Href") or "").strip()
        url = web_url(urllib.parse.urljoin(base_url, href) if base_url and href else href)
        if not url:
            continue
        role = _role(item.getparent())
        rank = _RENDITION_ROLES.index(role) if role in _RENDITION_ROLES else len(_RENDITION_ROLES)
        candidate = (rank, -_width(item), url)
        best = candidate if best is None or candidate < best else best
    if best is None:
        return None
    lines = _child(component, "NewsLines")
    caption = ""
    for item in component.iter("{*}ContentItem"):
        if _media(item) in _TEXT_MEDIA:
            data = _child(item, "DataContent")
            caption = collapse(_text(data))
            if caption:
                break
    caption = caption or collapse(_text(_child(lines, "HeadLine")))
    credit = collapse(_text(_child(lines, "CreditLine"))) or collapse(
        _text(_child(lines, "CopyrightLine"))
    )
    if not credit:
        creator = _child(_child(component, "AdministrativeMetadata"), "Creator")
        credit = _formal(_child(creator, "Party"))
    # The RightsMetadata of the component holding the picture (for a picture straight inside a
    # text component, that component's).
    rights = _rights(component)
    return WireImage(
        url=best[2],
        caption=caption[:2000],
        credit=(credit or rights.get("copyright_holder", ""))[:300],
        copyright_notice=rights.get("copyright_notice", ""),
        usage_terms=rights.get("usage_terms", ""),
    )


def _width(item: etree._Element) -> int:
    for prop in _children(_child(item, "Characteristics"), "Property"):
        if (prop.get("FormalName") or "").lower() == "width":
            value = (prop.get("Value") or "").strip()
            return int(value) if value.isdigit() and len(value) < 7 else 0
    return 0


def _guid(item: etree._Element) -> str:
    guid = _guid_or_blank(item)
    if not guid:
        raise EntryInvalid(
            "NewsItem has no NewsIdentifier (ProviderId, DateId, NewsItemId) nor PublicIdentifier"
        )
    return guid


def _guid_or_blank(item: etree._Element) -> str:
    identifier = _child(_child(item, "Identification"), "NewsIdentifier")
    parts = [collapse(_text(_child(identifier, n))) for n in ("ProviderId", "DateId", "NewsItemId")]
    if all(parts):
        return "urn:newsml:" + ":".join(parts)
    public = collapse(_text(_child(identifier, "PublicIdentifier")))
    return _REVISION_SUFFIX.sub("", public)


def _status(management: etree._Element | None) -> tuple[PubStatus, dt.datetime | None]:
    """(pubstatus, embargo time) from NewsManagement/Status and StatusWillChange."""
    code = _formal(_child(management, "Status")).lower()
    if not code:
        return "usable", None
    if code in _STATUSES:
        return _STATUSES[code], None
    if code == "embargoed":
        will_change = _child(management, "StatusWillChange")
        when = parse_datetime(_text(_child(will_change, "DateAndTime")).strip(), "StatusWillChange")
        # An embargo with no lift time cannot be timed: hold the item rather than show it.
        return ("usable", when) if when is not None else ("withheld", None)
    raise EntryInvalid(f"Status {code!r} is not Usable, Withheld, Canceled or Embargoed")


def _language(component: etree._Element) -> str:
    language = _child(_child(component, "DescriptiveMetadata"), "Language")
    return (_formal(language) or component.get(XML_LANG) or "").strip()[:64]


def _headline(component: etree._Element) -> str:
    return collapse(_text(_child(_child(component, "NewsLines"), "HeadLine")))


def _subjects(component: etree._Element) -> Iterator[Subject]:
    seen: set[str] = set()
    metadata = _child(component, "DescriptiveMetadata")
    for subject_code in _children(metadata, "SubjectCode"):
        for subject in _elements(subject_code):
            if _local(subject) not in ("Subject", "SubjectMatter", "SubjectDetail"):
                continue
            formal = (subject.get("FormalName") or "").strip()
            if not formal or formal in seen:
                continue
            seen.add(formal)
            # IPTC Subject Codes (8 digits) as the other providers spell them: subj:04000000.
            code = f"subj:{formal}" if formal.isdigit() else formal
            yield Subject(code, formal)


def _media(item: etree._Element) -> str:
    return _formal(_child(item, "MediaType")).lower()


def _role(component: etree._Element | None) -> str:
    return _formal(_child(component, "Role")).lower()


def _formal(element: etree._Element | None) -> str:
    return "" if element is None else (element.get("FormalName") or "").strip()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _elements(parent: etree._Element) -> list[etree._Element]:
    return [child for child in parent if isinstance(child.tag, str)]


# lxml's iterchildren with ``{*}`` matches a local name in any namespace or none, in C: several
# times faster than comparing QName local names in Python, which dominated the parse profile
# (and about twice as fast as find()).
def _children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if parent is None else list(parent.iterchildren("{*}" + name))


def _child(parent: etree._Element | None, name: str) -> etree._Element | None:
    return None if parent is None else next(parent.iterchildren("{*}" + name), None)


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _text(element: etree._Element | None) -> str:
    return "" if element is None else "".join(element.itertext())
