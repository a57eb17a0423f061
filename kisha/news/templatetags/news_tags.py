from django import template

from kisha.news.selectors import section_for, sections, topic_for

register = template.Library()


@register.inclusion_tag("components/section_nav.html", takes_context=True)
def section_nav(context, label: str = "セクション"):
    """The section links; the header and the footer each name theirs (`label`), since two
    navigation landmarks with one name confuse screen readers (axe: landmark-unique)."""
    page = context.get("page")
    current = None
    if page is not None and getattr(page, "path", None):
        current = next((s.id for s in sections() if page.path.startswith(s.path)), None)
    return {"sections": sections(), "current_id": current, "label": label}


@register.simple_tag
def section_of(page):
    """The section (label and URL) that `page` sits in, without a query."""
    return section_for(page)


@register.simple_tag
def topic_of(page):
    """The primary topic (title and URL) of `page`, without a query."""
    return topic_for(page)
