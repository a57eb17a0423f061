"""IPTC NewsML-G2: a single newsItem or packageItem, or a newsMessage carrying an itemSet.

Text items become entries; their body comes from ``contentSet/inlineXML`` (NITF or XHTML) or
``inlineData`` (plain text). Picture/graphic items become pictures (best http(s) rendition,
caption, credit) and packageItems packages (members from the groupSet, in order), which ingest
joins to their story. conceptItems, video and audio are reported per entry with the reason they
are not articles. Elements are matched by local name, so a feed that forgets the NAR namespace
on inner elements still reads.
"""

from __future__ import annotations

import copy
import logging
import re
import urllib.parse
from collections.abc import Iterable, Iterator

from lxml import etree

from kisha.wire.decoding import charset_from_content_type, xml_to_utf8
from kisha.wire.providers.base import (
    MAX_SUMMARY,
    EntryError,
    EntryInvalid,
    PackageMember,
    ParseResult,
    Subject,
    WireEntry,
    WireFormatError,
    WireImage,
    WirePackageEntry,
    WirePictureEntry,
    WireProvider,
)
from kisha.wire.providers.common import (
    collapse,
    parse_datetime,
    parse_pubstatus,
    parse_urgency,
    parse_version,
    sanitize_html,
    text_to_html,
    web_url,
)
from kisha.wire.xmlsafe import local_name, namespace, parse_xml

logger = logging.getLogger(__name__)

NAR_NS = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_ITEMS = 10_000
TEXT_CLASSES = frozenset({"text"})
PICTURE_CLASSES = frozenset({"picture", "graphic"})
MAX_GROUPS = 1_000
MAX_GROUP_DEPTH = 50
_RENDITIONS = ("highres", "original", "baseimage", "main", "web", "preview", "thumb", "thumbnail")
# NITF block and inline elements that have an HTML equivalent; the rest are unwrapped by nh3,
# keeping their text (person, org, location, money... are semantic spans, not layout).
_NITF_TO_HTML = {"hl1": "h2", "hl2": "h2", "bq": "blockquote", "block": "div", "q": "em"}
_NITF_DROP = frozenset({"media", "table", "nitf-table", "fn", "note"})
_SUMMARY_ROLES = ("drol:summary", "drol:abstract", "")
_SPACES = re.compile(r"[ \t\r\n]+")  # XML whitespace only: keep 全角 spaces


class NewsMLProvider(WireProvider):
    """NewsML-G2 newsItem / newsMessage documents."""

    name = "newsml"
    content_types = (
        "application/vnd.iptc.g2.newsitem+xml",
        "application/vnd.iptc.g2.newsmessage+xml",
        "application/xml",
        "text/xml",
    )

    def parse_document(self, data: bytes, *, content_type: str | None) -> ParseResult:
        utf8 = xml_to_utf8(data, http_charset=charset_from_content_type(content_type))
        root = parse_xml(utf8, label="NewsML-G2")
        root_name = local_name(root)
        if namespace(root) not in (NAR_NS, ""):
            raise WireFormatError(
                f"NewsML-G2: root element <{root_name}> is in namespace {namespace(root)!r}, "
                "not the NewsML-G2 (NAR) namespace"
            )
        if root_name in ("newsItem", "packageItem"):
            items = [root]
        elif root_name == "newsMessage":
            items = [
                item for item_set in _children(root, "itemSet") for item in _elements(item_set)
            ]
        else:
            raise WireFormatError(
                f"NewsML-G2: root element <{root_name}> is not a newsItem, packageItem or "
                "newsMessage / newsItem・packageItem・newsMessage ではありません"
            )
        if len(items) > MAX_ITEMS:
            raise WireFormatError(f"NewsML-G2: {len(items)} items is over the {MAX_ITEMS} cap")
        result = ParseResult()
        for position, item in enumerate(items):
            guid = (item.get("guid") or "")[:200]
            try:
                kind = local_name(item)
                if kind == "packageItem":
                    result.packages.append(package_from_item(item))
                elif kind == "newsItem" and _item_class(item) in PICTURE_CLASSES:
                    result.pictures.append(picture_from_item(item, base_url=self.base_url))
                else:
                    result.entries.append(entry_from_item(item))
            except EntryInvalid as exc:
                result.errors.append(EntryError(position, guid, str(exc)))
            except Exception as exc:  # one odd item must never cost the rest of the message
                logger.exception("NewsML-G2: unexpected failure on item %s", position)
                result.errors.append(EntryError(position, guid, f"unexpected error: {exc!r}"))
        return result


def entry_from_item(item: etree._Element) -> WireEntry:
    """One newsItem element to a :class:`WireEntry`, or :class:`EntryInvalid` saying why not."""
    kind = local_name(item)
    if kind != "newsItem":
        raise EntryInvalid(f"{kind} is not ingested: only newsItem carries an article")
    guid = (item.get("guid") or "").strip()
    if not guid:
        raise EntryInvalid("newsItem has no guid")
    item_meta = _child(item, "itemMeta")
    item_class = _child(item_meta, "itemClass")
    if item_class is None:
        raise EntryInvalid("newsItem has no itemMeta/itemClass, so its kind is unknown")
    class_code = _code(item_class)
    if class_code not in TEXT_CLASSES:
        raise EntryInvalid(
            f"newsItem of class {class_code or '?'!r} is not a text item; only text is ingested"
        )
    content_meta = _child(item, "contentMeta")
    language = _language(item, content_meta)
    nitf = InlineBody.from_content_set(_child(item, "contentSet"))
    pub_status = _child(item_meta, "pubStatus")
    version = parse_version(item.get("version"))
    headline = _pick_text(_children(content_meta, "headline"), language) or nitf.headline
    if not headline:
        raise EntryInvalid("newsItem has no headline")
    return WireEntry(
        guid=guid,
        version=1 if version is None else version,
        headline=headline,
        body_html=nitf.html,
        summary=_summary(content_meta, language) or nitf.summary,
        byline=_byline(content_meta, language) or nitf.byline,
        language=language,
        pubstatus=parse_pubstatus(None if pub_status is None else _code(pub_status)),
        urgency=parse_urgency(_text(_child(content_meta, "urgency"))),
        subjects=tuple(_subjects(content_meta, language)),
        firstcreated=parse_datetime(_text(_child(item_meta, "firstCreated")), "firstCreated"),
        versioncreated=parse_datetime(_text(_child(item_meta, "versionCreated")), "versionCreated"),
        embargoed=parse_datetime(_text(_child(item_meta, "embargoed")), "embargoed"),
        images=tuple(nitf.images),
        format="newsml-g2",
        **_rights(item, language),
    )


def _rights(item: etree._Element, language: str) -> dict[str, str]:
    """The first rightsInfo: copyrightHolder (its name, else its literal), copyrightNotice and
    usageTerms, each in the item's language where the agency sent several."""
    rights = _child(item, "rightsInfo")
    if rights is None:
        return {}
    holder = _child(rights, "copyrightHolder")
    holder_name = ""
    if holder is not None:
        holder_name = _pick_text(_children(holder, "name"), language) or collapse(
            holder.get("literal") or ""
        )
    return {
        "copyright_holder": holder_name,
        "copyright_notice": _pick_text(_children(rights, "copyrightNotice"), language),
        "usage_terms": _pick_text(_children(rights, "usageTerms"), language),
    }


def _item_class(item: etree._Element) -> str:
    item_class = _child(_child(item, "itemMeta"), "itemClass")
    return "" if item_class is None else _code(item_class)


def _status(item: etree._Element):
    pub_status = _child(_child(item, "itemMeta"), "pubStatus")
    return parse_pubstatus(None if pub_status is None else _code(pub_status))


def picture_from_item(item: etree._Element, *, base_url: str | None = None) -> WirePictureEntry:
    """A picture newsItem: its best http(s) rendition (remoteContent), caption and credit."""
    guid = (item.get("guid") or "").strip()
    if not guid:
        raise EntryInvalid("picture newsItem has no guid")
    content_meta = _child(item, "contentMeta")
    language = _language(item, content_meta)
    best: tuple[int, int, str] | None = None
    for remote in _children(_child(item, "contentSet"), "remoteContent"):
        href = (remote.get("href") or "").strip()
        url = web_url(urllib.parse.urljoin(base_url, href) if base_url and href else href)
        if not url:
            continue
        code = (remote.get("rendition") or "").rsplit(":", 1)[-1].lower()
        rank = _RENDITIONS.index(code) if code in _RENDITIONS else len(_RENDITIONS)
        width = (remote.get("width") or "").strip()
        candidate = (rank, -int(width) if width.isdigit() and len(width) < 7 else 0, url)
        best = candidate if best is None or candidate < best else best
    if best is None:
        raise EntryInvalid("picture has no http(s) rendition (remoteContent href) to show")
    caption = _pick_text(
        _children(content_meta, "description"), language, ("drol:caption", *_SUMMARY_ROLES)
    ) or _pick_text(_children(content_meta, "headline"), language)
    credit = collapse(_text(_child(content_meta, "creditline"))) or _byline(content_meta, language)
    version = parse_version(item.get("version"))
    rights = _rights(item, language)
    return WirePictureEntry(
        guid=guid,
        version=1 if version is None else version,
        url=best[2],
        caption=caption[:MAX_SUMMARY],
        credit=(credit or rights.get("copyright_holder", ""))[:300],
        pubstatus=_status(item),
        copyright_notice=rights.get("copyright_notice", ""),
        usage_terms=rights.get("usage_terms", ""),
    )


def package_from_item(item: etree._Element) -> WirePackageEntry:
    """A packageItem: members from its groupSet, in order from the root group, groupRefs
    followed where they stand; a cycle of groups is refused with its path. An itemRef to
    another package (class composite) is kept as a "package" member and expanded at ingest
    (kisha.wire.ingest.expand_nested_packages)."""
    guid = (item.get("guid") or "").strip()
    if not guid:
        raise EntryInvalid("packageItem has no guid")
    group_set = _child(item, "groupSet")
    groups = {g.get("id") or "": g for g in _children(group_set, "group")}
    if not groups:
        raise EntryInvalid("packageItem has no groupSet/group, so it has no members")
    if len(groups) > MAX_GROUPS:
        raise EntryInvalid(f"packageItem has more than {MAX_GROUPS} groups")
    root_id = (group_set.get("root") or "").strip() if group_set is not None else ""
    root = groups.get(root_id) if root_id else next(iter(groups.values()))
    if root is None:
        raise EntryInvalid(f"groupSet root {root_id!r} names no group")
    members: list[PackageMember] = []
    seen: set[str] = set()
    # Groups walked to the end: a second groupRef to one adds nothing (its members are all
    # seen), and skipping it keeps a hostile lattice of groups linear, not exponential.
    done: set[str] = set()

    def walk(group: etree._Element, path: list[str]) -> None:
        """Depth-first in document order: a referenced group's members come where its groupRef
        stands. A groupRef back to a group on the current path is a cycle, and refused."""
        for ref in _elements(group):
            name = local_name(ref)
            if name == "itemRef":
                residref = (ref.get("residref") or "").strip()
                if not residref or residref in seen:
                    continue
                seen.add(residref)
                ref_class = _child(ref, "itemClass")
                code = "" if ref_class is None else _code(ref_class)
                if code in TEXT_CLASSES:
                    members.append(PackageMember(residref, "text"))
                elif code in PICTURE_CLASSES:
                    members.append(PackageMember(residref, "picture"))
                elif code == "composite":
                    members.append(PackageMember(residref, "package"))
                elif not code:
                    members.append(PackageMember(residref, ""))
                # video, audio, graphics...: not shown with a story; left out.
            elif name == "groupRef":
                idref = (ref.get("idref") or "").strip()
                target = groups.get(idref)
                if target is None:
                    continue
                if idref in path:
                    cycle = " → ".join([*path, idref])
                    raise EntryInvalid(
                        f"package groups form a cycle ({cycle}) / パッケージのグループが循環しています"
                    )
                if idref in done:
                    continue
                if len(path) >= MAX_GROUP_DEPTH:
                    raise EntryInvalid(f"package groups nested deeper than {MAX_GROUP_DEPTH}")
                walk(target, [*path, idref])
        done.add(path[-1])

    walk(root, [root.get("id") or root_id])
    content_meta = _child(item, "contentMeta")
    version = parse_version(item.get("version"))
    return WirePackageEntry(
        guid=guid,
        version=1 if version is None else version,
        headline=_pick_text(_children(content_meta, "headline"), _language(item, content_meta)),
        members=tuple(members),
        pubstatus=_status(item),
        format="newsml-g2",
    )


class InlineBody:
    """What a contentSet yields: sanitised HTML plus NITF head fields used as fallbacks."""

    def __init__(self) -> None:
        self.html = ""
        self.headline = ""
        self.byline = ""
        self.summary = ""
        self.images: list[WireImage] = []

    @classmethod
    def from_content_set(cls, content_set: etree._Element | None) -> InlineBody:
        body = cls()
        if content_set is None:
            return body
        for content in _elements(content_set):
            name = local_name(content)
            if name == "inlineData":
                body.html = text_to_html(content.text or "")
            elif name == "inlineXML":
                for child in _elements(content):
                    body.read_markup(child)
            if body.html:
                break
        return body

    def read_markup(self, element: etree._Element) -> None:
        """An inline NITF document or XHTML fragment (``<html>``, ``<body>``, ``<div>``); other
        elements are ignored. Shared with NewsML 1.2, whose DataContent carries the same."""
        name = local_name(element)
        if name == "nitf":
            self._read_nitf(element)
        elif name in ("html", "body", "div"):
            html_body = _descendant(element, "body")
            self.html = _to_html(element if html_body is None else html_body)

    def _read_nitf(self, nitf: etree._Element) -> None:
        head = _descendant(nitf, "body.head")
        if head is not None:
            self.headline = collapse(_text(_descendant(head, "hl1")))
            self.byline = collapse(_text(_descendant(head, "byline")))
            self.summary = collapse(_text(_descendant(head, "abstract")))
        content = _descendant(nitf, "body.content")
        if content is not None:
            self.images = list(_nitf_images(content))
            self.html = _to_html(content)


def _to_html(container: etree._Element) -> str:
    """The children of an NITF body.content or XHTML body as sanitised HTML."""
    tree = copy.deepcopy(container)
    for element in list(tree.iter()):
        if not isinstance(element.tag, str):
            continue
        name = local_name(element)
        if name in _NITF_DROP and element is not tree:
            _remove_keeping_tail(element)
            continue
        element.tag = _NITF_TO_HTML.get(name, name)
        # Pretty-printing whitespace is insignificant in XML text; keep one space, not the indent.
        element.text = _squash(element.text)
        element.tail = _squash(element.tail)
    parts = [tree.text or ""]
    parts.extend(etree.tostring(child, encoding="unicode", method="html") for child in tree)
    return sanitize_html("".join(parts))


def _remove_keeping_tail(element: etree._Element) -> None:
    """Drop an element but not the text that follows it (lxml's remove() drops its tail)."""
    parent = element.getparent()
    previous = element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _squash(text: str | None) -> str | None:
    return _SPACES.sub(" ", text) if text else text


def _nitf_images(content: etree._Element) -> Iterator[WireImage]:
    for media in content.iter("{*}media", "media"):
        if (media.get("media-type") or "").lower() not in ("image", "photo", "graphic"):
            continue
        reference = _descendant(media, "media-reference")
        url = web_url(None if reference is None else reference.get("source"))
        if url:
            rights = _media_rights(media)
            yield WireImage(
                url=url,
                caption=collapse(_text(_descendant(media, "media-caption"))),
                credit=collapse(_text(_descendant(media, "media-producer"))),
                copyright_notice=rights.get("copyright_notice", ""),
                usage_terms=rights.get("usage_terms", ""),
            )


# NITF has no rights element for a picture; agencies that send them use media-metadata
# name/value pairs named after the IPTC photo metadata fields. Names are compared without case,
# spaces, hyphens or underscores.
_MEDIA_RIGHTS = {
    "copyright": "copyright_notice",
    "copyrightnotice": "copyright_notice",
    "usageterms": "usage_terms",
    "rightsusageterms": "usage_terms",
}


def _media_rights(media: etree._Element) -> dict[str, str]:
    """A NITF picture's copyright notice and usage terms from its media-metadata (the first of
    each)."""
    found: dict[str, str] = {}
    for meta in media.iter("{*}media-metadata", "media-metadata"):
        name = re.sub(r"[\s_-]", "", (meta.get("name") or "").lower())
        field = _MEDIA_RIGHTS.get(name)
        value = collapse(meta.get("value") or "")
        if field and value:
            found.setdefault(field, value)
    return found


def _elements(parent: etree._Element) -> list[etree._Element]:
    return [child for child in parent if isinstance(child.tag, str)]


def _children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    if parent is None:
        return []
    return [child for child in _elements(parent) if local_name(child) == name]


def _child(parent: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(parent, name)
    return found[0] if found else None


def _descendant(parent: etree._Element, name: str) -> etree._Element | None:
    for element in parent.iter():
        if element is not parent and local_name(element) == name:
            return element
    return None


def _text(element: etree._Element | None) -> str:
    return "" if element is None else "".join(element.itertext())


def _code(element: etree._Element) -> str:
    """Code of a qcode (``ninat:text``) or NewsCodes URI (``.../ninature/text``)."""
    value = element.get("qcode") or element.get("uri") or ""
    return value.strip().rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower()


def _language(item: etree._Element, content_meta: etree._Element | None) -> str:
    tag = _child(content_meta, "language")
    if tag is not None and tag.get("tag"):
        return tag.get("tag", "").strip()
    return (item.get(XML_LANG) or "").strip()


def _pick_text(
    elements: Iterable[etree._Element], language: str, roles: tuple[str, ...] = ()
) -> str:
    """The text of the best element: matching role first, then the item's language."""
    candidates = [e for e in elements if collapse(_text(e))]
    if roles:
        candidates = [e for e in candidates if (e.get("role") or "") in roles]
        candidates.sort(key=lambda e: roles.index(e.get("role") or ""))
    for element in candidates:
        if (element.get(XML_LANG) or language) == language:
            return collapse(_text(element))
    return collapse(_text(candidates[0])) if candidates else ""


def _summary(content_meta: etree._Element | None, language: str) -> str:
    return _pick_text(_children(content_meta, "description"), language, _SUMMARY_ROLES)


def _byline(content_meta: etree._Element | None, language: str) -> str:
    by = _pick_text(_children(content_meta, "by"), language)
    if by:
        return by
    names = [_pick_text(_children(c, "name"), language) for c in _children(content_meta, "creator")]
    return ", ".join(name for name in names if name)


def _subjects(content_meta: etree._Element | None, language: str) -> Iterator[Subject]:
    for subject in _children(content_meta, "subject"):
        label = _pick_text(_children(subject, "name"), language)
        code = (subject.get("qcode") or subject.get("uri") or "").strip() or label
        if code:
            yield Subject(code, label or code)
