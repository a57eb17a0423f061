"""Shared by the PostgreSQL-only search migrations: SQL run on PostgreSQL and skipped elsewhere."""


def postgres_only(statements: list[str]):
    """A RunPython function that runs ``statements`` when the database is PostgreSQL."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run
