"""The SQL of a search on each database: the ids of the objects whose columns match.

SQLite asks the FTS5 table ``search_fts`` (a column filter picks title or title and lead);
PostgreSQL asks the generated ``vector`` (all columns) or ``head`` (title A and lead B) column,
each under a GIN index. The compiled query is always a bound parameter, so no part of the
reader's text is ever SQL.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod

from django.db.backends.base.base import BaseDatabaseWrapper

from .query import CompiledQuery

DOCUMENTS = "search_searchdocument"
FTS = "search_fts"
_ALL = ("title", "lead", "body")


def _in(values: list[int]) -> tuple[str, list[int]]:
    return ", ".join(["%s"] * len(values)) or "NULL", list(values)


class SearchVendor(ABC):
    """What the planner (``planning.py``) asks of a database: the SQL of a match, and which of
    two strategies suits the database. Each method returns SQL with ``%s`` placeholders and the
    parameters to bind, never values spliced into the text.
    """

    # True: the listing's own query walks the articles in order and tests membership in the
    # matches (``+pk IN (match_ids)``); False: the planner walks in Python a chunk at a time
    # with ``match_exists``.
    walks_in_sql: bool
    # True: the capped count reads the first keys of the matches (``first_keys``) and counts
    # the listing's rows among them; False: one ``COUNT`` over ``pk IN (match_ids)``.
    counts_from_keys: bool

    @abstractmethod
    def match_ids(
        self,
        compiled: CompiledQuery,
        *,
        content_types: list[int],
        columns: tuple[str, ...],
        integer_pk: bool,
        object_bits: int,
    ) -> tuple[str, list]:
        """SELECT of the keys of the objects (of ``content_types``) whose ``columns`` match."""

    @abstractmethod
    def first_keys(self, sql: str) -> str:
        """``sql`` (a ``match_ids`` query) limited to its first ``%s`` rows."""

    @abstractmethod
    def keys_subquery(self, keys: list[int]) -> tuple[str, list]:
        """A subquery yielding ``keys``, bound as one parameter however many there are."""

    def match_exists(
        self,
        compiled: CompiledQuery,
        *,
        content_types: list[int],
        columns: tuple[str, ...],
        outer_key: str,
    ) -> tuple[str, list]:
        """``EXISTS (…)`` for the object whose key is ``outer_key``; needed only by vendors that
        do not walk in SQL."""
        raise NotImplementedError(f"{type(self).__name__} walks the listing in SQL")


class SQLiteSearch(SearchVendor):
    # To walk the listing, SQLite probes the matched set (+pk IN …) in the listing's own query:
    # a correlated FTS5 query per article would cost a MATCH each.
    walks_in_sql = True
    # FTS5 hands over matching rowids one by one and stops at a LIMIT, so the capped count can
    # read the first keys and count the listing's rows among them (backend._count_from_keys).
    counts_from_keys = True

    def first_keys(self, sql: str) -> str:
        """``sql`` (a match_ids query) limited to its first %s rows: FTS5 stops there."""
        return f"{sql} LIMIT %s"

    def keys_subquery(self, keys: list[int]) -> tuple[str, list]:
        """A subquery of the given keys, bound as one JSON parameter, not one per key."""
        return "SELECT value FROM json_each(%s)", [json.dumps(keys)]

    def _match(self, compiled: CompiledQuery, columns: tuple[str, ...]) -> str:
        return compiled.fts5(None if columns == _ALL else columns)

    def match_ids(self, compiled, *, content_types, columns, integer_pk, object_bits):
        match = self._match(compiled, columns)
        if integer_pk:
            # Keys come from the rowids (see backend.document_id); a single content type is a
            # rowid range, which FTS5 applies inside the index.
            ranges = " OR ".join(
                f"{FTS}.rowid BETWEEN {int(ct) << object_bits} "
                f"AND {(int(ct) + 1 << object_bits) - 1}"
                for ct in content_types
            )
            mask = (1 << object_bits) - 1
            sql = (
                f"SELECT {FTS}.rowid & {mask} FROM {FTS} "  # noqa: S608
                f"WHERE {FTS} MATCH %s AND ({ranges or '0'})"
            )
            return sql, [match]
        placeholders, ct_params = _in(content_types)
        sql = (
            f"SELECT d.object_id FROM {FTS} JOIN {DOCUMENTS} d ON d.id = {FTS}.rowid "  # noqa: S608
            f"WHERE {FTS} MATCH %s AND d.content_type_id IN ({placeholders})"
        )
        return sql, [match, *ct_params]


class PostgresSearch(SearchVendor):
    # To walk the listing, the backend reads the articles in order a chunk at a time, the chunk
    # fenced off in a CTE, and tests each (match_exists): in the WHERE clause a correlated EXISTS
    # is pulled up into a join by the planner, which then collects every match anyway.
    walks_in_sql = False
    # The count's pk IN (SELECT object_key …) already stops at its LIMIT; fetching keys first
    # would recheck phrase matches in body vectors for nothing (measured slower).
    counts_from_keys = False
    _LABELS = {"title": "a", "lead": "b", "body": "c"}

    def _condition(self, columns: tuple[str, ...]) -> tuple[str, int]:
        """SQL matching ``columns`` against the tsquery, and how many times it binds it.

        ``title_vector`` and ``head`` (title and lead) have their own GIN indexes, so the two
        best relevance tiers are found without reading, or rechecking phrases in, the big body
        vectors.
        """
        q = "to_tsquery('simple', %s)"
        if columns == _ALL:
            return f"d.vector @@ {q}", 1
        if columns == ("title", "lead"):
            return f"d.head @@ {q}", 1
        if columns == ("title",):
            return f"d.title_vector @@ {q}", 1
        labels = ",".join(self._LABELS[c] for c in columns)
        return f"d.vector @@ {q} AND ts_filter(d.vector, '{{{labels}}}') @@ {q}", 2

    def first_keys(self, sql: str) -> str:
        """``sql`` (a match_ids query) limited to its first %s rows. The fence keeps the planner
        on the GIN index: with the LIMIT in sight it would rather scan the table and test each
        row, unaware that every test reads a body vector."""
        return f"WITH m AS MATERIALIZED ({sql}) SELECT * FROM m LIMIT %s"  # noqa: S608

    def keys_subquery(self, keys: list[int]) -> tuple[str, list]:
        """A subquery of the given keys as one array parameter. Unnested, the set has a row
        count the planner trusts, so it probes the listing key by key instead of hashing the
        keys against a scan of the whole page table (35 ms at 100,000 articles)."""
        return "SELECT u.k FROM unnest(%s::bigint[]) AS u(k)", [keys]

    def match_exists(self, compiled, *, content_types, columns, outer_key: str):
        """``EXISTS (…)``: the index row of the object ``outer_key`` matches ``columns``. Used on
        a chunk of a few hundred articles, where a test per row (or a set of the tier's matches,
        if the planner prefers) beats collecting every match."""
        condition, binds = self._condition(columns)
        placeholders, ct_params = _in(content_types)
        sql = (
            f"EXISTS (SELECT 1 FROM {DOCUMENTS} d "  # noqa: S608
            f"WHERE d.content_type_id IN ({placeholders}) "
            f"AND d.object_id = CAST({outer_key} AS text) AND {condition}"
        )
        params: list = [*ct_params, *[compiled.ts_required()] * binds]
        excluded = compiled.ts_excluded()
        if excluded:
            sql += " AND NOT (d.vector @@ to_tsquery('simple', %s))"
            params.append(excluded)
        return sql + ")", params

    def _where(self, compiled, columns) -> tuple[str, list[str]]:
        excluded = compiled.ts_excluded()
        if columns == _ALL:
            # Matched anywhere, the exclusion joins the one tsquery (required & !excluded),
            # which the GIN index answers on its own.
            return "d.vector @@ to_tsquery('simple', %s)", [compiled.tsquery()]
        condition, binds = self._condition(columns)
        params = [compiled.ts_required()] * binds
        if excluded:
            # Exclusions look at every column, whichever tier is being matched. As a set from
            # the GIN index rather than a test per row, which would detoast every vector.
            condition += (
                f" AND d.id NOT IN (SELECT e.id FROM {DOCUMENTS} e "  # noqa: S608
                "WHERE e.vector @@ to_tsquery('simple', %s))"
            )
            params.append(excluded)
        return condition, params

    def match_ids(self, compiled, *, content_types, columns, integer_pk, object_bits):
        placeholders, ct_params = _in(content_types)
        # object_key is unique per content type (migration 0005), so the planner can join the
        # matches as they come and stop at a LIMIT instead of de-duplicating all of them first.
        key = "d.object_key" if integer_pk else "d.object_id"
        condition, params = self._where(compiled, columns)
        sql = (
            f"SELECT {key} FROM {DOCUMENTS} d "  # noqa: S608
            f"WHERE {condition} AND d.content_type_id IN ({placeholders})"
        )
        return sql, [*params, *ct_params]


def vendor_for(connection: BaseDatabaseWrapper) -> SearchVendor:
    if connection.vendor == "postgresql":
        return PostgresSearch()
    if connection.vendor == "sqlite":
        return SQLiteSearch()
    raise NotImplementedError(
        f"Kisha search supports SQLite and PostgreSQL, not {connection.vendor}"
    )
