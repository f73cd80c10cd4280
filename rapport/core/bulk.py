"""Bulk writes that skip the ORM: the import engine, demo seeding and duplicate keys.

Rows are plain tuples written in batches (``executemany`` on SQLite, ``COPY`` on
PostgreSQL); at a million rows the ORM's per-object work costs ten times the insert.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Model


class RowWriter:
    """Writes plain tuples straight to the database: the ORM's per-object work costs
    ten times the insert itself at a million rows. Use inside ``transaction.atomic``.

    Values must already be what the column stores; ``dt``/``date`` adapt the two
    types whose storage differs between SQLite (text, UTC) and PostgreSQL.
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw = connection.connection

    def dt(self, value: datetime) -> datetime | str:
        # Django stores aware datetimes on SQLite as naive UTC text; timezone.now() is UTC.
        return str(value.replace(tzinfo=None)) if self.vendor == "sqlite" else value

    def date(self, value: date) -> date | str:
        return value.isoformat() if self.vendor == "sqlite" else value

    def reserve_ids(self, model: type[Model], n: int) -> list[int]:
        """Primary keys for ``n`` new rows, never reused, safe beside other writers."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",  # noqa: S608 -- our table name
                    [n],
                )
                return [row[0] for row in cursor.fetchall()]
            # Inside atomic() SQLite holds the write lock (BEGIN IMMEDIATE), so nobody
            # else can take these ids; sqlite_sequence keeps AUTOINCREMENT's no-reuse promise.
            cursor.execute(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608 -- our table name
                f"COALESCE((SELECT MAX(id) FROM {table}), 0))",
                [table],
            )
            top = int(cursor.fetchone()[0])
        return list(range(top + 1, top + 1 + n))

    def insert(
        self, model: type[Model], columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        _check_columns(model, columns)
        table = model._meta.db_table
        names = ", ".join(f'"{c}"' for c in columns)
        if self.vendor == "postgresql":
            with (
                self.raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        if self.vendor != "sqlite":
            raise NotImplementedError(f"No fast path for {self.vendor}.")
        placeholders = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 -- names are ours
        self.raw.executemany(sql, rows)


def _check_columns(model: type[Model], columns: Sequence[str]) -> None:
    """Fail loudly when a model gains a column the fast path does not fill."""
    required = {f.column for f in model._meta.concrete_fields if not f.primary_key}
    missing = required - set(columns)
    if missing:
        raise RuntimeError(
            f"the bulk writer does not fill {model.__name__}.{', '.join(sorted(missing))}"
        )


# Below this many new rows a search-index trigger per row is cheaper than a rebuild.
DEFER_SEARCH_INDEX_ROWS = 20_000
LOAD_CACHE_KIB = 2 * 1024 * 1024


@contextmanager
def bulk_load(models: Sequence[type[Model]], *, rows: int) -> Iterator[None]:
    """One transaction for a whole load (a failure leaves nothing behind).

    ``models`` are every table the load fills (a person's e-mails and tags too).

    On SQLite a big load also drops the tables' secondary indexes and the FTS5 insert
    trigger and builds them again at the end: sorting once is several times faster
    than keeping them up to date row by row. It all happens in the one transaction,
    so other connections never see them missing (readers keep the old snapshot).
    """
    big_sqlite = connection.vendor == "sqlite" and rows >= DEFER_SEARCH_INDEX_ROWS
    with transaction.atomic():
        if not big_sqlite:
            yield
            return
        deferred: list[tuple[str, str, str]] = []
        with connection.cursor() as cursor:
            # This connection's page cache (memory only, durability is unchanged): big
            # enough for the indexes being filled, which otherwise thrash at a million rows.
            cursor.execute("PRAGMA cache_size")
            cache_before = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")
            for table in (model._meta.db_table for model in models):
                # Secondary indexes are rebuilt at the end too: one sort per index instead
                # of a million random inserts into each. Unique ones stay, to check rows.
                cursor.execute(
                    "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
                    "AND (type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%%' OR name = %s)",
                    [table, f"{table}_fts_ai"],
                )
                for kind, name, sql in cursor.fetchall():
                    deferred.append((kind, table, sql))
                    cursor.execute(f'DROP {kind.upper()} "{name}"')
        try:
            yield
            with connection.cursor() as cursor:
                for kind, table, sql in deferred:
                    if kind == "trigger":
                        cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES('rebuild')")
                    cursor.execute(sql)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {cache_before}")
