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
Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Bind:
    name: str  # in the SQL
    key: str  # in the caller's values
    value: Any  # bound in the statement itself (a literal, ``.values(status="done")``)
    required: bool
    process: Processor


@dataclass(frozen=True)
class _Form:
    """One statement compiled for one dialect and one set of value keys."""

    sql: str
    positional: bool
    binds: tuple[_Bind, ...]  # in the order of the SQL's placeholders (positional)

    def parameters(self, values: Values) -> tuple[Any, ...] | dict[str, Any]:
        out = []
        for bind in self.binds:
            if bind.key in values:
                value = values[bind.key]
            elif bind.name in values:
                value = values[bind.name]
            elif bind.required:
                raise KeyError(f"no value for the statement's parameter {bind.key!r}")
            else:
                value = bind.value
            out.append(bind.process(value) if bind.process is not None else value)
        if self.positional:
            return tuple(out)
        return {bind.name: value for bind, value in zip(self.binds, out, strict=True)}


_forms: dict[tuple[Any, ...], _Form | None] = {}
_lock = threading.Lock()


def _compile(statement: Executable, dialect: Dialect, keys: tuple[str, ...],
             rows: int) -> _Form | None:
    """``statement`` compiled for ``dialect`` with values for ``keys`` (``rows`` rows of them in
    one INSERT when more than one); None when it cannot be sent as fixed driver SQL."""
    if rows > 1:
        assert isinstance(statement, Insert)
        table = statement.table
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
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    names = list(compiled.positiontup) if compiled.positional and compiled.positiontup \
        else list(by_name)
    binds = []
    for name in names:
        bind = by_name[name]
        if bind.callable is not None:
            return None
        binds.append(_Bind(name, bind.key, bind.value, bool(bind.required),
                           bind.type.dialect_impl(dialect).bind_processor(dialect)))
    return _Form(compiled.string, bool(compiled.positional), tuple(binds))


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
    rows: Sequence[Values] = [values or {}] if values is None or isinstance(
        values, Mapping) else values
    if not rows or any(each.keys() != rows[0].keys() for each in rows):
        return conn.execute(statement, values)  # type: ignore[arg-type,return-value]
    keys = tuple(rows[0])
    together = len(rows) if len(rows) > 1 and getattr(statement, "_returning", ()) else 1
    form = _form(statement, conn.dialect, keys, together)
    if form is None:
        return conn.execute(statement, values)  # type: ignore[arg-type,return-value]
    if together > 1:  # one INSERT … VALUES (…), (…) … RETURNING
        flat = {f"{key}__{row}": each[key] for row, each in enumerate(rows) for key in keys}
        return conn.exec_driver_sql(form.sql, form.parameters(flat))  # type: ignore[arg-type]
    if len(rows) > 1:
        return conn.exec_driver_sql(form.sql, [form.parameters(each)  # type: ignore[arg-type]
                                               for each in rows])
    return conn.exec_driver_sql(form.sql, form.parameters(rows[0]))  # type: ignore[arg-type]
