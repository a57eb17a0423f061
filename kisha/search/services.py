"""Writes to the search index beyond what Wagtail's signal handlers do on save and delete."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from modelsearch.backends import get_search_backend
from modelsearch.index import get_indexed_models

from django.db import transaction

from wagtail.models import Page

from .backend import KishaSearchBackend
from .indexing import KishaIndex, document_texts, texts_columns
from .models import SearchDocument
from .tokenizer import sudachi_terms


@dataclass(frozen=True)
class RebuildStats:
    objects: int
    seconds: float


def _chunks(queryset, size: int) -> Iterator[list]:
    """Keyset pagination by primary key: constant cost per chunk however deep the table."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        chunk = list(page[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def search_rebuild(
    *, workers: int = 1, chunk: int = 500, say: Callable[[str], None] | None = None
) -> RebuildStats:
    """Rebuild the whole index, faster than ``update_index`` and without blocking writers.

    Sudachi analysis dominates the cost, so ``workers`` processes tokenize while this one reads
    pages and writes rows. Each chunk commits on its own: searches keep answering from the old
    rows, which are replaced in place, and an article saved meanwhile is reindexed by Wagtail's
    signal handler as usual. Rows of objects that no longer exist are dropped at the end.
    """
    backend = get_search_backend()
    if not isinstance(backend, KishaSearchBackend):
        raise RuntimeError(
            "search_rebuild needs WAGTAILSEARCH_BACKENDS to use kisha.search.backend"
        )
    index: KishaIndex = backend.get_index_for_model(None)
    started = time.perf_counter()
    total = 0
    pool = (
        ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        if workers > 1
        else None
    )
    try:
        for model in get_indexed_models():
            if not model.get_search_fields():
                continue
            count = 0
            for objects in _chunks(model.get_indexed_objects(), chunk):
                texts = [document_texts(obj) for obj in objects]
                if pool is None:
                    columns = [texts_columns(t) for t in texts]
                else:
                    columns = list(pool.map(texts_columns, texts, chunksize=max(1, chunk // 8)))
                with transaction.atomic(using=index.alias):
                    index.add_columns(
                        model, [(o.pk, c) for o, c in zip(objects, columns, strict=True)]
                    )
                count += len(objects)
            total += count
            if say and count:
                say(f"{model._meta.label}: {count}")
    finally:
        if pool is not None:
            pool.shutdown()
    with transaction.atomic(using=index.alias):
        index.delete_stale_entries()
    return RebuildStats(objects=total, seconds=time.perf_counter() - started)


def text_terms(text: str) -> list[str]:
    """The search tokenizer's terms for `text` (SudachiPy mode C normalized forms, each followed
    by its mode A pieces), for apps that weigh words the way search does (kisha.recommend)."""
    return sudachi_terms(text)


def search_after_restore(*, migrated: list[str], say: Callable[[str], None] | None = None) -> bool:
    """After a restore (kisha.core.backup): the index is in the database and comes back with
    it, so rebuild only when a search migration ran (a new index format, as search.0005 was)
    or the backup had no index rows. True when it rebuilt."""
    needed = any(label.startswith("search.") for label in migrated) or (
        not SearchDocument.objects.exists() and Page.objects.filter(depth__gt=1).exists()
    )
    if needed:
        search_rebuild(workers=os.cpu_count() or 1, say=say)
    return needed
