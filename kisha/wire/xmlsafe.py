"""One hardened XML parser for everything Kisha reads from outside.

lxml is configured never to substitute entities, load a DTD or touch the network, and any
document that *declares* entities is refused outright: news formats (NewsML-G2, NITF, RSS,
Atom) have no use for them, and refusing them closes billion-laughs bombs, XXE file reads and
parameter-entity tricks in one rule instead of one defence each. libxml2's own amplification
limit is a second line behind it.
"""

from __future__ import annotations

from lxml import etree

from kisha.wire.errors import WireFormatError

_ENTITY_MESSAGE = (
    "the document declares XML entities, which are refused (entity expansion / external "
    "entity protection) / エンティティ宣言を含むXMLは受け付けません"
)


def _parser(*, recover: bool) -> etree.XMLParser:
    # A fresh parser per call: lxml parsers keep state and are not safe to share across threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
        # Do not pass collect_ids=False: with lxml 6 / libxml2 2.14 it makes the parser load
        # the external DTD subset (local files such as /dev/zero included).
    )


def _check_entities(tree: etree._ElementTree, label: str) -> None:
    for dtd in (tree.docinfo.internalDTD, tree.docinfo.externalDTD):
        if dtd is not None and any(True for _entity in dtd.iterentities()):
            raise WireFormatError(f"{label}: {_ENTITY_MESSAGE}")


def parse_xml(data: bytes, *, label: str) -> etree._Element:
    """Parse well-formed XML safely, or raise :class:`WireFormatError` saying why not."""
    try:
        root = etree.fromstring(data, _parser(recover=False))  # noqa: S320 - hardened parser
    except etree.XMLSyntaxError as exc:
        if "entity" in str(exc).lower() and b"<!ENTITY" in data:
            raise WireFormatError(f"{label}: {_ENTITY_MESSAGE}") from None
        if "network entity" in str(exc) or "external" in str(exc).lower():
            raise WireFormatError(
                f"{label}: the document refers to an external DTD or entity, never fetched"
            ) from None
        raise WireFormatError(
            f"{label}: not well-formed XML / XMLとして読めません: {exc}"
        ) from None
    if root is None:
        raise WireFormatError(f"{label}: the XML document has no root element")
    _check_entities(root.getroottree(), label)
    return root


def ensure_no_entities(data: bytes, *, label: str) -> None:
    """Refuse entity declarations even in XML that is not well-formed (before feedparser).

    Feeds are often sloppy, so this check parses in recovery mode and leaves judging
    well-formedness to feedparser; it only looks at the document type declaration.
    """
    try:
        root = etree.fromstring(data, _parser(recover=True))  # noqa: S320 - hardened parser
    except etree.XMLSyntaxError:
        root = None
    if root is not None:
        _check_entities(root.getroottree(), label)
    elif b"<!ENTITY" in data[:65536]:
        # Unparseable and declaring entities: nothing legitimate looks like this.
        raise WireFormatError(f"{label}: {_ENTITY_MESSAGE}")


def local_name(element: etree._Element) -> str:
    """Tag without its namespace (comments and entities have no tag name)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return etree.QName(tag).localname


def namespace(element: etree._Element) -> str:
    """Namespace URI of an element, '' when it has none."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return etree.QName(tag).namespace or ""
