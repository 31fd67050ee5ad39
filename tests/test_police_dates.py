"""Dates as police and municipal files write them: read per column, without configuration."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import queries
from dashboard.store import Store
from etl.dates import parse_dates
from etl.db import connect
from etl.load import build
from etl.settings import Settings
from tests.tiny import write_tiny

LO, HI = pd.Timestamp("1990-01-01"), pd.Timestamp("2025-12-31")
#: Few permutations: the hotspots are not what is tested here.
FAST = Settings.from_env({"hotspot_permutations": 19, "max_date": "2025-12-31"})


def _read(*values: str, date_format: str | None = None):
    text = pd.Series(values)
    return parse_dates(text, text == "", LO, HI, date_format)


def test_police_timestamps_date_only_and_second_60():
    got = _read("20170920173000", "20170920", "20171231235960", "201709201730")
    assert got.values.tolist() == [
        pd.Timestamp("2017-09-20 17:30:00"),
        pd.Timestamp("2017-09-20"),
        pd.Timestamp("2018-01-01 00:00:00"),  # second 60 rolls over, here into a new year
        pd.Timestamp("2017-09-20 17:30"),
    ]
    assert got.formats == {"YYYYMMDD[hhmm[ss]]": 4}
    assert got.rolled_over == 1


def test_iso_dates_and_datetimes_keep_the_clock_time():
    got = _read("2017-09-20", "2017-09-20T17:30:00+02:00", "2017-09-20 08:05:01.250", "2017/9/2")
    assert got.values.tolist() == [
        pd.Timestamp("2017-09-20"),
        pd.Timestamp("2017-09-20 17:30"),
        pd.Timestamp("2017-09-20 08:05:01"),
        pd.Timestamp("2017-09-02"),
    ]


def test_day_and_month_order_is_decided_for_the_whole_column():
    dutch = _read("03-04-2023", "25-04-2023 14:05", "01/02/2023 09:30")
    assert dutch.values.tolist() == [
        pd.Timestamp("2023-04-03"),
        pd.Timestamp("2023-04-25 14:05"),
        pd.Timestamp("2023-02-01 09:30"),
    ]
    assert dutch.formats == {"dd-mm-yyyy": 3}
    # no first number above 12, a second one above 12: this column is month first
    american = _read("04/03/2023", "04/25/2023")
    assert american.values.tolist() == [pd.Timestamp("2023-04-03"), pd.Timestamp("2023-04-25")]
    assert american.formats == {"mm-dd-yyyy": 2}
    # nothing tells: the Dutch order, for every row alike
    assert _read("03-04-2023", "05-06-2023").values.tolist() == [
        pd.Timestamp("2023-04-03"),
        pd.Timestamp("2023-06-05"),
    ]


def test_excel_serials_only_for_a_whole_column_in_the_plausible_range():
    got = _read("42998", "43000.5")
    assert got.values.tolist() == [pd.Timestamp("2017-09-20"), pd.Timestamp("2017-09-22 12:00")]
    # a count or a postcode is not a date: one serial before 1990 and the column is unread
    assert _read("42998", "12345").unreadable.tolist() == [True, True]


def test_impossible_unreadable_and_implausible_dates_are_told_apart():
    got = _read("2023-02-30", "onbekend", "19000101", "2099-01-01", "")
    assert got.unreadable.tolist() == [True, True, False, False, False]
    assert got.implausible.tolist() == [False, False, True, True, False]
    assert got.values.isna().all()


def test_date_format_overrides_and_still_reads_police_timestamps():
    got = _read("20-9-17", "20170920173060", date_format="%d-%m-%y")
    assert got.values.tolist() == [pd.Timestamp("2017-09-20"), pd.Timestamp("2017-09-20 17:31")]
    assert got.formats == {"date_format %d-%m-%y": 1, "YYYYMMDD[hhmm[ss]]": 1}


#: A BVH-style police extract: ';', timestamps YYYYMMDDhhmmss, date-only values, a
#: second 60, an unreadable and an implausible optional end date, and a date in 1900.
BVH = """\
registratienummer;soort;begindatum;einddatum;x_rd;y_rd
PL1700-2017001;woninginbraak;20230110173000;20230110180000;100500;400500
PL1700-2017002;woninginbraak;20230301;;100500;400500
PL1700-2017003;fietsdiefstal;20230505235960;20230506;101500;400500
PL1700-2017004;fietsdiefstal;20240201120000;onbekend;101500;401500
PL1700-2017005;geweld;19000101000000;;100500;401500
PL1700-2017006;geweld;20240630;20990101;100500;401500
PL1700-2017007;overlast;20240701101500;;100200;400200
"""


def test_bvh_police_extract_builds_with_its_dates(tmp_path):
    config = write_tiny(tmp_path, incidents=BVH)
    build(config, tmp_path / "t.duckdb", FAST)
    con = connect(tmp_path / "t.duckdb", read_only=True)
    read, loaded, quarantined, skipped, noted = con.execute(
        "select rows_read, rows_loaded, rows_quarantined, rows_skipped, rows_noted "
        "from load_log where source = 'incidents'"
    ).fetchone()
    assert (read, loaded, quarantined, skipped, noted) == (7, 6, 1, 0, 2)
    dates = dict(con.execute("select incident_id, date from incidents").fetchall())
    assert str(dates["PL1700-2017003"]) == "2023-05-06"  # 23:59:60 is the next midnight
    assert str(dates["PL1700-2017002"]) == "2023-03-01"
    ends = dict(con.execute("select incident_id, date_end from incidents").fetchall())
    assert ends["PL1700-2017004"] is None and ends["PL1700-2017006"] is None
    rows = con.execute(
        "select row_number, field, reason, severity from quarantine "
        "where source = 'incidents' order by row_number"
    ).fetchall()
    assert rows == [
        (5, "date_end", "date_end left empty, row kept: not a valid date: onbekend", "note"),
        (
            6,
            "date",
            "date outside the plausible range 1990-01-01 to 2025-12-31 "
            "(settings min_date, max_date): 19000101000000",
            "rejected",
        ),
        (
            7,
            "date_end",
            "date_end left empty, row kept: date outside the plausible range 1990-01-01 "
            "to 2025-12-31 (settings min_date, max_date): 20990101",
            "note",
        ),
    ]
    # no period from 1900 or 2099: the periods are those of the loaded incidents
    periods = {p for (p,) in con.execute("select distinct year from incidents").fetchall()}
    assert periods == {"2023", "2024"}
    notes = con.execute("select notes from load_log where source = 'incidents'").fetchone()[0]
    assert "date read: 6 as YYYYMMDD[hhmm[ss]]" in notes
    assert "date: 1 times of second 60 or 24:00 rolled over" in notes
    con.close()
    # the Data page tells rejected rows from rows kept with a note
    summary = queries.quarantine_summary(Store(tmp_path / "t.duckdb"))
    mine = summary[summary["source"] == "incidents"]
    assert mine[["severity", "field", "reason", "rows", "first_row"]].values.tolist() == [
        [
            "rejected",
            "date",
            "date outside the plausible range 1990-01-01 to 2025-12-31 "
            "(settings min_date, max_date)",
            1,
            6,
        ],
        ["note", "date_end", "date_end left empty, row kept", 2, 5],
    ]


def test_min_and_max_date_are_settings(tmp_path):
    config = write_tiny(tmp_path, incidents=BVH)
    settings = Settings.from_env(
        {"hotspot_permutations": 19, "min_date": "2023-02-01", "max_date": "2025-12-31"}
    )
    build(config, tmp_path / "t.duckdb", settings)
    con = connect(tmp_path / "t.duckdb", read_only=True)
    assert con.execute(
        "select rows_loaded, rows_quarantined from load_log where source = 'incidents'"
    ).fetchone() == (5, 2)
    assert con.execute(
        "select row_number from quarantine where source = 'incidents' and severity = 'rejected'"
    ).fetchall() == [(2,), (6,)]
    con.close()
    with pytest.raises(ValueError, match="min_date 2030-01-01 must lie before max_date"):
        Settings.from_env({"min_date": "2030-01-01", "max_date": "2025-01-01"})
