"""Skipped parts of the analysis, recorded in ``analysis_skips`` with their reason.

A step whose input does not allow a part of its work (a single incident in a
category's history, a level without areas, areas without neighbours, constant
values, no survey) writes what it can and records each part it left out, so the
Data page can say why a figure is missing instead of the build failing.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

SKIP_COLUMNS = ("step", "indicator", "level", "area_code", "period", "reason")


def record_skip(
    con: duckdb.DuckDBPyConnection,
    step: str,
    reason: str,
    *,
    indicator: str | None = None,
    level: str | None = None,
    area_code: str | None = None,
    period: str | None = None,
) -> None:
    """One skipped part of ``step``; the other arguments say which part."""
    con.execute(
        "insert into analysis_skips values (?, ?, ?, ?, ?, ?)",
        [step, indicator, level, area_code, period, reason],
    )


def record_skips(con: duckdb.DuckDBPyConnection, rows: Iterable[dict]) -> None:
    """Many skipped parts at once: dicts with keys of ``SKIP_COLUMNS`` (step, reason required)."""
    frame = pd.DataFrame(list(rows), columns=list(SKIP_COLUMNS))
    if frame.empty:
        return
    con.register("_skip_rows", frame.astype(object))
    try:
        con.execute("insert into analysis_skips by name select * from _skip_rows")
    finally:
        con.unregister("_skip_rows")
