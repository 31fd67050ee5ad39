"""The SQL files under ``sql/``: schema -> staging -> marts, (analysis) -> final, then checks."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

LAYERS = ("schema", "staging", "marts", "final")


def sql_root() -> Path:
    return Path(str(resources.files("sql")))


def sql_files(layer: str) -> list[Path]:
    """The files of one layer, in name order (their numeric prefixes)."""
    return sorted((sql_root() / layer).glob("*.sql"))


def run_layer(con: duckdb.DuckDBPyConnection, layer: str) -> None:
    for path in sql_files(layer):
        run_file(con, path)


def run_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    try:
        con.execute(path.read_text(encoding="utf-8"))
    except duckdb.Error as exc:
        raise RuntimeError(f"{path.relative_to(sql_root().parent)}: {exc}") from exc


def run_checks(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """Run every data check; return (file, check, detail) for each violation."""
    found = []
    for path in sql_files("checks"):
        for check, detail in con.execute(path.read_text(encoding="utf-8")).fetchall():
            found.append((path.name, check, detail))
    return found
