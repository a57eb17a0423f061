"""The vendor-specific full-text structures beside search_searchdocument.

SQLite: an external-content FTS5 table kept in step by triggers (the rows are stored once).
PostgreSQL: a generated, weighted tsvector column (title A, lead B, body C) under a GIN index.
The ``simple`` configuration only lower-cases: the tokenizer has already done all the work, and
its tokens are letters and digits that the default parser keeps whole.
"""

from django.db import migrations

TABLE = "search_searchdocument"
FTS = "search_fts"

SQLITE_UP = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, lead, body, "
    f"content='{TABLE}', content_rowid='id', tokenize='unicode61')",
    f"CREATE TRIGGER search_document_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, title, lead, body) VALUES (new.id, new.title, new.lead, new.body); "
    "END",
    f"CREATE TRIGGER search_document_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, lead, body) "
    "VALUES ('delete', old.id, old.title, old.lead, old.body); END",
    f"CREATE TRIGGER search_document_au AFTER UPDATE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, lead, body) "
    "VALUES ('delete', old.id, old.title, old.lead, old.body); "
    f"INSERT INTO {FTS}(rowid, title, lead, body) VALUES (new.id, new.title, new.lead, new.body); "
    "END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRES_UP = [
    f"ALTER TABLE {TABLE} ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, lead), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, body), 'C')) STORED",
    f"CREATE INDEX search_document_vector ON {TABLE} USING gin (vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS search_document_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS vector",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
