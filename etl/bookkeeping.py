"""What a build records of each source: the load log, the quarantine, the result.

Every source's rows read, loaded, quarantined, skipped and loaded with a note go to
``load_log``; every rejected row (and every row kept with a note) goes to
``quarantine`` with its row number, field, reason and raw values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from etl.config import Source
from etl.extract import checksum
from etl.source_checks import reason_counts


class BuildError(Exception):
    """The build stopped; the previous database is untouched."""


@dataclass
class SourceResult:
    name: str
    kind: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    notes: list[str] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    noted: int = 0  # rows kept with a note (an optional value left empty); among the loaded
    noted_reasons: dict[str, int] = field(default_factory=dict)
    causes: list[str] = field(default_factory=list)  # likely causes of rejections
    loaded_in_sql: int = 0  # rows read, checked and loaded in DuckDB (etl.ingest); among the loaded
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


def log_source(con, source: Source, result: SourceResult, started: datetime) -> None:
    con.execute(
        "insert into load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            source.name,
            source.kind,
            str(source.path),
            checksum(source.path),
            result.rows_read,
            result.rows_loaded,
            result.rows_quarantined,
            result.skipped,
            result.noted,
            "; ".join(result.notes) or None,
            started,
            datetime.now(),
        ],
    )


def quarantine_rows(
    con, source: Source, rejected: pd.DataFrame, severity: str = "rejected"
) -> dict[str, int]:
    """Rejected rows (or rows kept with a note) into the quarantine; counts per reason."""
    if rejected.empty:
        return {}
    frame = rejected.assign(source=source.name, severity=severity)[
        ["source", "row_number", "field", "reason", "raw", "severity"]
    ]
    con.register("rejected_rows", frame)
    con.execute("insert into quarantine by name select * from rejected_rows")
    con.unregister("rejected_rows")
    return reason_counts(frame).to_dict()


def insert_rows(con, table: str, frame: pd.DataFrame) -> None:
    columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
    present = [c for c in columns if c in frame.columns]
    con.register("rows_in", frame[present])
    con.execute(f"insert into {table} by name select * from rows_in")
    con.unregister("rows_in")
