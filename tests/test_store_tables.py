"""The schema the migrations build is the one the code queries: one definition of each table.

Migrations freeze their own DDL; ``bot.store``'s table objects are what every query is built
from. They must agree, table by table, on columns, types (and lengths), NULL, primary keys and
uniqueness, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

from sqlalchemy import Table, UniqueConstraint, inspect

import bot.store
from bot.store import Database
from tests.test_postgres import pg_url  # noqa: F401 - the fixture

MIGRATIONS_ONLY = {"schema_migrations"}  # the migrations' own bookkeeping


def code_tables() -> dict[str, Table]:
    """Every table object defined in ``bot.store`` (not in a migration), by name."""
    tables: dict[str, Table] = {}
    for module in pkgutil.iter_modules(bot.store.__path__):
        if module.name.endswith("migrations"):
            continue
        loaded = importlib.import_module(f"bot.store.{module.name}")
        for value in vars(loaded).values():
            if isinstance(value, Table):
                assert tables.get(value.name, value) is value, f"{value.name} defined twice"
                tables[value.name] = value
    return tables


def declared(table: Table) -> dict[str, Any]:
    unique = {frozenset(c.name for c in constraint.columns)
              for constraint in table.constraints if isinstance(constraint, UniqueConstraint)}
    unique |= {frozenset([c.name]) for c in table.columns if c.unique}
    unique |= {frozenset(c.name for c in index.columns) for index in table.indexes if index.unique}
    return {
        "columns": {c.name: (_type(c.type), c.nullable or False) for c in table.columns},
        "primary key": {c.name for c in table.primary_key.columns},
        "unique": unique,
    }


def built(db: Database, name: str) -> dict[str, Any]:
    inspector = inspect(db.engine)
    unique = {frozenset(u["column_names"]) for u in inspector.get_unique_constraints(name)}
    unique |= {frozenset(i["column_names"]) for i in inspector.get_indexes(name) if i["unique"]}
    primary = set(inspector.get_pk_constraint(name)["constrained_columns"])
    return {
        "columns": {c["name"]: (_type(c["type"]), c["nullable"] and c["name"] not in primary)
                    for c in inspector.get_columns(name)},
        "primary key": primary,
        "unique": unique,
    }


def _type(kind: Any) -> str:
    """The type as both sides can state it: its generic name and length."""
    generic = kind.as_generic()
    name = type(generic).__name__.upper()
    name = {"UNICODE": "STRING", "VARCHAR": "STRING", "UNICODETEXT": "TEXT",
            "BIGINTEGER": "INTEGER", "SMALLINTEGER": "INTEGER"}.get(name, name)
    length = getattr(generic, "length", None)
    return f"{name}({length})" if length else name


def assert_same_schema(db: Database) -> None:
    tables = code_tables()
    names = set(inspect(db.engine).get_table_names()) - MIGRATIONS_ONLY
    assert names == set(tables), (f"migrations only: {sorted(names - set(tables))}; "
                                  f"code only: {sorted(set(tables) - names)}")
    differ = {}
    for name, table in sorted(tables.items()):
        wanted, got = declared(table), built(db, name)
        if wanted != got:
            differ[name] = {key: {"code": wanted[key], "migrations": got[key]}
                            for key in wanted if wanted[key] != got[key]}
    assert not differ, differ


def test_the_migrated_sqlite_schema_is_the_queried_one(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        assert_same_schema(db)
    finally:
        db.dispose()


def test_the_migrated_postgresql_schema_is_the_queried_one(pg_url: str) -> None:  # noqa: F811
    db = Database(pg_url)
    try:
        assert_same_schema(db)
    finally:
        db.dispose()


def test_a_disagreement_is_found(tmp_path: Path) -> None:
    """The escalations table's dedupe key is unique in its migration: a table object saying
    otherwise must not pass."""
    db = Database(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        table = code_tables()["escalations"]
        copy = declared(table)
        copy["unique"] = copy["unique"] - {frozenset(["dedupe_key"])}
        assert built(db, "escalations") != copy
    finally:
        db.dispose()
