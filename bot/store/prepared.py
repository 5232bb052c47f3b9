"""The statements every Slack event and every page runs, compiled once and sent as the driver's
own SQL.

SQLAlchemy Core spends about 20 µs of Python on each execution of a statement built once (its
cache key, the parameters processed, the result set up) around the driver's 5 µs: on an event
that runs eight or nine statements, and on the path from an outcome to its first page, that is
most of what the database costs in CPU. ``run`` executes such a statement as SQLAlchemy would
send it — compiled once per dialect and set of columns, its values converted by the same type
processors (a UTC datetime stored on SQLite as SQLAlchemy writes it), its literal values
bound — through ``Connection.exec_driver_sql``, which keeps the transaction, the connection
events (the SQL counters of bench/ and tests) and the error wrapping (an ``IntegrityError`` is
still one). About half the Python per statement goes.

Only statements whose compiled form has no parameters expanded at execution (``IN`` lists,
rendered literals) or renamed for the driver are sent this way; any other is executed by
``Connection.execute``, unchanged. The result is the driver's: rows of a ``RETURNING``, and
``rowcount`` (an INSERT whose id the caller needs says ``RETURNING``: SQLAlchemy's
``inserted_primary_key`` is not there). Several rows for a statement with ``RETURNING`` are one
``INSERT … VALUES (…), (…)``, compiled once per number of rows; several for one without are the
driver's ``executemany``, as SQLAlchemy sends them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, CursorResult, Insert, bindparam
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql.base import Executable

Values = Mapping[str, Any]
#: Builds the driver's parameters: from one row's values, or from every row's (one INSERT).
Builder = Callable[[Any], tuple[Any, ...] | dict[str, Any]]


@dataclass(frozen=True)
class _Form:
    """One statement compiled for one dialect, one set of value keys and a number of rows."""

    sql: str
    parameters: Builder


_forms: dict[tuple[Any, ...], _Form | None] = {}
_lock = threading.Lock()


def _builder(compiled: Any, dialect: Dialect, keys: tuple[str, ...],
             rows: dict[str, tuple[int, str]] | None) -> Builder | None:
    """A function from the caller's values to the driver's parameters, in the SQL's order,
    each converted by its type's processor. Which bind takes which value is decided here,
    once, as SQLAlchemy decides it on every execution: the caller's value under the bind's
    key, else under its name, else the value bound in the statement (a literal). Generated as
    one expression (``v["kind"], p7(v["lease_until"]), c3, …``), as ``namedtuple`` builds its
    methods: it runs at C speed where a loop over the binds cost more than it saved. ``rows``
    (a multi-row INSERT): bind name -> (row, key). None when a value is missing."""
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    names = (list(compiled.positiontup) if compiled.positional and compiled.positiontup
             else list(by_name))
    scope: dict[str, Any] = {}
    parts = []
    for i, name in enumerate(names):
        bind = by_name[name]
        if bind.callable is not None:
            return None
        if rows is not None:
            row, key = rows[name]
            expression = f"v[{row}][{key!r}]"
        elif bind.key in keys or name in keys:
            expression = f"v[{(bind.key if bind.key in keys else name)!r}]"
        elif bind.required:
            return None  # (SQLAlchemy says which)
        else:
            scope[f"c{i}"] = bind.value
            expression = f"c{i}"
        if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None:
            scope[f"p{i}"] = process
            expression = f"p{i}({expression})"
        parts.append(expression if compiled.positional else f"{name!r}: {expression}")
    body = f"({', '.join(parts)},)" if compiled.positional else f"{{{', '.join(parts)}}}"
    return eval(f"lambda v: {body}", scope)  # noqa: S307 - our own identifiers, repr'd


def _compile(statement: Executable, dialect: Dialect, keys: tuple[str, ...],
             rows: int) -> _Form | None:
    """``statement`` compiled for ``dialect`` with values for ``keys`` (``rows`` rows of them in
    one INSERT when more than one); None when it cannot be sent as fixed driver SQL."""
    names = None
    if rows > 1:
        assert isinstance(statement, Insert)
        table = statement.table
        names = {f"{key}__{row}": (row, key) for row in range(rows) for key in keys}
        statement = statement.values([
            {key: bindparam(f"{key}__{row}", type_=table.c[key].type) for key in keys}
            for row in range(rows)])
        compiled = statement.compile(dialect=dialect)
    else:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    if (compiled.literal_execute_params or compiled.post_compile_params
            or compiled.escaped_bind_names or compiled.insert_prefetch
            or compiled.update_prefetch):  # (a Python-side default: SQLAlchemy computes it)
        return None
    parameters = _builder(compiled, dialect, keys, names)
    return None if parameters is None else _Form(compiled.string, parameters)


def _form(statement: Executable, dialect: Dialect, keys: tuple[str, ...],
          rows: int) -> _Form | None:
    index = (statement, dialect.name, dialect.driver, keys, rows)
    try:
        return _forms[index]
    except KeyError:
        pass
    form = _compile(statement, dialect, keys, rows)
    with _lock:
        _forms[index] = form
    return form


def run(conn: Connection, statement: Executable,
        values: Values | Sequence[Values] | None = None) -> CursorResult[Any]:
    """Execute ``statement`` (built once, at import) with ``values`` (a mapping, or one per
    row) as SQLAlchemy would, through the driver's own SQL."""
    if values is None or isinstance(values, Mapping):  # one row: the usual case
        single = values or {}
        form = _form(statement, conn.dialect, tuple(single), 1)
        if form is None:
            return conn.execute(statement, values)  # type: ignore[arg-type,return-value]
        return conn.exec_driver_sql(form.sql, form.parameters(single))  # type: ignore[arg-type]
    rows = values
    if not rows or any(each.keys() != rows[0].keys() for each in rows):
        return conn.execute(statement, values)  # type: ignore[arg-type,return-value]
    together = len(rows) if len(rows) > 1 and getattr(statement, "_returning", ()) else 1
    form = _form(statement, conn.dialect, tuple(rows[0]), together)
    if form is None:
        return conn.execute(statement, values)  # type: ignore[arg-type,return-value]
    if together > 1:  # one INSERT … VALUES (…), (…) … RETURNING
        return conn.exec_driver_sql(form.sql, form.parameters(rows))  # type: ignore[arg-type]
    return conn.exec_driver_sql(form.sql, [form.parameters(each)  # type: ignore[arg-type]
                                           for each in rows])
