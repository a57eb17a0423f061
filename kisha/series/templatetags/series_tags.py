"""`{% series_nav page %}`: この連載の他の記事 on an article, one block per series holding it."""

from __future__ import annotations

from django import template

from kisha.core.cachetags import page_tag, tags_add

from ..selectors import series_navs

register = template.Library()


@register.inclusion_tag("series/article_nav.html", takes_context=True)
def series_nav(context, article):
    navs = series_navs(article=article)
    request = context.get("request")
    if request is not None and navs:
        # The block shows these series and headlines: their publish purges this article too.
        shown = {nav.series.id for nav in navs}
        shown.update(a.id for nav in navs for a in (nav.previous, nav.next, *nav.nearby) if a)
        tags_add(request, *(page_tag(page_id) for page_id in shown))
    return {"navs": navs, "current_id": article.id}
