"""Writes: article vectors, postings, document frequencies and related lists.

`related_update` runs on publish (a task, tasks.py): it tokenizes one article, ranks its
related list from the stored postings and offers the article to the lists of the articles it
is most related to. `related_refresh` rebuilds everything from the live articles: tokenizing
only what changed since the last run, then document frequencies, postings and every list.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from kisha.core.cachetags import page_tag
from kisha.core.frontend_cache import purge_after_commit
from kisha.core.locks import transaction_lock
from kisha.news.selectors import article_pages, article_tags
from kisha.series.selectors import series_memberships

from .conf import conf
from .models import ArticleVector, RelatedArticle, TermPosting, TermStat
from .scoring import Meta, Weights, postings_from_vectors, rank, series_capped, similarities
from .selectors import eligible_articles
from .text import term_counts, tfidf_vector

logger = logging.getLogger("kisha.recommend")
CHUNK = 500
WRITE_BATCH = 2000
LISTS_LOCK = "kisha.recommend.lists"  # held while any related list is read and rewritten


@dataclass
class RefreshSummary:
    articles: int = 0
    tokenized: int = 0
    removed: int = 0
    postings: int = 0
    related: int = 0
    seconds: dict[str, float] | None = None


def _meta(topic_id, tags, published) -> Meta:
    return Meta(
        topic_id=topic_id,
        tags=frozenset(tags or ()),
        published=published.timestamp() if published else 0.0,
    )


def _tags_of(ids: list[int]) -> dict[int, list[int]]:
    tags: dict[int, list[int]] = {}
    for article_id, tag_id in (
        article_tags().filter(content_object_id__in=ids).values_list("content_object_id", "tag_id")
    ):
        tags.setdefault(article_id, []).append(tag_id)
    return tags


def _vectors_build(ids: list[int]) -> list[ArticleVector]:
    """Tokenize the articles `ids` (eligible ones; others are skipped) into vector rows."""
    pages = (
        article_pages()
        .filter(id__in=ids)
        .only(
            "id",
            "title",
            "lead",
            "body",
            "primary_topic_id",
            "first_published_at",
            "last_published_at",
        )
    )
    tags = _tags_of(ids)
    rows = []
    for page in pages:
        rows.append(
            ArticleVector(
                article_id=page.id,
                counts=term_counts(title=page.title, lead=page.lead, body=page.body_text()),
                topic_id=page.primary_topic_id,
                tags=sorted(tags.get(page.id, [])),
                published_at=page.first_published_at,
                source_at=page.last_published_at,
            )
        )
    return rows


def _vectors_save(rows: list[ArticleVector]) -> None:
    ArticleVector.objects.bulk_create(
        rows,
        batch_size=CHUNK,
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["counts", "topic_id", "tags", "published_at", "source_at"],
    )


def related_remove(*, article_id: int) -> None:
    """Forget an article that is no longer eligible: its vector, postings and own list. Lists
    that name it are left: readers never see it (selectors read them through the listing rules)
    and the next refresh drops it."""
    with transaction.atomic():
        transaction_lock(LISTS_LOCK)
        ArticleVector.objects.filter(article_id=article_id).delete()
        TermPosting.objects.filter(article_id=article_id).delete()
        RelatedArticle.objects.filter(article_id=article_id).delete()


def _write_list(article_id: int, ranked: list[tuple[int, float]]) -> None:
    RelatedArticle.objects.filter(article_id=article_id).delete()
    RelatedArticle.objects.bulk_create(
        RelatedArticle(article_id=article_id, related_id=other, score=score, rank=n)
        for n, (other, score) in enumerate(ranked, start=1)
    )


def related_update(*, article_id: int) -> list[tuple[int, float]]:
    """Compute one article's related list now (on publish or edit) and offer it to the lists
    of the articles it ranks; returns the list. Uses the document frequencies of the last
    full refresh (a new word counts as rare)."""

    if not eligible_articles().filter(id=article_id).exists():
        related_remove(article_id=article_id)
        return []
    stored = int(conf("KISHA_RECOMMEND_STORED"))
    cap = int(conf("KISHA_RECOMMEND_POSTINGS"))
    weights = Weights.from_settings()
    with transaction.atomic():
        # Publications at the same moment each rewrite their neighbours' lists: one at a time,
        # or both would insert the same ranks into one list.
        transaction_lock(LISTS_LOCK)
        rows = _vectors_build([article_id])
        if not rows:
            return []
        row = rows[0]
        _vectors_save(rows)
        df = dict(TermStat.objects.filter(term__in=list(row.counts)).values_list("term", "df"))
        documents = max(ArticleVector.objects.count(), 1)
        vector = tfidf_vector(row.counts, df=df, documents=documents)
        TermPosting.objects.filter(article_id=article_id).delete()
        TermPosting.objects.bulk_create(
            TermPosting(term=term, article_id=article_id, weight=weight)
            for term, weight in vector.items()
        )
        postings = {
            term: list(
                TermPosting.objects.filter(term=term)
                .exclude(article_id=article_id)
                .order_by("-weight", "article_id")
                .values_list("article_id", "weight")[:cap]
            )
            for term in vector
        }
        sims = similarities(vector, postings)
        metas = {
            vid: _meta(topic, tags, published)
            for vid, topic, tags, published in ArticleVector.objects.filter(
                article_id__in=list(sims)
            ).values_list("article_id", "topic_id", "tags", "published_at")
        }
        metas[article_id] = _meta(row.topic_id, row.tags, row.published_at)
        ranked = rank(
            article_id,
            sims,
            metas,
            weights=weights,
            limit=stored,
            series=series_memberships(page_ids=[article_id, *sims]),
            per_series=int(conf("KISHA_RECOMMEND_PER_SERIES")),
        )
        _write_list(article_id, ranked)
        _offer(article_id, ranked, stored=stored)
        purge_after_commit(tags=[page_tag(article_id)])
    return ranked


def _offer(article_id: int, ranked: list[tuple[int, float]], *, stored: int) -> None:
    """Put the article into the lists of the articles it is related to, where it ranks (the
    score is symmetric): a new story shows under its predecessors at once."""
    others = [other for other, _ in ranked]
    lists: dict[int, list[tuple[int, float]]] = {other: [] for other in others}
    for owner, related, score in RelatedArticle.objects.filter(article_id__in=others).values_list(
        "article_id", "related_id", "score"
    ):
        if related != article_id:
            lists[owner].append((related, score))
    series = series_memberships(
        page_ids={article_id, *(i for pairs in lists.values() for i, _ in pairs)}
    )
    per_series = int(conf("KISHA_RECOMMEND_PER_SERIES"))
    for other, score in ranked:
        current = sorted(lists[other], key=lambda pair: (-pair[1], -pair[0]))
        if len(current) >= stored and current[-1][1] >= score:
            continue
        updated = sorted([*current, (article_id, score)], key=lambda pair: (-pair[1], -pair[0]))
        updated = series_capped(updated, series, per_series=per_series)
        if article_id in {i for i, _ in updated[:stored]}:
            _write_list(other, updated[:stored])


def _rows_insert(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows with executemany: a million model instances for bulk_create would take
    a gigabyte and ten times as long."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608  (model names only)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_BATCH):
            cursor.executemany(sql, rows[start : start + WRITE_BATCH])


def related_refresh(
    *, say: Callable[[str], None] | None = None, retokenize: bool = False
) -> RefreshSummary:
    """Rebuild every related list from the eligible articles. Articles whose text changed since
    their vector was taken (or all, with `retokenize`) are tokenized again."""
    say = say or (lambda message: None)
    summary = RefreshSummary(seconds={})
    timings = summary.seconds
    started = time.perf_counter()

    eligible = dict(eligible_articles().values_list("id", "last_published_at"))
    summary.articles = len(eligible)
    known = dict(ArticleVector.objects.values_list("article_id", "source_at"))
    stale = [i for i, at in eligible.items() if retokenize or i not in known or known[i] != at]
    gone = [i for i in known if i not in eligible]
    for start in range(0, len(gone), CHUNK):
        ArticleVector.objects.filter(article_id__in=gone[start : start + CHUNK]).delete()
    summary.removed = len(gone)
    for start in range(0, len(stale), CHUNK):
        _vectors_save(_vectors_build(stale[start : start + CHUNK]))
        say(f"tokenized {min(start + CHUNK, len(stale))}/{len(stale)}")
    summary.tokenized = len(stale)
    timings["tokenize"] = time.perf_counter() - started

    mark = time.perf_counter()
    # Two passes over the stored counts rather than all of them in memory at once (some 700 MB
    # at 100,000 articles): document frequencies first, then each article's vector.
    df: Counter[str] = Counter()
    metas: dict[int, Meta] = {}
    vectors_rows = ArticleVector.objects.values_list(
        "article_id", "counts", "topic_id", "tags", "published_at"
    )
    for article_id, counts, topic, tags, published in vectors_rows.iterator(chunk_size=2000):
        df.update(counts.keys())
        metas[article_id] = _meta(topic, tags, published)
    documents = max(len(metas), 1)
    vectors: dict[int, dict[str, float]] = {}
    for article_id, counts in ArticleVector.objects.values_list("article_id", "counts").iterator(
        chunk_size=2000
    ):
        vectors[article_id] = {
            sys.intern(term): weight
            for term, weight in tfidf_vector(counts, df=df, documents=documents).items()
        }
    postings = postings_from_vectors(vectors.items(), cap=int(conf("KISHA_RECOMMEND_POSTINGS")))
    timings["vectors"] = time.perf_counter() - mark

    mark = time.perf_counter()
    stored = int(conf("KISHA_RECOMMEND_STORED"))
    weights = Weights.from_settings()
    related: list[tuple[int, int, float, int]] = []  # rows as tuples: model instances weigh 1 KB
    series = series_memberships()
    per_series = int(conf("KISHA_RECOMMEND_PER_SERIES"))
    for article_id, vector in vectors.items():
        ranked = rank(
            article_id,
            similarities(vector, postings),
            metas,
            weights=weights,
            limit=stored,
            series=series,
            per_series=per_series,
        )
        related.extend(
            (article_id, other, score, n) for n, (other, score) in enumerate(ranked, start=1)
        )
    timings["score"] = time.perf_counter() - mark

    mark = time.perf_counter()
    with transaction.atomic():
        transaction_lock(LISTS_LOCK)
        TermStat.objects.all().delete()
        TermStat.objects.bulk_create(
            (TermStat(term=term, df=count) for term, count in df.items()), batch_size=2000
        )
        TermPosting.objects.all().delete()
        posting_rows = [
            (term, article_id, weight)
            for term, pairs in postings.items()
            for article_id, weight in pairs
        ]
        _rows_insert(TermPosting, ("term", "article_id", "weight"), posting_rows)
        RelatedArticle.objects.all().delete()
        _rows_insert(RelatedArticle, ("article_id", "related_id", "score", "rank"), related)
    summary.postings = len(posting_rows)
    summary.related = len(related)
    timings["write"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    logger.info("recommend: refreshed %d articles (%d tokenized)", summary.articles, len(stale))
    return summary
