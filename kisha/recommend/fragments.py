"""The 今、あなたにオススメ blocks on an article page: after the body and in the sidebar slot.

Both are server-rendered from the article's related list (the same for every reader, so the
page stays cacheable) and tagged with each article they show, so that unpublishing one or
changing its headline purges the page (kisha.news.services.tags_showing names `p<id>`). The
per-reader script (static/recommend/recommend.js) swaps each list in place for the reader's
own; the first KISHA_RECOMMEND_MAIN items go after the body, the rest to the sidebar.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from kisha.core.cachetags import page_tag, tags_add
from kisha.news.selectors import article_pages, is_article, section_for

from .conf import conf
from .models import RelatedArticle
from .rules import section_tag
from .selectors import Item, related_items


def _is_article(page) -> bool:
    return is_article(page)


def page_items(request, page) -> list[Item]:
    """The article's related items, once per request (both blocks use them)."""
    cached = getattr(request, "_kisha_recommend", None) if request is not None else None
    if cached is not None and cached[0] == page.id:
        return cached[1]

    limit = int(conf("KISHA_RECOMMEND_STORED"))
    section = section_for(page)
    items = related_items(
        article_id=page.id,
        topic_id=page.primary_topic_id,
        section_id=section.id if section else None,
        limit=limit,
        request=request,
    )
    if request is not None:
        request._kisha_recommend = (page.id, items)
        tags_add(request, *(page_tag(item.id) for item in items))
        if section is not None:
            tags_add(request, section_tag(section.id))
    return items


def split(items: list[Item]) -> tuple[list[Item], list[Item]]:
    main = int(conf("KISHA_RECOMMEND_MAIN"))
    return items[:main], items[main:]


def main_block_html(request, page) -> str:
    """After the article body; empty for any other page or when there is nothing to show."""
    if not _is_article(page):
        return ""
    main, _ = split(page_items(request, page))
    if not main:
        return ""
    return render_to_string(
        "recommend/main.html", {"items": main, "page_id": page.id}, request=request
    )


def recommend_slot(request, context: dict) -> str:
    """The sidebar slot "recommend": the rest of the related list on an article page."""
    page = context.get("page")
    if not _is_article(page):
        return ""
    _, side = split(page_items(request, page))
    if not side:
        return ""
    return render_to_string("recommend/side.html", {"items": side}, request=request)


def related_paths(page) -> list[str]:
    """For fronts purged by URL: the articles whose related list shows `page`
    (kisha.core.frontend_cache.register_purge_paths). Fronts purged by tag need none of it."""

    if not _is_article(page):
        return []
    owners = RelatedArticle.objects.filter(related_id=page.id).values_list("article_id", flat=True)
    paths = []
    for owner in (
        article_pages()
        .filter(id__in=list(owners[:200]))
        .only("id", "path", "depth", "url_path", "locale_id")
    ):
        url = owner.get_url()
        if url and url.startswith("/"):
            paths.append(url)
    return paths
