"""SQL lives only in ``bot/store/``: no other module builds or runs a query.

Read from the source (AST), not by running it: outside ``bot/store`` a module may not import
SQLAlchemy (its exceptions excepted), import a table object from the store, or call
``execute``/``exec_driver_sql``/``scalars`` on anything. Code outside the store holds a
transaction only to hand it back to the store's functions (``bot.store.txn.Transaction``).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from sqlalchemy import Table

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"
STORE = BOT / "store"
RUNS_SQL = {"execute", "exec_driver_sql", "executemany", "scalars", "scalar_one"}
ALLOWED_SQLALCHEMY = {"sqlalchemy.exc"}  # catching a database error is not SQL

def _is_table(module: str, name: str) -> bool:
    try:
        return isinstance(getattr(importlib.import_module(module), name, None), Table)
    except ImportError:
        return False


def violations(path: Path) -> list[str]:
    """What in ``path`` builds or runs SQL, one line each (line number and why)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (alias.name.split(".")[0] == "sqlalchemy"
                        and alias.name not in ALLOWED_SQLALCHEMY):
                    found.append(f"{node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] == "sqlalchemy" and node.module not in ALLOWED_SQLALCHEMY:
                found.append(f"{node.lineno}: imports from {node.module}")
            elif node.module.startswith("bot.store"):
                found += [f"{node.lineno}: imports the table {alias.name} from {node.module}"
                          for alias in node.names if _is_table(node.module, alias.name)]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in RUNS_SQL):
            found.append(f"{node.lineno}: calls .{node.func.attr}()")
    return found


def outside_store() -> dict[str, list[str]]:
    result = {}
    for path in sorted(BOT.rglob("*.py")):
        if STORE in path.parents:
            continue
        if found := violations(path):
            result[path.relative_to(ROOT).as_posix()] = found
    return result


def test_no_sql_outside_the_store() -> None:
    found = outside_store()
    assert not found, "SQL outside bot/store/ (move it behind a store function):\n" + "\n".join(
        f"{path}:{line}" for path, lines in found.items() for line in lines)


def test_the_check_sees_each_kind_of_sql(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text(
        "from sqlalchemy import select\n"
        "import sqlalchemy.orm\n"
        "from sqlalchemy.exc import IntegrityError\n"
        "from bot.store.paging_tables import escalations\n"
        "from bot.store.database import Database\n"
        "conn.execute(select(escalations))\n"
        "conn.exec_driver_sql('SELECT 1')\n",
        encoding="utf-8")
    assert violations(source) == [
        "1: imports from sqlalchemy",
        "2: imports sqlalchemy.orm",
        "4: imports the table escalations from bot.store.paging_tables",
        "6: calls .execute()",
        "7: calls .exec_driver_sql()",
    ]
