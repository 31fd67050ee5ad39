"""Read-only access to a built database, reopened when a new build is swapped in.

A build replaces the database file with an atomic rename; the store notices the
new file (inode and modification time) at the next query and opens it, so a
running dashboard picks up a rebuild without a restart.  Each process keeps its
own connection; every query runs on its own cursor.

The file is attached read-only to a fresh in-memory DuckDB instance rather than
opened by path, because DuckDB shares one instance per path within a process:
opening the path again while an old cursor lives would return the old file.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pandas as pd

from etl.db import connect

ALIAS = "served"


class Store:
    """A database path plus a connection that follows the file."""

    def __init__(self, path: str | Path):
        self.path = Path(path).resolve()
        if not self.path.is_file():
            raise FileNotFoundError(f"{self.path}: database not found")
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stamp: tuple[int, int] | None = None
        self._local = threading.local()  # one cursor per thread and database file

    def _file_stamp(self) -> tuple[int, int]:
        st = os.stat(self.path)
        return st.st_ino, st.st_mtime_ns

    @property
    def version(self) -> tuple[int, int]:
        """Identity of the database file now served (changes with each build)."""
        return self._file_stamp()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the database file now in place."""
        stamp = self._file_stamp()
        with self._lock:
            if self._con is None or stamp != self._stamp:
                old = self._con
                self._con = connect(":memory:", read_only=False)
                self._con.execute(f"attach '{_quoted(self.path)}' as {ALIAS} (read_only)")
                # small queries: one thread avoids scheduling overhead; web workers give
                # the parallelism
                self._con.execute("set threads = 1")
                self._stamp = stamp
                if old is not None:
                    old.close()
            cached = getattr(self._local, "cursor", None)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            cur = self._con.cursor()
        cur.execute(f"use {ALIAS}")
        self._local.cursor = (stamp, cur)
        return cur

    def frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run a query with bound parameters and return a data frame."""
        result = self.cursor().execute(sql, params or [])
        columns = [d[0] for d in result.description]
        return pd.DataFrame(dict(zip(columns, result.fetchnumpy().values())), columns=columns)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
