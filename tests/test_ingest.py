"""Incidents read and checked in DuckDB load exactly what the row-by-row checks load.

Each build here runs twice on the same files, with ``ingest_in_duckdb`` on and off; the
load log, the quarantine (reasons, fields, raw values, notes), the incidents and their
areas at every level must be the same.  The files mix the rows DuckDB loads itself with
every kind of row it leaves to the row-by-row checks.
"""

from __future__ import annotations

import dataclasses

import pytest

from etl.bookkeeping import BuildError
from etl.db import connect
from etl.extract import SourceError
from etl.load import build
from etl.settings import Settings
from tests.tiny import write_tiny

FAST = Settings.from_env({"hotspot_permutations": 19, "max_date": "2025-12-31"})
HEADER = "registratienummer,soort,begindatum,einddatum,x_rd,y_rd\n"

#: Rows DuckDB reads, checks and places itself (13).
CLEAN = """\
C1,woninginbraak,2023-01-10,2023-01-10,100500,400500
C2,woninginbraak,2023-01-10 17:30:00,,100500.25,400500.5
C3,fietsdiefstal,2023-01-10T17:30:00,2023-01-11,101500,400500
C4,fietsdiefstal,2023-01-10 17:30,,101500,401500
C5,geweld,20230110,,101000,400500
C6,geweld,20230110173000,20230111080000,100500,401500
C7,vernieling,202301101730,,100200,400200
 C8 , overlast ,2024-02-29,,100700,400700
C9,overlast,2024-03-01,NA,0,0
C10,overlast,2024-03-02,,101999.9,401999.9
C11,overlast,2024-03-03,,101000,401000
C12,geweld,2025-12-31,,100100,401900
C13,geweld,2025-12-31 23:59:59,,100100,401900
"""
"""C5 and C11 lie on borders (tie-break: the smallest code); C9 lies at (0, 0), outside."""

#: Rows left to the row-by-row checks, one reason each (the expected outcome in brackets).
OTHER = """\
T1\t,woninginbraak,2023-02-01,,100500,400500
N1\u00a0,woninginbraak,2023-02-01,,100500,400500
D1,geweld,2023-02-02,,100500,400500
D1,geweld,2023-02-03,,100500,400500
D2,geweld,2023-02-02,,100500,400500
 D2\t,geweld,2023-02-03,,100500,400500
E1,geweld,10-02-2023,,100500,400500
E2,geweld,13/02/2023 17:30,,100500,400500
S60,geweld,2023-02-01 17:30:60,,100500,400500
H24,geweld,2023-02-01 24:00,,100500,400500
OLD,geweld,1980-01-01,,100500,400500
LATE,geweld,2026-01-02,,100500,400500
BAD,geweld,2023-02-30,,100500,400500
EMPTY,geweld,,,100500,400500
NA1,NA,2023-02-01,,100500,400500
END,geweld,2023-02-01,2023-13-45,100500,400500
COMMA,geweld,2023-02-01,,"100500,5",400500
EXP,geweld,2023-02-01,,1.005e5,400500
SIGN,geweld,2023-02-01,,+100500,400500
SENT,geweld,2023-02-01,,-99999999,400500
ONE,geweld,2023-02-01,,,400500
NONE,geweld,2023-02-01,,,
OUT,geweld,2023-02-01,,0,0
PAD,geweld, 2023-02-01 ,,100500 ,400500
SHORT,geweld,2023-02-01
"""


def _both(tmp_path, text: str):
    """Build ``text`` as Kleindorp's incidents twice; what each build loaded."""
    config = write_tiny(tmp_path / "src", incidents=text)
    found = {}
    for in_duckdb in (True, False):
        settings = dataclasses.replace(FAST, ingest_in_duckdb=in_duckdb)
        db = tmp_path / f"{in_duckdb}.duckdb"
        try:
            summary = build(config, db, settings)
        except (BuildError, SourceError) as exc:
            found[in_duckdb] = {"error": str(exc)}
            continue
        con = connect(db, read_only=True)
        try:
            found[in_duckdb] = {
                "in sql": {s.name: s.loaded_in_sql for s in summary.sources},
                "load_log": con.execute(
                    "select source, rows_read, rows_loaded, rows_quarantined, rows_skipped, "
                    "rows_noted, notes from load_log order by source"
                ).fetchall(),
                "quarantine": con.execute(
                    "select source, row_number, field, reason, raw, severity from quarantine "
                    "order by all"
                ).fetchall(),
                "incidents": con.execute(
                    "select incident_id, category, date, date_end, x_rd, y_rd, area_code, "
                    "row_number from incidents order by all"
                ).fetchall(),
                "levels": con.execute(
                    "select incident_id, level, area_code from incident_areas order by all"
                ).fetchall(),
            }
        finally:
            con.close()
    return found[True], found[False]


def test_duckdb_loads_what_the_row_by_row_checks_load(tmp_path):
    duck, rows = _both(tmp_path, HEADER + CLEAN + OTHER)
    # C9 at (0, 0) lies outside: row by row; N1's no-break space is trimmed as by Python
    assert duck["in sql"]["incidents"] == 13
    assert rows["in sql"]["incidents"] == 0
    for part in ("load_log", "quarantine", "incidents", "levels"):
        assert duck[part] == rows[part], part
    incidents = {r[0]: r for r in duck["incidents"]}
    assert incidents["C8"][1] == "overlast"  # spaces trimmed
    assert incidents["C5"][6] == "BU99980101" and incidents["C11"][6] == "BU99980101"
    assert {"T1", "N1", "D1", "D2", "E1", "E2", "S60", "H24", "COMMA", "EXP"} <= set(incidents)
    reasons = {r[1]: r[3] for r in duck["quarantine"] if r[0] == "incidents"}
    assert reasons[5 + len(CLEAN.splitlines())] == "duplicate incident_id: D1"
    (log,) = [r for r in duck["load_log"] if r[0] == "incidents"]
    read, loaded, quarantined, skipped = log[1:5]
    assert read == len((CLEAN + OTHER).splitlines()) == loaded + quarantined + skipped
    assert "date read: " in log[6] and "as ISO (yyyy-mm-dd)" in log[6]


@pytest.mark.parametrize(
    "extra, in_sql",
    [
        ("X1,geweld,44927,,100500,400500\n", 0),  # an Excel serial day: judged over the column
        ("X1,geweld,2023-02-01,,100500,400500,extra\n", None),  # longer than the header
        ('X1,"geweld\nmet regel",2023-02-01,,100500,400500\n', 13),  # a quoted line break
        ("X1,geweld,2023-02-01,,100500,400500\n\nX2,geweld,2023-02-01,,100500,400500\n", 14),
    ],
)
def test_files_of_other_shapes_load_the_same(tmp_path, extra, in_sql):
    duck, rows = _both(tmp_path, HEADER + CLEAN + extra)
    if in_sql is None:  # the file cannot be read: both builds stop with the same message
        assert "error" in duck and duck == rows
        return
    assert duck.pop("in sql")["incidents"] == in_sql
    assert rows.pop("in sql")["incidents"] == 0
    assert duck == rows
