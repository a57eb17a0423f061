"""`{% magazine_appearances page %}`: the 本誌 … 掲載 line of an article printed in an issue."""

from django import template

from ..selectors import issue_appearances

register = template.Library()


@register.inclusion_tag("magazine/components/appeared_in.html")
def magazine_appearances(page):
    """One query: the live issues whose table of contents lists this article."""
    return {"issues": issue_appearances(article_id=page.id) if page and page.id else []}
