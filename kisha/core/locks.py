"""A named lock that every process and server shares, held until the current transaction ends.

For writers that read rows and then rewrite them (a related list read, merged and written back):
two at once would each delete what the other has not yet committed and then insert the same
ranks. On PostgreSQL the lock is a transaction-level advisory lock keyed by the name; on SQLite
Kisha opens every transaction IMMEDIATE (settings.DATABASES), so writers already queue on the
database's own lock and nothing more is needed.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


def transaction_lock(name: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Wait for, then hold, the lock called `name` until the surrounding transaction commits or
    rolls back. Must be called inside `transaction.atomic()`."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError(f"transaction_lock({name!r}) needs a transaction (atomic block)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
