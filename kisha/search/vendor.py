"""The SQL of a search on each database: which rows match, and how well.

SQLite asks the FTS5 table ``search_fts`` (bm25, columns weighted title 10, lead 4, body 1);
PostgreSQL asks the generated ``vector`` column under its GIN index (ts_rank with weights
title A 1.0, lead B 0.5, body C 0.2). Both take the compiled query as one bound parameter, so no
part of the user's text is ever SQL, and both read as "higher score is better".
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

from .query import CompiledQuery

DOCUMENTS = "search_searchdocument"
FTS = "search_fts"
SQLITE_WEIGHTS = (10.0, 4.0, 1.0)  # title, lead, body: the FTS5 column order
POSTGRES_WEIGHTS = "{0.1,0.2,0.5,1.0}"  # D, C (body), B (lead), A (title)
_ALL = ("title", "lead", "body")


def _in(values: list[int]) -> tuple[str, list[int]]:
    return ", ".join(["%s"] * len(values)) or "NULL", list(values)


class SQLiteSearch:
    def _match(self, compiled: CompiledQuery, columns: tuple[str, ...]) -> str:
        expression = compiled.fts5()
        if columns != _ALL:
            return "{" + " ".join(columns) + "} : (" + expression + ")"
        return expression

    def match_ids(self, compiled, *, content_types, columns, integer_pk):
        placeholders, ct_params = _in(content_types)
        key = "CAST(d.object_id AS bigint)" if integer_pk else "d.object_id"
        sql = (
            f"SELECT {key} FROM {FTS} JOIN {DOCUMENTS} d ON d.id = {FTS}.rowid "  # noqa: S608
            f"WHERE {FTS} MATCH %s AND d.content_type_id IN ({placeholders})"
        )
        return sql, [self._match(compiled, columns), *ct_params]

    def score(self, compiled, *, content_types, columns, outer_pk):
        # Looked up by rowid, so FTS5 seeks in its doclists instead of running the query again.
        placeholders, ct_params = _in(content_types)
        weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
        sql = (
            f"SELECT -bm25({FTS}, {weights}) FROM {FTS} WHERE {FTS} MATCH %s "  # noqa: S608
            f"AND {FTS}.rowid = (SELECT d.id FROM {DOCUMENTS} d WHERE d.content_type_id "
            f"IN ({placeholders}) AND d.object_id = CAST({outer_pk} AS text))"
        )
        return sql, [self._match(compiled, columns), *ct_params]


class PostgresSearch:
    _LABELS = {"title": "a", "lead": "b", "body": "c"}

    def _restrict(self, columns: tuple[str, ...]) -> str:
        if columns == _ALL:
            return ""
        labels = ",".join(self._LABELS[c] for c in columns)
        return f" AND ts_filter(d.vector, '{{{labels}}}') @@ to_tsquery('simple', %s)"

    def match_ids(self, compiled, *, content_types, columns, integer_pk):
        placeholders, ct_params = _in(content_types)
        key = "CAST(d.object_id AS bigint)" if integer_pk else "d.object_id"
        tsquery = compiled.tsquery()
        restrict = self._restrict(columns)
        sql = (
            f"SELECT {key} FROM {DOCUMENTS} d "  # noqa: S608
            f"WHERE d.vector @@ to_tsquery('simple', %s){restrict} "
            f"AND d.content_type_id IN ({placeholders})"
        )
        return sql, [tsquery, *([tsquery] if restrict else []), *ct_params]

    def score(self, compiled, *, content_types, columns, outer_pk):
        placeholders, ct_params = _in(content_types)
        sql = (
            f"SELECT ts_rank('{POSTGRES_WEIGHTS}', d.vector, "  # noqa: S608
            f"to_tsquery('simple', %s)) FROM {DOCUMENTS} d "
            f"WHERE d.content_type_id IN ({placeholders}) "
            f"AND d.object_id = CAST({outer_pk} AS text)"
        )
        return sql, [compiled.tsquery(), *ct_params]


def vendor_for(connection: BaseDatabaseWrapper) -> SQLiteSearch | PostgresSearch:
    if connection.vendor == "postgresql":
        return PostgresSearch()
    if connection.vendor == "sqlite":
        return SQLiteSearch()
    raise NotImplementedError(
        f"Kisha search supports SQLite and PostgreSQL, not {connection.vendor}"
    )
