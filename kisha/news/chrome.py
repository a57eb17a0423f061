"""What news gives the site chrome (kisha.core.slots): the section navigation in the header and
the footer, and every card's section and topic labels."""

from __future__ import annotations

from django.template.loader import render_to_string

from .selectors import section_for, sections, topic_for


def _section_nav(context: dict, label: str) -> str:
    """The section links; the header and the footer each name theirs (`label`), since two
    navigation landmarks with one name confuse screen readers (axe: landmark-unique)."""
    page = context.get("page")
    current = None
    if page is not None and getattr(page, "path", None):
        current = next((s.id for s in sections() if page.path.startswith(s.path)), None)
    return render_to_string(
        "components/section_nav.html",
        {"sections": sections(), "current_id": current, "label": label},
    )


def nav_slot(request, context: dict) -> str:
    return _section_nav(context, "セクション")


def footer_nav_slot(request, context: dict) -> str:
    return _section_nav(context, "セクション一覧（フッター）")


def card_labels(page) -> dict:
    """The section (label and URL) and primary topic (title and URL) of `page`, no query."""
    return {"section": section_for(page), "topic": topic_for(page)}
