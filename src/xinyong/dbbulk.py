"""Bulk inserts for the ingestion hot path, on SQLite and PostgreSQL alike.

Django's ``bulk_create`` prepares every value through the query compiler, which costs more
than validating the row. Here each field's database conversion is looked up once per model
and applied directly; statements are multi-row INSERTs (with RETURNING where ids are needed,
which both databases support and return in insertion order, as Django relies on too).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection, models


@functools.cache
def _converters(
    model: type[models.Model], names: tuple[str, ...]
) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    """(column index, conversion) for the columns whose values need one; the others (text,
    numbers, ids) are passed to the driver as they are."""
    ops = connection.ops
    result: list[tuple[int, Callable[[Any], Any]]] = []
    for index, name in enumerate(names):
        field = model._meta.get_field(name)
        if isinstance(field, models.JSONField):
            result.append((index, functools.partial(_json, field)))
        elif isinstance(field, models.DateTimeField):
            # One batch stamps every row with the same moment: convert it once.
            result.append((index, _LastValue(ops.adapt_datetimefield_value)))
        elif isinstance(field, models.DateField):
            result.append((index, ops.adapt_datefield_value))
        elif isinstance(field, models.DecimalField):
            result.append(
                (
                    index,
                    functools.partial(
                        ops.adapt_decimalfield_value,
                        max_digits=field.max_digits,
                        decimal_places=field.decimal_places,
                    ),
                )
            )
    return tuple(result)


class _LastValue:
    """A conversion that remembers its last argument and result."""

    __slots__ = ("_convert", "_last")

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self._convert = convert
        self._last: tuple[Any, Any] = (object(), None)

    def __call__(self, value: Any) -> Any:
        last, result = self._last
        if value is not last and value != last:
            result = self._convert(value)
            self._last = (value, result)
        return result


def _prepared(
    rows: Sequence[Sequence[Any]], convert: tuple[tuple[int, Callable[[Any], Any]], ...]
) -> Iterator[list[Any]]:
    """Each row as a list of database values."""
    for row in rows:
        values = list(row)
        for index, conversion in convert:
            value = values[index]
            if value is not None:
                values[index] = conversion(value)
        yield values


class JsonText(str):
    """JSON already serialised by the caller: stored as it is (text on SQLite; PostgreSQL
    casts the untyped parameter to jsonb), so a row's JSON is written once, not per column."""

    __slots__ = ()


def _json(field: models.JSONField, value: Any) -> Any:
    if value.__class__ is JsonText:
        return str(value)
    return field.get_db_prep_save(value, connection=connection)


def driver_cursor() -> Any:
    """The database driver's own cursor on the current connection, for statements of a hot
    path: Django's wrapper (placeholder rewriting, query hooks, debug bookkeeping) costs more
    than SQLite's work for a one-row lookup. Write statements with ``%s`` and pass them through
    ``driver_sql``. Values are adapted as Django's own cursor adapts them (same connection)."""
    connection.ensure_connection()
    return contextlib.closing(connection.connection.cursor())


@functools.lru_cache(maxsize=512)
def _qmark(sql: str) -> str:
    return sql.replace("%s", "?")


def driver_sql(sql: str) -> str:
    """``sql`` written with ``%s`` placeholders, in the driver's own style."""
    if connection.vendor != "sqlite":
        return sql
    # Short statements recur (one per hot path); long multi-row ones are not worth keeping.
    return _qmark(sql) if len(sql) < 4096 else sql.replace("%s", "?")


def _column(model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(str(model._meta.get_field(name).column))  # type: ignore[union-attr]


def save_new(objs: Sequence[models.Model], names: Sequence[str] | None = None) -> None:
    """Insert unsaved model instances and set their primary keys (a fast ``bulk_create``)."""
    if not objs:
        return
    model = type(objs[0])
    if names is None:
        names = [
            f.name
            for f in model._meta.concrete_fields
            if not f.primary_key  # type: ignore[misc]
        ]
    attnames = [model._meta.get_field(n).attname for n in names]  # type: ignore[union-attr]
    for obj in objs:
        for name in names:
            field = model._meta.get_field(name)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                field.pre_save(obj, add=True)  # type: ignore[union-attr]
    rows = [[getattr(obj, a) for a in attnames] for obj in objs]
    ids = insert(model, names, rows, returning=True)
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = "default"


@functools.cache
def _insert_sql(model: type[models.Model], names: tuple[str, ...]) -> tuple[str, str]:
    """``INSERT INTO table (columns) VALUES `` and one row's placeholders, built once."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(_column(model, n) for n in names)
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    # Table and column names come from the model, values are parameters.
    return f"INSERT INTO {table} ({columns}) VALUES ", one  # noqa: S608


def insert(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: bool = False,
) -> list[int]:
    """Insert rows (values in the order of ``names``; FKs as ids under their ``*_id`` attname
    — pass the field name) and return the new primary keys when ``returning``."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy(model, names, rows, returning)
    convert = _converters(model, tuple(names))
    sql, one = _insert_sql(model, tuple(names))
    width = len(names)
    with driver_cursor() as cursor:
        if not returning:
            # One prepared statement run per row by the driver: cheaper than building and
            # parsing a statement with thousands of placeholders.
            cursor.executemany(driver_sql(sql + one), list(_prepared(rows, convert)))
            return []
        max_params = connection.features.max_query_params or 30000
        per_statement = max(1, min(1000, max_params // width))
        pk = connection.ops.quote_name(str(model._meta.pk.column))  # type: ignore[union-attr]
        ids: list[int] = []
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            params: list[Any] = []
            for values in _prepared(part, convert):
                params.extend(values)
            statement = f"{sql}{', '.join([one] * len(part))} RETURNING {pk}"
            cursor.execute(driver_sql(statement), params)
            ids.extend(r[0] for r in cursor.fetchall())
    return ids


def _copy(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]], returning: bool
) -> list[int]:
    """PostgreSQL: COPY the rows; ids, when wanted, are drawn from the table's sequence first
    (a large multi-row INSERT … RETURNING costs PostgreSQL more to plan than to execute)."""
    convert = _converters(model, tuple(names))
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [_column(model, n) for n in names]
    ids: list[int] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        if returning:
            pk_column = str(model._meta.pk.column)  # type: ignore[union-attr]
            raw.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk_column, len(rows)],
            )
            ids = [r[0] for r in raw.fetchall()]
            columns.insert(0, connection.ops.quote_name(pk_column))
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.copy(sql) as copy:
            for index, values in enumerate(_prepared(rows, convert)):
                if returning:
                    values.insert(0, ids[index])
                copy.write_row(values)
    return ids


_SQLITE_WRITER = threading.Lock()
_LOCK_FILE: dict[int, int] = {}  # pid -> file descriptor of the writer lock file


def _lock_fd() -> int:
    """This process's descriptor of the lock file next to the database (opened after a fork)."""
    import os

    pid = os.getpid()
    fd = _LOCK_FILE.get(pid)
    if fd is None:
        path = f"{connection.settings_dict['NAME']}.writer-lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        _LOCK_FILE.clear()
        _LOCK_FILE[pid] = fd
    return fd


@contextlib.contextmanager
def one_writer() -> Iterator[None]:
    """On SQLite, let one thread of one server process write at a time.

    SQLite admits one writer; threads and processes that all want to write otherwise wait in
    its busy handler, which sleeps in growing steps (up to 100 ms each) and turns short writes
    into a long latency tail. A thread lock and a file lock (for `xinyong serve --workers`)
    hand the turn over at once. PostgreSQL needs none.
    """
    if connection.vendor != "sqlite":
        yield
        return
    import fcntl

    with _SQLITE_WRITER:
        fd = _lock_fd() if not _in_memory() else None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)


def _in_memory() -> bool:
    name = str(connection.settings_dict["NAME"])
    return name.startswith(("file:", ":memory:")) or "mode=memory" in name
