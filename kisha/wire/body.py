"""Sanitised wire HTML → the article body's StreamField blocks (paragraph, 小見出し, quote).

The body was already cleaned by nh3 at parse time; it is cleaned again here because it sat in
the database in between, then split at top-level elements so each becomes the block an editor
would have made by hand. Wagtail's rich text stores <b>/<i>, not <strong>/<em>.
"""

from __future__ import annotations

import html

import lxml.html

from kisha.wire.providers.common import collapse, sanitize_html

_RENAME = {"strong": "b", "em": "i"}
_PARAGRAPH_TAGS = {"p", "ul", "ol"}
_HEADING_TAGS = {"h2", "h3"}


def _inline_html(element: lxml.html.HtmlElement) -> str:
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        node.tag = _RENAME.get(node.tag, node.tag)
        for name in list(node.attrib):
            if not (node.tag == "a" and name == "href"):
                del node.attrib[name]
    return lxml.html.tostring(element, encoding="unicode").strip()


def html_to_blocks(markup: str) -> list[dict]:
    """Raw StreamField data for ``ArticlePage.body`` from a wire item's HTML."""
    clean = sanitize_html(markup)
    if not clean:
        return []
    container = lxml.html.fragment_fromstring(clean, create_parent="div")
    blocks: list[dict] = []
    loose: list[str] = []  # text and inline elements outside any paragraph

    def flush() -> None:
        text = "".join(loose).strip()
        loose.clear()
        if text:
            blocks.append({"type": "paragraph", "value": f"<p>{text}</p>"})

    if container.text and container.text.strip():
        loose.append(html.escape(container.text, quote=False))
    for child in container:
        tail = child.tail
        child.tail = None
        if child.tag in _PARAGRAPH_TAGS:
            flush()
            if collapse(child.text_content()):
                blocks.append({"type": "paragraph", "value": _inline_html(child)})
        elif child.tag in _HEADING_TAGS:
            flush()
            text = collapse(child.text_content())
            if text:
                blocks.append({"type": "heading", "value": text[:255]})
        elif child.tag == "blockquote":
            flush()
            text = collapse(child.text_content())
            if text:
                blocks.append({"type": "quote", "value": {"text": text, "attribution": ""}})
        elif child.tag == "br":
            flush()
        else:
            loose.append(_inline_html(child))
        if tail and tail.strip():
            loose.append(html.escape(tail, quote=False))
    flush()
    return blocks


def first_paragraph_text(markup: str, limit: int) -> str:
    """Plain text of the first paragraph, for a lead when the item has no summary."""
    for block in html_to_blocks(markup):
        if block["type"] == "paragraph":
            element = lxml.html.fragment_fromstring(block["value"], create_parent="div")
            return collapse(element.text_content())[:limit]
    return ""
