"""IPTC ninjs (News in JSON) 1.x, 2.x and 3.x.

The generations name the same things differently: 1.x has ``headline`` or ``headline_<role>``,
``body_<role>``, ``description_<role>``, ``byline``, ``subject`` and renditions/associations
as objects keyed by name; 2.x has ``headlines``/``bodies``/``descriptions`` lists, ``by``,
``subjects`` and lists of renditions/associations; 3.x is 2.x in camelCase
(``versionCreated``, ``pubStatus``, ``contentType``, ``embargoedUntil``). Keys are therefore
read case-insensitively and every spelling is accepted, so one code path serves all three and
a half-migrated feed still parses.

Only text and composite items become entries; pictures, video, events and plannings are
reported as rejected with a reason. A JSON array, or an object with an ``items`` list, is a batch.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from kisha.wire.decoding import charset_from_content_type, decode_bytes
from kisha.wire.providers.base import (
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
    html_to_text,
    parse_datetime,
    parse_pubstatus,
    parse_urgency,
    parse_version,
    sanitize_html,
    text_field,
    text_to_html,
    version_from_time,
    web_url,
)

logger = logging.getLogger(__name__)

MAX_ITEMS = 10_000
TEXT_TYPES = frozenset({"text", "composite"})
IMAGE_TYPES = frozenset({"picture", "graphic"})
# Roles/content types that mean "this value is markup"; everything else is plain text.
_HTML_HINTS = ("html", "xml", "richtext")
_PREFERRED_ROLES = ("main", "default", "", "simple", "text", "richtext")
_PREFERRED_RENDITIONS = ("highres", "original", "baseimage", "main", "viewimage", "preview")
# Keys only 3.x spells in camelCase; their presence identifies the generation.
_V3_KEYS = frozenset(
    {
        "versionCreated",
        "firstCreated",
        "contentCreated",
        "pubStatus",
        "embargoedUntil",
        "copyrightNotice",
        "copyrightHolder",
        "usageTerms",
        "edNote",
        "altIds",
        "infoSources",
        "representationType",
        "trustIndicators",
        "rightsInfo",
        "digitalSourceType",
        "eventDetails",
        "plannedCoverage",
    }
)


class NinjsProvider(WireProvider):
    """IPTC ninjs documents: one item, a JSON array of items, or ``{"items": [...]}``."""

    name = "ninjs"
    content_types = ("application/ninjs+json", "application/json", "text/json")

    def parse_document(self, data: bytes, *, content_type: str | None) -> ParseResult:
        text = decode_bytes(data, http_charset=charset_from_content_type(content_type))
        try:
            document = json.loads(text)
        except RecursionError:
            raise WireFormatError("ninjs: JSON is nested too deeply to read") from None
        except ValueError as exc:
            raise WireFormatError(f"ninjs: not valid JSON / JSONとして読めません: {exc}") from None
        result = ParseResult()
        for position, item in enumerate(_items(document)):
            guid = item.get("uri") if isinstance(item, dict) else None
            guid = guid[:200] if isinstance(guid, str) else ""
            try:
                if _is_picture(item):
                    result.pictures.append(picture_from_item(item))
                    continue
                entry = entry_from_item(item)
                package, pictures = package_from_associations(item, entry)
                if package is not None:
                    result.packages.append(package)
                    result.pictures.extend(pictures)
                result.entries.append(entry)
            except (EntryInvalid, RecursionError) as exc:
                result.errors.append(EntryError(position, guid, str(exc)))
            except Exception as exc:  # one odd item must never cost the rest of the batch
                logger.exception("ninjs: unexpected failure on item %s", position)
                result.errors.append(EntryError(position, guid, f"unexpected error: {exc!r}"))
        return result


def _items(document: object) -> list[Any]:
    if isinstance(document, list):
        items = document
    elif isinstance(document, dict) and "uri" in document:
        items = [document]
    elif isinstance(document, dict) and "items" in document:
        items = document["items"]
        if not isinstance(items, list):
            raise WireFormatError("ninjs: 'items' must be a JSON array")
    elif isinstance(document, dict):
        raise WireFormatError(
            "ninjs: the JSON object is not a ninjs item (no 'uri') nor a batch (no 'items')"
        )
    else:
        raise WireFormatError(
            f"ninjs: expected a JSON object or array, got {type(document).__name__}"
        )
    if len(items) > MAX_ITEMS:
        raise WireFormatError(f"ninjs: batch of {len(items)} items is over the {MAX_ITEMS} cap")
    return items


def entry_from_item(item: object) -> WireEntry:
    """One ninjs object (any generation) to a :class:`WireEntry`, or :class:`EntryInvalid`."""
    if not isinstance(item, dict):
        raise EntryInvalid(f"item must be a JSON object, got {type(item).__name__}")
    d = _lower_keys(item)
    uri = text_field(d.get("uri"), "uri")
    kind = text_field(d.get("type"), "type") or None
    if kind is not None and kind not in TEXT_TYPES:
        raise EntryInvalid(
            f"ninjs type {kind!r} is not a text item; only text and composite items are ingested"
        )
    headline = _headline(d)
    if not headline:
        raise EntryInvalid("item has no headline (headline, headlines or title)")
    versioncreated = parse_datetime(d.get("versioncreated"), "versioncreated")
    version = parse_version(d.get("version"))
    return WireEntry(
        guid=uri.strip(),
        version=version if version is not None else version_from_time(versioncreated),
        headline=headline,
        body_html=_body_html(d),
        summary=_summary(d),
        byline=collapse(text_field(d.get("by", d.get("byline")), "by")),
        language=text_field(d.get("language"), "language").strip(),
        pubstatus=parse_pubstatus(d.get("pubstatus")),
        urgency=parse_urgency(d.get("urgency")),
        subjects=tuple(_subjects(d)),
        firstcreated=parse_datetime(d.get("firstcreated"), "firstcreated"),
        versioncreated=versioncreated,
        embargoed=parse_datetime(d.get("embargoeduntil", d.get("embargoed")), "embargoed"),
        images=tuple(_images(d)),
        format=f"ninjs-{_generation(item, d)}",
        **_rights(d),
    )


def _rights(d: dict[str, Any]) -> dict[str, str]:
    """copyrightholder, copyrightnotice and usageterms: top-level strings in ninjs 1–2, also
    read from a ``rightsinfo`` object (an object or a one-element list of them)."""
    rights = d.get("rightsinfo")
    if isinstance(rights, list):
        rights = rights[0] if rights else None
    source = {**d, **_lower_keys(rights)} if isinstance(rights, dict) else d
    return {
        "copyright_holder": collapse(text_field(source.get("copyrightholder"), "copyrightholder")),
        "copyright_notice": collapse(text_field(source.get("copyrightnotice"), "copyrightnotice")),
        "usage_terms": collapse(text_field(source.get("usageterms"), "usageterms")),
    }


def _lower_keys(obj: dict[str, Any]) -> dict[str, Any]:
    return {str(key).lower(): value for key, value in obj.items()}


def _generation(raw: dict[str, Any], d: dict[str, Any]) -> str:
    """'1.6', '2.2', '3.1' from the declared standard, else the major version from the keys."""
    standard = d.get("standard", d.get("$standard"))
    if isinstance(standard, dict) and isinstance(standard.get("version"), str):
        return standard["version"][:10]
    if _V3_KEYS & raw.keys():
        return "3"
    if {"headlines", "bodies", "descriptions", "subjects", "by"} & d.keys():
        return "2"
    return "1"


def _variants(d: dict[str, Any], list_key: str, prefix: str) -> list[tuple[str, str, str]]:
    """(role, content type, value) from a 2.x/3.x list and from 1.x ``<prefix>_<role>`` keys."""
    found: list[tuple[str, str, str]] = []
    values = d.get(list_key)
    if values is not None:
        if not isinstance(values, list):
            raise EntryInvalid(f"{list_key} must be a list")
        for value in values:
            if not isinstance(value, dict):
                raise EntryInvalid(f"each of {list_key} must be an object")
            v = _lower_keys(value)
            role = text_field(v.get("role"), f"{list_key}.role").lower()
            found.append(
                (
                    role,
                    text_field(v.get("contenttype"), f"{list_key}.contentType").lower(),
                    text_field(v.get("value"), f"{list_key}.value"),
                )
            )
    for key in sorted(d):
        if key.startswith(prefix + "_"):
            role = key[len(prefix) + 1 :]
            hint = "text/html" if any(h in role for h in _HTML_HINTS) else ""
            found.append((role, hint, text_field(d[key], key)))
    return found


def _rank(role: str) -> int:
    return _PREFERRED_ROLES.index(role) if role in _PREFERRED_ROLES else len(_PREFERRED_ROLES)


def _is_markup(role: str, content_type: str) -> bool:
    return any(h in content_type for h in _HTML_HINTS) or role in ("richtext", "html", "xhtml")


def _headline(d: dict[str, Any]) -> str:
    candidates = _variants(d, "headlines", "headline")
    single = d.get("headline")
    if single is not None:
        candidates.insert(0, ("", "", text_field(single, "headline")))
    candidates = [c for c in candidates if c[2].strip()]
    if candidates:
        role, content_type, value = min(candidates, key=lambda c: _rank(c[0]))
        return html_to_text(value) if _is_markup(role, content_type) else collapse(value)
    return collapse(text_field(d.get("title"), "title"))


def _body_html(d: dict[str, Any]) -> str:
    candidates = [c for c in _variants(d, "bodies", "body") if c[2].strip()]
    markup = [c for c in candidates if _is_markup(c[0], c[1])]
    if markup:
        return sanitize_html(min(markup, key=lambda c: _rank(c[0]))[2])
    if candidates:
        return text_to_html(min(candidates, key=lambda c: _rank(c[0]))[2])
    return ""


def _summary(d: dict[str, Any]) -> str:
    candidates = [c for c in _variants(d, "descriptions", "description") if c[2].strip()]
    plain = [c for c in candidates if not _is_markup(c[0], c[1])]
    if plain:
        return collapse(min(plain, key=lambda c: _rank(c[0]))[2])
    if candidates:
        return html_to_text(min(candidates, key=lambda c: _rank(c[0]))[2])
    return ""


def _subjects(d: dict[str, Any]) -> Iterable[Subject]:
    values = d.get("subjects", d.get("subject"))
    if values is None:
        return
    if not isinstance(values, list):
        raise EntryInvalid("subjects must be a list")
    for value in values:
        if not isinstance(value, dict):
            raise EntryInvalid("each subject must be an object")
        v = _lower_keys(value)
        name = collapse(text_field(v.get("name"), "subject.name"))
        scheme = text_field(v.get("scheme"), "subject.scheme")
        code = text_field(v.get("code"), "subject.code")
        code = (scheme + code if scheme and code else code) or text_field(
            v.get("uri"), "subject.uri"
        )
        code = code or text_field(v.get("literal"), "subject.literal") or name
        if code:
            yield Subject(code.strip(), name or code.strip())


def _named(values: object, what: str) -> list[tuple[str, dict[str, Any]]]:
    """1.x objects keyed by name and 2.x/3.x lists with a ``name`` field, as (name, object)."""
    if values is None:
        return []
    if isinstance(values, dict):
        pairs = list(values.items())
    elif isinstance(values, list):
        pairs = [(v.get("name", "") if isinstance(v, dict) else "", v) for v in values]
    else:
        raise EntryInvalid(f"{what} must be an object or a list")
    for _name, value in pairs:
        if not isinstance(value, dict):
            raise EntryInvalid(f"each of {what} must be an object")
    return [(str(name).lower(), _lower_keys(value)) for name, value in pairs]


def _rendition_url(renditions: object) -> str:
    best: tuple[int, int, str] | None = None
    for name, rendition in _named(renditions, "renditions"):
        url = web_url(rendition.get("href"))
        if not url:
            continue
        width = rendition.get("width")
        width = width if isinstance(width, int) and not isinstance(width, bool) else 0
        rank = _PREFERRED_RENDITIONS.index(name) if name in _PREFERRED_RENDITIONS else 99
        candidate = (rank, -width, url)
        best = candidate if best is None or candidate < best else best
    return best[2] if best else ""


# Associations inside associations (a gallery or a sidebar with its own pictures) are read
# this deep; deeper is refused as an entry error rather than silently cut.
MAX_ASSOCIATION_DEPTH = 8


def _associations(d: dict[str, Any], depth: int = 1) -> Iterable[dict[str, Any]]:
    """Every association of an item, depth first in document order: an association's own
    associations follow it, so a story's gallery brings its pictures in the gallery's order."""
    if depth > MAX_ASSOCIATION_DEPTH:
        raise EntryInvalid(
            f"associations nested deeper than {MAX_ASSOCIATION_DEPTH} / 関連付けの入れ子が深すぎます"
        )
    for _name, assoc in _named(d.get("associations"), "associations"):
        yield assoc
        if assoc.get("associations") is not None:
            yield from _associations(assoc, depth + 1)


def _images(d: dict[str, Any]) -> Iterable[WireImage]:
    for assoc in _associations(d):
        kind = assoc.get("type")
        if not isinstance(kind, str) or kind not in IMAGE_TYPES:
            continue
        url = _rendition_url(assoc.get("renditions"))
        if not url:
            continue
        # The picture's own rights, where the association carries them (top level or in a
        # rightsinfo object, as on an item); a rendition may not carry rights in ninjs.
        rights = _rights(assoc)
        credit = assoc.get("by", assoc.get("byline")) or rights["copyright_holder"] or ""
        yield WireImage(
            url=url,
            caption=_summary(assoc) or _headline(assoc),
            credit=collapse(text_field(credit, "association.by")),
            copyright_notice=rights["copyright_notice"],
            usage_terms=rights["usage_terms"],
        )


def _is_picture(item: object) -> bool:
    if not isinstance(item, dict):
        return False
    kind = _lower_keys(item).get("type")
    return isinstance(kind, str) and kind in IMAGE_TYPES


def picture_from_item(item: dict[str, Any]) -> WirePictureEntry:
    """A ninjs picture/graphic item: its best http(s) rendition with caption and credit."""
    d = _lower_keys(item)
    uri = text_field(d.get("uri"), "uri").strip()
    url = _rendition_url(d.get("renditions"))
    if not url:
        raise EntryInvalid("picture has no http(s) rendition to show")
    versioncreated = parse_datetime(d.get("versioncreated"), "versioncreated")
    version = parse_version(d.get("version"))
    rights = _rights(d)
    credit = d.get("by", d.get("byline")) or rights["copyright_holder"] or ""
    return WirePictureEntry(
        guid=uri,
        version=version if version is not None else version_from_time(versioncreated),
        url=url,
        caption=_summary(d) or _headline(d),
        credit=collapse(text_field(credit, "by"))[:300],
        pubstatus=parse_pubstatus(d.get("pubstatus")),
        copyright_notice=rights["copyright_notice"],
        usage_terms=rights["usage_terms"],
    )


def package_from_associations(
    item: dict[str, Any], entry: WireEntry
) -> tuple[WirePackageEntry | None, list[WirePictureEntry]]:
    """The story's pictures as a package when any picture association is sent by reference
    (a ``uri`` and no usable rendition): those arrive as their own items, maybe later.

    The package lists every picture association in order, by uri; those carried whole are
    returned as pictures too, so the package finds them without waiting.
    """
    d = _lower_keys(item)
    members: list[PackageMember] = [PackageMember(entry.guid, "text")]
    pictures: list[WirePictureEntry] = []
    by_reference = False
    for assoc in _associations(d):
        kind = assoc.get("type")
        uri = assoc.get("uri")
        if kind is not None and not (isinstance(kind, str) and kind in IMAGE_TYPES):
            continue
        if kind is None and assoc.get("associations") is not None:
            continue  # a container without a type: its pictures follow it
        if not isinstance(uri, str) or not uri.strip():
            continue
        if uri.strip() == entry.guid:
            raise EntryInvalid(
                "an association references the item itself / 自分自身を参照しています"
            )
        if _rendition_url(assoc.get("renditions")):
            pictures.append(picture_from_item({**assoc, "version": entry.version}))
        else:
            by_reference = True
        members.append(PackageMember(uri.strip(), "picture"))
    if not by_reference:
        return None, []
    package = WirePackageEntry(
        # The package is named after its story; '#associations' keeps it from naming itself.
        guid=entry.guid + "#associations",
        version=entry.version,
        headline=entry.headline,
        members=tuple(members),
        pubstatus=entry.pubstatus,
        format=entry.format,
    )
    return package, pictures
