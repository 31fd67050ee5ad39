"""Incidents read and checked in DuckDB load exactly what the row-by-row checks load.

Each build here runs twice on the same files, with ``ingest_in_duckdb`` on and off; the
load log, the quarantine (reasons, fields, raw values, notes), the incidents and their
areas at every level must be the same.  The files mix the rows DuckDB loads itself with
every kind of row it leaves to the row-by-row checks.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.bookkeeping import BuildError
from etl.db import connect
from etl.extract import SourceError, as_text, read_csv_text
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


def _both(tmp_path, text: str, encoding: str = "utf-8", crs: str = "EPSG:28992", parquet=None):
    """Build ``text`` (or the table ``parquet``, as a Parquet file) as Kleindorp's
    incidents twice; what each build loaded.

    A build that stops gives the command line's message instead (``unease build``).
    """
    config = write_tiny(tmp_path / "src", incidents="")
    settings_text = config.read_text(encoding="utf-8")
    if parquet is None:
        (config.parent / "incidents.csv").write_bytes(text.encode(encoding))
    else:
        # row groups of 8 rows: DuckDB may read them in parallel, the order must hold
        pq.write_table(parquet, config.parent / "incidents.parquet", row_group_size=8)
        settings_text = settings_text.replace('"incidents.csv"', '"incidents.parquet"')
    config.write_text(
        settings_text.replace('crs = "EPSG:28992"', f'crs = "{crs}"')
        + '[settings]\nhotspot_permutations = 19\nmax_date = "2025-12-31"\n',
        encoding="utf-8",
    )
    found = {}
    for in_duckdb in (True, False):
        settings = dataclasses.replace(FAST, ingest_in_duckdb=in_duckdb)
        db = tmp_path / f"{in_duckdb}.duckdb"
        try:
            summary = build(config, db, settings)
        except (BuildError, SourceError) as exc:
            found[in_duckdb] = {"error": str(exc), "cli": _cli_error(config, db, in_duckdb)}
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
                "counts": con.execute("select * from incident_counts order by all").fetchall(),
            }
        finally:
            con.close()
    return found[True], found[False]


def _cli_error(config, db, in_duckdb: bool) -> str:
    """What ``unease build`` says when the build stops: its first line of standard error."""
    env = {**os.environ, "UNEASE_INGEST_IN_DUCKDB": str(in_duckdb).lower()}
    env.pop("UNEASE_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "etl.cli", "build", str(config), "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr.splitlines()[0]


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


HEADER_SEMI = HEADER.replace(",", ";")
CLEAN_SEMI = CLEAN.replace(",", ";")
#: Kleindorp's points as WGS84 longitude and latitude.
LONLAT = "C1,geweld,2023-01-10,,4.6007,51.5908\nC2,geweld,2023-01-11,,4.6150,51.5998\n"


def _rows(dates: list[str], category: str = "geweld") -> str:
    return "".join(f"R{i},{category},{d},,100500,400500\n" for i, d in enumerate(dates))


#: Files as a municipality never seen before may send them: (text, encoding, crs).
NEW_FILES = {
    "day-month-year": (HEADER + _rows(["10-02-2023", "28-02-2024", "01-03-2024"]), "utf-8", ""),
    "day/month/year time": (
        HEADER + _rows(["13/02/2023 17:30", "01/03/2024 08:05", "31/12/2025 23:59"]),
        "utf-8",
        "",
    ),
    "compact second 60": (
        HEADER + CLEAN + _rows(["20230110173060", "20230110173059"]),
        "utf-8",
        "",
    ),
    "excel serials": (HEADER + _rows(["44927", "45000.5", "45291"]), "utf-8", ""),
    "mixed forms": (
        HEADER
        + CLEAN
        + _rows(["10-02-2023", "13/02/2023 17:30", "44927", "20230210", "2023-02-10", "feb"]),
        "utf-8",
        "",
    ),
    "semicolons, decimal commas": (
        HEADER_SEMI + CLEAN_SEMI + "K1;geweld;2023-02-01;;100500,5;400500,25\n",
        "utf-8",
        "",
    ),
    "utf-8 bom": (HEADER + CLEAN, "utf-8-sig", ""),
    "bom, semicolons, crlf": (
        (HEADER_SEMI + CLEAN_SEMI).replace("\n", "\r\n"),
        "utf-8-sig",
        "",
    ),
    "crlf": ((HEADER + CLEAN).replace("\n", "\r\n"), "utf-8", ""),
    "quoted separators and line breaks": (
        HEADER
        + CLEAN
        + 'Q1,"geweld, zwaar",2023-02-01,,100500,400500\n'
        + 'Q2,"geweld\nmet regel",2023-02-01,,100500,400500\n'
        + 'Q3,"zei ""stop""",2023-02-01,,100500,400500\n'
        + '"Q4","geweld","2023-02-01","","100500","400500"\n',
        "utf-8",
        "",
    ),
    "header only": (HEADER, "utf-8", ""),
    "header only, no line end": (HEADER.strip(), "utf-8", ""),
    "x and y swapped": (
        HEADER
        + "".join(
            ",".join(r.split(",")[:4] + r.split(",")[4:6][::-1]) + "\n" for r in CLEAN.splitlines()
        ),
        "utf-8",
        "",
    ),
    "longitude and latitude declared as RD": (HEADER + LONLAT, "utf-8", ""),
    "longitude and latitude declared as WGS84": (HEADER + LONLAT, "utf-8", "EPSG:4326"),
    "latin-1": (HEADER + CLEAN + _rows(["2023-02-01"], "vernieling café"), "latin-1", ""),
    "cp1252": (HEADER + CLEAN + _rows(["2023-02-01"], "diefstal \u20ac"), "cp1252", ""),
    "unknown columns": (
        HEADER.replace("\n", ",opmerking\n") + CLEAN.replace("\n", ",vrije tekst\n"),
        "utf-8",
        "",
    ),
    "unknown columns, the last unnamed": (
        HEADER.replace("\n", ",opmerking,\n") + CLEAN.replace("\n", ",vrije tekst,x\n"),
        "utf-8",
        "",
    ),
    "empty lines": ("\n" + HEADER + "\n" + CLEAN + "\n\n  \n,,,,,\n", "utf-8", ""),
    "empty lines after the header": (HEADER + "\n\n" + CLEAN + "\n\n", "utf-8", ""),
    "partial last year": (
        HEADER + _rows([f"2024-{m:02d}-15" for m in range(1, 13)] + ["2025-01-15", "2025-02-15"]),
        "utf-8",
        "",
    ),
    "a category of two rows": (
        HEADER + CLEAN + _rows(["2023-05-01", "2023-06-01"], "zeldzaam"),
        "utf-8",
        "",
    ),
    "repeated rows": (
        HEADER + CLEAN + CLEAN.splitlines()[0] + "\n" + "C1,geweld,2023-02-01,,100500,400500\n",
        "utf-8",
        "",
    ),
    "tabs": ((HEADER + CLEAN).replace(",", "\t"), "utf-8", ""),
    "a later row longer than the header": (
        HEADER + CLEAN + "X1,geweld,2023-02-01,,100500,400500,extra\n",
        "utf-8",
        "",
    ),
    "an unclosed quote": (
        HEADER + CLEAN + 'X1,"geweld,2023-02-01,,100500,400500\n',
        "utf-8",
        "",
    ),
}


#: What each file gives, the same both ways: (rows DuckDB loads itself, rows read,
#: loaded, quarantined), or a text of the message the build stops with.
EXPECTED = {
    "day-month-year": (0, 3, 3, 0),  # no ISO date: every row row by row
    "day/month/year time": (0, 3, 3, 0),
    "compact second 60": (13, 15, 14, 1),  # second 60 rolled over, row by row
    "excel serials": (0, 3, 3, 0),
    "mixed forms": (0, 19, 16, 3),  # a serial in the column: the whole file row by row
    "semicolons, decimal commas": (12, 14, 13, 1),  # the decimal commas row by row
    "utf-8 bom": (12, 13, 12, 1),  # C9 at (0, 0) is quarantined in every file with CLEAN
    "bom, semicolons, crlf": (12, 13, 12, 1),
    "crlf": (12, 13, 12, 1),
    "quoted separators and line breaks": (16, 17, 16, 1),
    "header only": "the file holds no rows (only a header?)",
    "header only, no line end": "the file holds no rows (only a header?)",
    "x and y swapped": "x and y look swapped",
    "longitude and latitude declared as RD": 'set crs = "EPSG:4326"',
    "longitude and latitude declared as WGS84": (2, 2, 2, 0),
    "latin-1": (0, 14, 13, 1),  # not UTF-8: the whole file row by row
    "cp1252": (0, 14, 13, 1),
    "unknown columns": (12, 13, 12, 1),
    "unknown columns, the last unnamed": (0, 13, 12, 1),  # pandas names it: row by row
    "empty lines": "the file is empty or has no header line",  # an empty first line
    "empty lines after the header": (12, 13, 12, 1),
    "partial last year": (14, 14, 14, 0),
    "a category of two rows": (14, 15, 14, 1),
    "repeated rows": (11, 15, 12, 3),
    "tabs": (12, 13, 12, 1),
    "a later row longer than the header": "Expected 6 fields in line 15, saw 7",
    "an unclosed quote": "line 15, field 'soort': a quote (\") opens a value that is never",
}


@pytest.mark.parametrize("case", list(NEW_FILES))
def test_files_of_a_new_municipality_load_the_same(tmp_path, case):
    text, encoding, crs = NEW_FILES[case]
    duck, rows = _both(tmp_path, text, encoding, crs or "EPSG:28992")
    expected = EXPECTED[case]
    if isinstance(expected, str):  # the build stops, both ways, naming the file
        assert expected in duck["error"]
        for found in (duck, rows):
            assert found["cli"].startswith("unease build: ")
            assert str(tmp_path / "src" / "incidents.csv") in found["cli"]
        assert duck["error"] == rows["error"]
        return
    assert duck.pop("in sql")["incidents"] == expected[0]
    assert rows.pop("in sql")["incidents"] == 0
    (log,) = [r for r in duck["load_log"] if r[0] == "incidents"]
    read, loaded, quarantined, skipped = log[1:5]
    assert (read, loaded, quarantined) == expected[1:]
    assert read == loaded + quarantined + skipped
    assert duck == rows


def _as_csv(table: pa.Table) -> str:
    """The text of a Parquet table as the row-by-row path reads it, as a CSV."""
    return as_text(table.to_pandas()).to_csv(index=False)


def _row_shifted(found: dict) -> dict:
    """A build's quarantine and incidents with the incidents' CSV lines as Parquet row
    numbers (the header is line 1 of a CSV; a Parquet file numbers its rows from 1)."""
    quarantine = [(s, n - (s == "incidents"), *rest) for s, n, *rest in found["quarantine"]]
    incidents = [(*r[:-1], r[-1] - 1) for r in found["incidents"]]
    return {**found, "quarantine": sorted(quarantine), "incidents": sorted(incidents)}


def test_a_parquet_file_of_text_loads_what_its_csv_loads(tmp_path):
    """x and y as text (decimal commas, signs, exponents), bad dates, missing and outside
    coordinates, repeated numbers: read by DuckDB's Parquet reader, the same as row by
    row and as the same rows in a CSV."""
    text = HEADER + CLEAN + OTHER
    frame = read_csv_text_of(tmp_path, text)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    duck, rows = _both(tmp_path / "parquet", "", parquet=table)
    csv_duck, _ = _both(tmp_path / "csv", text)
    assert duck.pop("in sql")["incidents"] == 13
    assert rows.pop("in sql")["incidents"] == 0
    assert duck == rows
    csv_duck.pop("in sql")
    assert _row_shifted(csv_duck) == duck
    reasons = {r[1]: r[3] for r in duck["quarantine"] if r[0] == "incidents"}
    assert reasons[4 + len(CLEAN.splitlines())] == "duplicate incident_id: D1"


def test_a_parquet_file_with_a_stored_index_loads_like_one_without(tmp_path):
    """pandas stores a text or named index in the file: the rows load by their place
    in the file as before, and a named index is a column again (here the registration
    number), instead of the build stopping on an index it cannot number."""
    frame = read_csv_text_of(tmp_path, HEADER + CLEAN + OTHER)
    plain = pa.Table.from_pandas(frame, preserve_index=False)
    lettered = pa.Table.from_pandas(
        frame.set_axis([f"r{i}" for i in range(len(frame))]), preserve_index=True
    )
    named = pa.Table.from_pandas(frame.set_index("registratienummer"), preserve_index=True)
    expected, _ = _both(tmp_path / "plain", "", parquet=plain)
    expected.pop("in sql")
    for case, table in (("lettered", lettered), ("named", named)):
        duck, rows = _both(tmp_path / case, "", parquet=table)
        duck.pop("in sql"), rows.pop("in sql")
        assert duck == rows == expected, case
    assert len(expected["incidents"]) > 10


def read_csv_text_of(tmp_path, text: str) -> pd.DataFrame:
    path = tmp_path / "rows.csv"
    tmp_path.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return read_csv_text(path)


def _typed(dates: list, x: list, timestamps: list | None = None) -> pa.Table:
    n = len(dates)
    columns = {
        "registratienummer": [f"P{i}" for i in range(n - 1)] + ["P0"],  # the last repeated
        "soort": ["geweld"] * (n - 2) + [None, " overlast "],
        "begindatum": pa.array(dates, pa.date32()),
        "einddatum": pa.array(timestamps, pa.timestamp("us"))
        if timestamps
        else pa.array([None] * n, pa.string()),
        "x_rd": pa.array(x, pa.float64()),
        "y_rd": pa.array([None if v is None else 400500.5 for v in x], pa.float32()),
    }
    return pa.table(columns)


def test_a_typed_parquet_file_loads_what_row_by_row_loads(tmp_path):
    """A DATE column (with a missing day), DOUBLE and FLOAT coordinates (whole, fractional,
    missing, NaN, far outside): the text DuckDB makes of them is the text pandas makes."""
    from datetime import date, datetime

    dates = [date(2023, 1, d) for d in range(1, 23)] + [None, date(1980, 1, 1)]
    x = [100500.0, 100500.25, 101999.9, 100700.125] * 4 + [1e-05, 0.0, None, float("nan"),
         1e20, -0.0, 100500.0, 100500.0]  # fmt: skip
    ends = [datetime(2023, 1, 2, 17, 30)] * len(dates)
    for case, table, in_sql in (
        ("dates and floats", _typed(dates, x), 15),
        ("timestamps", _typed(dates, x, ends), 15),
        ("a missing timestamp", _typed(dates, x, ends[:-1] + [None]), 0),
    ):
        duck, rows = _both(tmp_path / case, "", parquet=table)
        assert duck.pop("in sql")["incidents"] == in_sql, case
        assert rows.pop("in sql")["incidents"] == 0, case
        assert duck == rows, case
        csv_duck, _ = _both(tmp_path / case / "csv", _as_csv(table))
        csv_duck.pop("in sql")
        if in_sql:
            assert _row_shifted(csv_duck) == duck, case
        reasons = {r[1]: r[3] for r in duck["quarantine"] if r[0] == "incidents"}
        assert reasons[17].startswith("point lies outside the municipality: (0.0, 400500.5)")
        assert reasons[19] == "no location: neither coordinates nor area code"
        assert reasons[21].startswith("out of range (magnitude 1e-12 to 1e+15): 1000000000000")
        assert reasons[24].endswith("1980-01-01; duplicate incident_id: P0")
        (log,) = [r for r in duck["load_log"] if r[0] == "incidents"]
        assert log[1:4] == (24, 16, 8)
