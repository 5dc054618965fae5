"""Fast writes for imports: many rows per INSERT statement, values prepared once, ids read back.

The ORM's ``bulk_create`` prepares every value of every row through each field's methods; for an import of a
million rows that preparation costs more than the database's own work. The values written here are exactly
those the ORM would write (same columns, JSON as text, datetimes adapted by the backend).
"""

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from django.db import DatabaseError, connection, models
from django.utils import timezone


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


_encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(v, ensure_ascii=False), built once


def to_json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)``, as the ORM writes a JSON field and the audit trail its changes."""
    if not value and type(value) in (list, dict):
        return "[]" if type(value) is list else "{}"  # most records' JSON fields are empty
    return _encode(value)


def _converter(field: models.Field):
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return to_json  # None is written as NULL before a converter is asked
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    return None


def insert(model: type[models.Model], instances: list[models.Model], *, returning: bool = True) -> None:
    """INSERT ``instances`` (unsaved) in a few statements; with ``returning``, set each one's primary key."""
    if not instances:
        return
    now = timezone.now()
    fields = _columns(model)
    stamped = {
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    for instance in instances:
        for attname in stamped:
            setattr(instance, attname, now)
    # the timestamps are the same for the whole batch: adapted once, not once per row
    stamp = connection.ops.adapt_datetimefield_value(now)
    converters = [(f.attname, (lambda _v: stamp) if f.attname in stamped else _converter(f)) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    pk = connection.ops.quote_name(model._meta.pk.column)
    per_statement = max(1, min(500, 30000 // len(fields)))
    one = "(" + ", ".join(["?"] * len(fields)) + ")"
    if connection.vendor == "postgresql":
        _copy_instances(model, instances, converters, returning=returning)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(instances), per_statement):
            chunk = instances[start : start + per_statement]
            params: list[Any] = []
            for instance in chunk:
                data = instance.__dict__  # every concrete field of an unsaved record is there
                for attname, convert in converters:
                    value = data[attname]
                    params.append(convert(value) if convert and value is not None else value)
            sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))}"
            if returning:
                _sqlite_execute(cursor, sql + f" RETURNING {pk}", params)
                for instance, (key,) in zip(chunk, cursor.fetchall(), strict=True):
                    instance.pk = key
                    instance._state.adding = False
            else:
                _sqlite_execute(cursor, sql, params)


def insert_rows(table_model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """INSERT plain tuples into ``columns`` of a model's table, for rows no one reads back (audit, keys)."""
    if not rows:
        return
    table = connection.ops.quote_name(table_model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    per_statement = max(1, min(500, 30000 // len(columns)))
    one = "(" + ", ".join(["?"] * len(columns)) + ")"
    if connection.vendor == "postgresql":
        _copy(table, columns, rows)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params = [v for row in chunk for v in row]
            _sqlite_execute(
                cursor, f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))}", params
            )


def _sqlite_execute(cursor, sql: str, params: list) -> None:
    """Run a statement written with SQLite's own ``?`` marks on the driver's cursor. Django's cursor would first
    rewrite each ``%s`` with a regular expression, which for statements of thousands of values costs about as
    much as SQLite's work; errors are still raised as Django's (the statements are not in Django's query log)."""
    with connection.wrap_database_errors:
        sqlite3.Cursor.execute(cursor.cursor, sql, params)


# PostgreSQL: COPY is several times faster than INSERT; ids are taken from the table's sequence beforehand so
# each record knows its id, as the ORM's INSERT ... RETURNING would have told it.


def _copy(table: str, columns: list[str], rows) -> None:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _copy_instances(model, instances, converters, *, returning: bool) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    pk = model._meta.pk
    columns = [f.column for f in _columns(model)]
    if returning:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk.column, len(instances)],
            )
            for instance, (key,) in zip(instances, cursor.fetchall(), strict=True):
                instance.pk = key
                instance._state.adding = False
        columns = [pk.column, *columns]

    def rows():
        for instance in instances:
            data = instance.__dict__
            values = [
                convert(value) if convert and value is not None else value
                for attname, convert in converters
                for value in (data[attname],)
            ]
            yield [instance.pk, *values] if returning else values

    _copy(table, columns, rows())


def select_in(
    table_model: type[models.Model], columns: list[str], where: dict[str, Any], column: str, values
) -> list[tuple]:
    """``SELECT columns FROM table WHERE where... AND column IN values`` in chunks: for thousands of keys the
    ORM's preparation of each value of an ``__in`` list costs more than the query."""
    ops = connection.ops
    table = ops.quote_name(table_model._meta.db_table)
    names = ", ".join(ops.quote_name(c) for c in columns)
    conditions = "".join(f" AND {ops.quote_name(name)} = %s" for name in where)
    values = list(values)
    found: list[tuple] = []
    if connection.vendor == "postgresql":
        # one array parameter: PostgreSQL plans a list of hundreds of placeholders far slower than it runs it
        with connection.cursor() as cursor:
            for start in range(0, len(values), 20000):
                cursor.execute(
                    f"SELECT {names} FROM {table} WHERE {ops.quote_name(column)} = ANY(%s){conditions}",
                    [values[start : start + 20000], *where.values()],
                )
                found.extend(cursor.fetchall())
        return found
    with connection.cursor() as cursor:
        for start in range(0, len(values), 900):
            chunk = values[start : start + 900]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {names} FROM {table} WHERE {ops.quote_name(column)} IN ({marks}){conditions}",
                [*chunk, *where.values()],
            )
            found.extend(cursor.fetchall())
    return found


# SQLite copies the pages a commit wrote from its write-ahead log back into the database once the log holds this
# many pages. An import's batches rewrite much the same index pages again and again (the lookup keys land all
# over their index), so while it runs the pages are copied back once per many batches instead of after each.
IMPORT_WAL_AUTOCHECKPOINT = 20000


@contextlib.contextmanager
def bulk_load() -> Iterator[None]:
    """Database settings for the length of an import on this connection, put back afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA wal_autocheckpoint = {max(before, IMPORT_WAL_AUTOCHECKPOINT)}")
    try:
        yield
    except BaseException:
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute(
                f"PRAGMA wal_autocheckpoint = {before}"
            )  # the import's own error is the one to see
        raise
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA wal_autocheckpoint = {before}")
        if not connection.in_atomic_block:
            # the import pays for the pages it left in the log, not whoever writes next
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
