"""Reads: what may be recommended, an article's related list, and a reader's blend.

Every list is read through the news listing rules (kisha.news.selectors.article_cards: live,
not under a view restriction) and without embargoed or expired pages, at the moment it is shown:
a stored list that names an article unpublished since is simply shorter.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from wagtail.models import Page

from kisha.core.memo import generation_cached
from kisha.news.selectors import article_cards, section_for, topic_for
from kisha.rankings.selectors import rankings_get

from .conf import conf
from .models import RelatedArticle
from .rules import any_rules, apply, rules_for

logger = logging.getLogger("kisha.recommend")
POOL_KEY = "recommend:pool"
# A built related list under one generation key: a later generation never reads it again, so
# this only bounds how long an unused one stays in the cache.
ITEMS_SECONDS = 3600
# The order a reader's list is filled in: r related to what they read, p popular now, f fresh.
BLEND = "rrprfrprfr"


def eligible_articles() -> QuerySet:
    """Articles that may be recommended: live, public, past their go-live time (an embargo
    set on a live page's next revision never leaks through) and not expired."""

    now = timezone.now()
    return (
        article_cards()
        .prefetch_related(None)
        .filter(Q(go_live_at__isnull=True) | Q(go_live_at__lte=now))
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    )


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    url: str
    label: str
    published_at: object  # datetime


def _items(ids: list[int], *, limit: int, request=None) -> list[Item]:
    """The eligible ones of `ids`, in that order, as what a list item shows. With `request`,
    Wagtail keeps the sites' root paths on it rather than asking its cache once per URL."""

    if not ids:
        return []
    pages = {page.id: page for page in eligible_articles().filter(id__in=ids)}
    items = []
    for article_id in ids:
        page = pages.get(article_id)
        if page is None:
            continue
        topic = topic_for(page)
        section = section_for(page) if topic is None else None
        items.append(
            Item(
                id=page.id,
                title=page.card_title,
                url=page.get_url(request) or "",
                label=topic.title if topic else (section.label if section else ""),
                published_at=page.first_published_at,
            )
        )
        if len(items) >= limit:
            break
    return items


def related_ids(*, article_id: int) -> list[int]:
    return list(
        RelatedArticle.objects.filter(article_id=article_id)
        .order_by("rank")
        .values_list("related_id", flat=True)
    )


def _filler_ids(*, seen: set[int], topic_id: int | None, wanted: int) -> list[int]:
    """The topic's latest, then the latest of all, `wanted` ids not in `seen`. Two walks down
    the first_published_at index, each stopping after a few rows: ordering by "same topic
    first" in one query sorted every live article instead (6 ms at 2,000, growing with the
    archive)."""
    found: list[int] = []
    scopes = [Q(primary_topic_id=topic_id), Q()] if topic_id else [Q()]
    for scope in scopes:
        found += (
            eligible_articles()
            .filter(scope)
            .exclude(id__in=seen | set(found))
            .values_list("id", flat=True)[: wanted - len(found)]
        )
        if len(found) >= wanted:
            break
    return found


def related_items(
    *,
    article_id: int,
    topic_id: int | None = None,
    section_id: int | None = None,
    limit: int,
    request=None,
) -> list[Item]:
    """An article's related list, after its section's pins and blocks; short lists are filled
    with the latest of its topic, then the latest of all, so the block keeps its size (the
    per-reader script swaps it in place)."""
    rules = rules_for(section_id)
    ids = apply(related_ids(article_id=article_id), rules, exclude={article_id})
    # What the list shows follows from the stored ids and from what is live, public and
    # pinned, which the content generation covers: so every worker can share the built list
    # until the next publish, restriction or rule change (or a new stored list) changes the key.
    host = request.get_host() if request is not None else ""
    digest = hashlib.blake2b(
        repr((ids, topic_id, limit, host)).encode(), digest_size=12
    ).hexdigest()
    return generation_cached(
        f"recommend:items:{article_id}:{digest}",
        lambda: _related_build(article_id, ids, rules, topic_id, limit, request),
        timeout=ITEMS_SECONDS,
    )


def _related_build(article_id, ids, rules, topic_id, limit, request) -> list[Item]:
    items = _items(ids, limit=limit, request=request)
    if len(items) < limit:
        items += _items(
            _filler_ids(
                seen={article_id, *rules.blocked, *(item.id for item in items)},
                topic_id=topic_id,
                wanted=limit - len(items),
            ),
            limit=limit - len(items),
            request=request,
        )
    return items


def _pool_build() -> dict[str, list[int]]:
    try:
        popular = [entry.article.id for entry in rankings_get(limit=20).get("24h", [])]
    except Exception:  # the rankings are a nice-to-have here: fresh articles still answer
        logger.exception("recommend: rankings unavailable")
        popular = []
    fresh = list(eligible_articles().values_list("id", flat=True)[:20])
    return {"popular": popular, "fresh": fresh}


def pool() -> dict[str, list[int]]:
    """Popular-now and fresh article ids, shared by every worker for a short while."""
    return generation_cached(
        POOL_KEY, _pool_build, timeout=int(conf("KISHA_RECOMMEND_POOL_SECONDS"))
    )


def history_scores(history: list[int]) -> list[int]:
    """Articles related to what the reader read, best first: each read article's list,
    weighted down the further back it was read."""
    if not history:
        return []
    position = {article_id: n for n, article_id in enumerate(history)}
    scores: dict[int, float] = {}
    for owner, related, score in RelatedArticle.objects.filter(
        article_id__in=list(position)
    ).values_list("article_id", "related_id", "score"):
        scores[related] = scores.get(related, 0.0) + score / (1.0 + 0.5 * position[owner])
    return sorted(scores, key=lambda i: (-scores[i], -i))


def blend(*, personal: list[int], popular: list[int], fresh: list[int], read: set[int], size: int):
    """Fill `size` places in the BLEND order from the three queues, skipping read and repeated
    articles; an empty queue gives its place to the next one that has something."""
    queues = {"r": list(personal), "p": list(popular), "f": list(fresh)}
    chosen: list[int] = []
    seen = set(read)

    def take(kind: str) -> bool:
        queue = queues[kind]
        while queue:
            candidate = queue.pop(0)
            if candidate not in seen:
                seen.add(candidate)
                chosen.append(candidate)
                return True
        return False

    n = 0
    while len(chosen) < size and any(queues.values()):
        kind = BLEND[n % len(BLEND)]
        n += 1
        if not take(kind):
            for other in "rpf":
                if take(other):
                    break
    return chosen


def section_of(article_id: int) -> int | None:
    """The section of an article, by its tree path (one query)."""
    path = Page.objects.filter(id=article_id).values_list("path", flat=True).first()
    section = section_for(Page(path=path)) if path else None
    return section.id if section else None


def reader_items(*, history: list[int], limit: int, request=None) -> list[Item]:
    """The per-reader list: related to the reader's history, popular now and fresh, never an
    article already read; with the pins and blocks of the section of the page being read
    (`history[0]`). `history` is most recent first and already bounded by the caller."""
    shared = pool()
    read = set(history)
    rules = rules_for(section_of(history[0]) if history and any_rules() else None)
    # Chosen with room to spare: some ids may have become ineligible since they were stored.
    chosen = blend(
        personal=history_scores(history),
        popular=shared["popular"],
        fresh=shared["fresh"],
        read=read,
        size=limit + 6,
    )
    return _items(apply(chosen, rules, exclude=read), limit=limit, request=request)
