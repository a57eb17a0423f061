"""The query side of the search backend: which objects match, in what order, at what cost.

The compiler takes the ``CompiledQuery`` the search page made (``query.py``) or compiles a
Wagtail query object (the admin's searches); the database-specific SQL comes from the vendor
(``vendor.py``), whose ``SearchVendor`` interface says which strategies it prefers.
"""

from __future__ import annotations

import math
from collections import OrderedDict

from modelsearch.backends.base import (
    BaseSearchQueryCompiler,
    BaseSearchResults,
    FilterFieldError,
)
from modelsearch.query import MatchAll, Not, Phrase, PlainText, SearchQuery
from modelsearch.utils import get_descendants_content_types_pks

from django.db import connections
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL
from django.utils.encoding import force_str

from .indexing import LEAD_FIELDS, OBJECT_BITS
from .query import CompiledQuery, query_compile
from .vendor import SearchVendor, vendor_for


def _query_text(query) -> str | None:
    """The query as a search-box string; None for match-all."""
    if isinstance(query, str):
        return query
    if isinstance(query, MatchAll):
        return None
    if isinstance(query, PlainText):
        return query.query_string
    if isinstance(query, Phrase):
        return '"' + query.query_string.replace('"', " ") + '"'
    if isinstance(query, Not):
        inner = _query_text(query.subquery)
        return "-" + inner if inner else ""
    if isinstance(query, SearchQuery) and hasattr(query, "subqueries"):
        return " ".join(t for t in map(_query_text, query.subqueries) if t)
    if isinstance(query, SearchQuery) and hasattr(query, "subquery"):
        return _query_text(query.subquery)  # Boost, Fuzzy: the terms themselves still count
    return force_str(query)


# Relevance tiers, best first: the whole query in the headline; in the headline or the short
# headline and lead; anywhere. Each tier is a subset of the next.
TIERS = (("title",), ("title", "lead"), ("title", "lead", "body"))


class KishaSearchQueryCompiler(BaseSearchQueryCompiler):
    """Relevance is tiered by where the query matches, then the queryset's own order.

    A term-frequency score (bm25, ts_rank) has to be computed for every matching article before
    the first result can be shown: 40,000 rows for a common word at 100,000 articles. Tiers need
    only the first page of each tier, so a search costs about the same for 株 as for 金正恩, and a
    news reader's second signal, recency, comes from the listing's order (newest first for
    ``article_cards()``; ``-pk`` when the queryset has none).
    """

    DEFAULT_OPERATOR = "and"
    HANDLES_ORDER_BY_EXPRESSIONS = True

    # At or above this many matches (the capped count) a word is common: SQLite then walks the
    # listing in SQL (_condition), PostgreSQL in Python (_tier, _walk).
    COMMON = 1000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.common = False
        if isinstance(self.query, CompiledQuery):  # the search page's, parsed once
            self.match_all = False
            self.compiled: CompiledQuery | None = self.query
        else:  # a string or Wagtail query object: the admin's searches, choosers
            text = _query_text(self.query)
            self.match_all = text is None
            self.compiled = None if text is None else query_compile(text)

    def check(self):
        # The queryset's filters and ordering run in the database as they are, so any field
        # works, not only those declared as FilterField.
        pass

    @property
    def empty(self) -> bool:
        return not self.match_all and (self.compiled is None or self.compiled.empty)

    def _columns(self, columns: tuple[str, ...] = TIERS[-1]) -> tuple[str, ...]:
        if self.fields:
            allowed = {
                "title" if f == "title" else "lead" if f in LEAD_FIELDS else "body"
                for f in self.fields
            }
            columns = tuple(c for c in columns if c in allowed)
        return columns

    def matching(self, queryset=None, columns: tuple[str, ...] = TIERS[-1]):
        """``queryset`` narrowed to objects whose ``columns`` match the query."""
        queryset = self.queryset if queryset is None else queryset
        if self.match_all:
            return queryset
        columns = self._columns(columns)
        if self.empty or not columns:
            return queryset.none()
        walk = self.common and columns == TIERS[-1] and self._vendor().walks_in_sql
        return queryset.filter(self._condition(queryset, columns, walk=walk))

    def _vendor(self) -> SearchVendor:
        return vendor_for(connections[self.queryset.db])

    def _condition(self, queryset, columns, *, walk: bool = False) -> Q:
        """The match as a filter on ``queryset``.

        Usually ``pk IN (keys of the matching rows)``: both databases collect the matches from
        their full-text index. With ``walk`` (a common word, matched anywhere, on SQLite) the
        database should instead walk the listing in order and test each article until the page
        is full: collecting and sorting 30,000 matches costs far more. The planner cannot tell
        the two cases apart from its statistics, so the capped count decides. PostgreSQL walks
        in Python instead (``_walk``): its planner turns any correlated form back into a join.
        """
        match = self._match_sql(queryset, columns)
        if not walk:
            return Q(pk__in=match)
        connection = connections[queryset.db]
        model = queryset.model
        qn = connection.ops.quote_name
        key = f"{qn(model._meta.db_table)}.{qn(model._meta.pk.column)}"
        # A unary + on the key keeps SQLite from driving the join from the IN list.
        sql = f"+{key} IN ({match.sql})"
        # Only tokens and ids reach the statement, and only as bound parameters (vendor.py).
        return Q(RawSQL(sql, match.params, output_field=BooleanField()))  # noqa: S611

    @staticmethod
    def _integer_pk(model) -> bool:
        key_field = model._meta.pk
        while key_field.is_relation:  # a page's key is its link to wagtailcore_page
            key_field = key_field.target_field
        return key_field.get_internal_type() in (
            "AutoField",
            "BigAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallAutoField",
            "PositiveIntegerField",
        )

    def _match_sql(self, queryset, columns) -> RawSQL:
        model = queryset.model
        sql, params = vendor_for(connections[queryset.db]).match_ids(
            self.compiled,
            content_types=get_descendants_content_types_pks(model),
            columns=columns,
            integer_pk=self._integer_pk(model),
            object_bits=OBJECT_BITS,
        )
        # Only tokens and ids reach the statement, and only as bound parameters (vendor.py).
        return RawSQL(sql, params)  # noqa: S611

    def _ordered(self, queryset):
        return queryset.order_by(*(self.queryset.query.order_by or ("-pk",)))

    def count_at_most(self, limit: int) -> int:
        count = self._count_from_keys(limit) if self._vendor().counts_from_keys else None
        if count is None:
            count = self.matching().order_by()[:limit].count()
        self.common = count >= self.COMMON
        return count

    def _count_from_keys(self, limit: int) -> int | None:
        """SQLite: the capped count from the first matching keys, or None when it cannot tell.

        ``pk IN (SELECT … MATCH …)`` makes SQLite collect every match before it counts (18 ms
        for 見通し -政府 at 100,000 articles); FTS5 itself hands its rowids over one by one and
        stops at a LIMIT. So up to twice the cap of keys are read and the listing counts those;
        when the listing's own filters (a section, a date range) leave too few of a full batch,
        the count falls back to the one statement.
        """
        if self.match_all or self.empty or not self._columns():
            return None
        wanted = 2 * limit
        keys = self._match_keys(self._columns(), limit=wanted)
        if keys is None:
            return None
        count = self.queryset.filter(self._keys_condition(keys)).order_by()[:limit].count()
        return count if len(keys) < wanted or count >= limit else None

    def ranked(self, start: int, stop: int | None) -> list[tuple[object, float]]:
        """(pk, score) of results ``start:stop``; the score is 3, 2 or 1 by tier (0 unranked)."""
        if self.empty:
            return []
        if self.match_all:
            pks = self._ordered(self.queryset).values_list("pk", flat=True)[start:stop]
            return [(pk, 0.0) for pk in list(pks)]
        if self.order_by_relevance:
            tiers = [t for t in dict.fromkeys(self._columns(t) for t in TIERS) if t]
        else:
            tiers = [c for c in [self._columns()] if c]
        ranked: list[tuple[object, float]] = []
        for level, columns in enumerate(tiers):
            wanted = None if stop is None else stop - len(ranked)
            score = float(len(tiers) - level) if self.order_by_relevance else 0.0
            # Each tier holds the one before it, and a tier that did not fill the page gave all
            # of its matches: so the next tier leaves out exactly what is ranked already, with
            # no need to match the earlier tier's columns again.
            seen = [pk for pk, _ in ranked]
            ranked.extend((pk, score) for pk in self._tier(columns, seen, wanted))
            if stop is not None and len(ranked) >= stop:
                break
        return ranked[start:stop]

    # PostgreSQL: a tier with at most this many matches is collected as a list of keys.
    KEYS_CAP = 2000

    def _tier(self, columns, seen: list, wanted: int | None) -> list:
        """The first ``wanted`` pks, in the listing's order, of the objects whose ``columns``
        match, leaving out ``seen``.

        SQLite answers in one statement (see ``_condition``). PostgreSQL's planner guesses
        about 1,000 matches for any word missing from its statistics and then either walks all
        100,000 articles for a word found in 20, or collects 30,000 matches of a common word
        and sorts them, so the work is split where the real number is known: the matching keys
        are fetched (up to ``KEYS_CAP``) and the listing is asked for exactly those. When the
        capped count showed a common word, each tier walks the listing first (``_walk``), which
        gives up after one chunk when the tier's matches are too sparse for it.
        """
        if not self._vendor().walks_in_sql:
            if self.common:
                pks = self._walk(columns, seen, wanted)
                if pks is not None:
                    return pks
            keys = self._match_keys(columns, limit=self.KEYS_CAP + 1)
            if keys is not None and len(keys) <= self.KEYS_CAP:
                skip = set(seen)
                keys = [k for k in keys if k not in skip]
                if not keys:
                    return []
                return self._first(self.queryset.filter(self._keys_condition(keys)), wanted)
            if not self.common:
                pks = self._walk(columns, seen, wanted)
                if pks is not None:
                    return pks
        queryset = self.matching(columns=columns)
        if seen:
            queryset = queryset.exclude(pk__in=seen)
        return self._first(queryset, wanted)

    def _first(self, queryset, wanted: int | None) -> list:
        pks = self._ordered(queryset).values_list("pk", flat=True)
        return list(pks if wanted is None else pks[:wanted])

    def _match_keys(self, columns, *, limit: int) -> list | None:
        """Keys of up to ``limit`` objects whose ``columns`` match; None for non-integer keys."""
        if not self._integer_pk(self.queryset.model):
            return None
        match = self._match_sql(self.queryset, columns)
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(self._vendor().first_keys(match.sql), [*match.params, limit])
            return [row[0] for row in cursor.fetchall()]

    def _keys_condition(self, keys: list) -> Q:
        """``pk IN (the keys)``, the keys bound as one parameter (see ``keys_subquery``)."""
        sql, params = self._vendor().keys_subquery(keys)
        return Q(pk__in=RawSQL(sql, params))  # noqa: S611

    # Walking the listing: the first chunk, and how many articles may be probed in all before
    # collecting the matches from the index is the better bet.
    WALK_CHUNK = 200
    HEADLINE_CHUNKS = 5
    WALK_BUDGET = 4000

    def _walk(self, columns, seen: list, limit: int | None) -> list | None:
        """The first ``limit`` pks, in the listing's order, whose ``columns`` match the query,
        leaving out ``seen``; None when walking does not pay here.

        For a tier with more than ``KEYS_CAP`` matches on PostgreSQL: the listing is read a
        chunk at a time (the next sized by the rate of matches so far) and each chunk's
        index rows are tested one by one (``PostgresSearch.match_exists``), so a word found
        in a third of the articles costs a chunk or two instead of collecting and sorting 30,000 matches. When
        the first chunks show the matches too sparse to fill the page within ``WALK_BUDGET``
        articles, it gives up and the caller collects the matches from the GIN index.
        """
        vendor = self._vendor()
        if limit is None or vendor.walks_in_sql:
            return None
        if limit <= 0:
            return []
        content_types = get_descendants_content_types_pks(self.queryset.model)
        listing = self._ordered(self.queryset).values_list("pk", flat=True)
        probe, probe_params = vendor.match_exists(
            self.compiled,
            content_types=content_types,
            columns=columns,
            outer_key="l.k",
        )
        skip = set(seen)
        found: list = []
        # Headlines are short, so a word is much rarer in them than anywhere: a bigger first
        # chunk usually fills the page in one go.
        first = self.WALK_CHUNK if columns == TIERS[-1] else self.WALK_CHUNK * self.HEADLINE_CHUNKS
        walked, size = 0, max(first, limit)
        while len(found) < limit:
            chunk_sql, chunk_params = (
                listing[walked : walked + size].query.get_compiler(using=self.queryset.db).as_sql()
            )
            # The chunk, in the listing's order, each article with whether it matches. The CTE
            # keeps the test on the chunk's rows, one by one (see PostgresSearch).
            sql = f"WITH l(k) AS MATERIALIZED ({chunk_sql}) SELECT l.k, {probe} FROM l"  # noqa: S608
            with connections[self.queryset.db].cursor() as cursor:
                cursor.execute(sql, [*chunk_params, *probe_params])
                rows = cursor.fetchall()
            found.extend(row[0] for row in rows if row[-1] and row[0] not in skip)
            walked += len(rows)
            if len(rows) < size:
                break
            expected = walked * limit / len(found) if found else float("inf")
            if expected > self.WALK_BUDGET:
                return None
            # The next chunk: as many as the rate so far says the rest needs, a quarter to spare.
            size = max(self.WALK_CHUNK, math.ceil((expected - walked) * 1.25))
        return found[:limit]


class KishaSearchResults(BaseSearchResults):
    supports_facet = True

    def _do_search(self):
        compiler: KishaSearchQueryCompiler = self.query_compiler
        ranked = compiler.ranked(self.start, self.stop)
        if not ranked:
            return []
        objects = compiler.queryset.filter(pk__in=[pk for pk, _ in ranked]).order_by()
        by_pk = {obj.pk: obj for obj in objects}
        results = []
        for pk, score in ranked:
            obj = by_pk.get(pk)
            if obj is None:
                continue  # deleted between the two queries
            if self._score_field:
                setattr(obj, self._score_field, score)
            results.append(obj)
        return results

    def _do_count(self):
        return self.query_compiler.matching().order_by().count()

    def count_at_most(self, limit: int) -> int:
        """The count, but no more than ``limit``: cheap for a common word on a big site."""
        return self.query_compiler.count_at_most(limit)

    def facet(self, field_name):
        field = self.query_compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f"index.FilterField('{field_name}') to "
                f"{self.query_compiler.queryset.model.__name__}.search_fields.",
                field_name=field_name,
            )
        rows = (
            self.query_compiler.matching()
            .order_by()
            .values(field_name)
            .annotate(count=Count("pk"))
            .order_by("-count")
        )
        return OrderedDict((row[field_name], row["count"]) for row in rows)
