"""Fresh planner statistics after a bulk load.

A load of thousands of rows leaves the database's planner with the tables' old shape:
after the demo on PostgreSQL the standing pages took 11-18 s until `ANALYZE`, and 0.1-0.2 s
after; on SQLite, without statistics the directory's "current members or my branches"
filter picks the `status` index and sorts tens of thousands of rows (~90 ms for page 1 of
100,000 members, against ~2 ms on the name index). PostgreSQL's autovacuum would analyze the
tables eventually, minutes later; the people using the pages right after an import should
not wait for it. `ANALYZE` of the tables a load touched takes well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

# From this many rows written, a load refreshes the statistics of the tables it wrote.
ANALYZE_FROM_ROWS = 1000


def refresh_table_statistics(
    tables: Iterable[type[models.Model]], rows_written: int, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Analyze the tables of these models once the current transaction commits (at once
    outside a transaction), when the load wrote at least ANALYZE_FROM_ROWS rows."""
    if rows_written < ANALYZE_FROM_ROWS:
        return
    names = sorted({model._meta.db_table for model in tables})
    transaction.on_commit(lambda: analyze(names, using), using=using)


def analyze(table_names: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """`ANALYZE` each table now, on SQLite and PostgreSQL (other databases are left alone)."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name in table_names:
            cursor.execute(f"ANALYZE {quote(name)}")
