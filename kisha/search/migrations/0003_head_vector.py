"""PostgreSQL: a small tsvector of title (A) and lead (B) with its own GIN index.

The best two relevance tiers are matched against it, so a common word does not make PostgreSQL
read and recheck the large body vectors of every article that contains it.
"""

from django.db import migrations

from ._postgres import postgres_only

TABLE = "search_searchdocument"
UP = [
    f"ALTER TABLE {TABLE} ADD COLUMN head tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, lead), 'B')) STORED",
    f"CREATE INDEX search_document_head ON {TABLE} USING gin (head)",
]
DOWN = [
    "DROP INDEX IF EXISTS search_document_head",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS head",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(postgres_only(UP), postgres_only(DOWN))]
