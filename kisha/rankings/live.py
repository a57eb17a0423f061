"""Which page ids a beacon may count: live, public articles, held in each process's memory.

A beacon is checked against this set without a query beyond the content generation's one-row
read (kisha.core.memo): publishing, unpublishing, restricting, moving or deleting an article on
any server rewrites the generation, and every process rebuilds its set on its next beacon. When
the database cannot be read the last set is kept, so a database restart delays new articles'
counts instead of refusing every beacon.
"""

from __future__ import annotations

import logging

from django.db import close_old_connections

from kisha.core.memo import Memo
from kisha.news import selectors as news_selectors

logger = logging.getLogger("kisha.rankings")

_last: dict[str, frozenset[int]] = {"ids": frozenset()}


def live_article_ids_query() -> frozenset[int]:
    """Live, public articles, by the same rules as the news listings."""
    ids = news_selectors.live_article_ids()
    _last["ids"] = ids
    return ids


_live = Memo("live-article-ids", live_article_ids_query)


def live_article_ids() -> frozenset[int]:
    try:
        return _live.get()
    except Exception:
        # The database is unreachable: keep counting against the last known set.
        logger.warning("rankings: could not load live articles; keeping the last set")
        close_old_connections()
        return _last["ids"]


def is_live_article(page_id: int) -> bool:
    return page_id in live_article_ids()
