"""No figure without data: an area a count table does not list has no count, unless the
table declares itself complete (``complete = true``); initiative figures only with a
register (see test_analysis_skips).  The table is 47022NED as CBS serves it."""

from __future__ import annotations

import pytest

from etl.config import ConfigError
from etl.load import build
from tests.test_analysis_skips import _query
from tests.test_official_formats import _crime_config, _write_47022
from tests.tiny import write_tiny


def _build(directory, options: str = ""):
    name = _write_47022(directory, "csv")
    config = write_tiny(directory, _crime_config(name) + options, incidents=None)
    db = directory / "t.duckdb"
    build(config, db)
    return db


COUNTS = (
    "select area_code, n from incident_counts where period = '2024' and category = 'total' "
    "and level = 'buurt' order by 1"
)
RATES = (
    "select area_code, value from indicator_values where indicator = 'incident_rate.total' "
    "and period = '2024' and level = 'buurt' order by 1"
)


def test_an_area_the_table_does_not_list_has_no_figure(tmp_path):
    db = _build(tmp_path)
    # BU99980102 is not in the table; BU99980202 only with a withheld value ('.')
    assert _query(db, COUNTS) == [("BU99980101", 24), ("BU99980201", 12)]
    assert [r[0] for r in _query(db, RATES)] == ["BU99980101", "BU99980201"]
    # the wijk without own figures still sums the buurten that are listed
    assert _query(
        db,
        "select n from incident_counts where area_code = 'WK999801' and period = '2024' "
        "and category = 'total'",
    ) == [(24,)]


def test_a_complete_table_means_zero_for_an_area_it_does_not_list(tmp_path):
    db = _build(tmp_path, "[sources.options]\ncomplete = true\n")
    assert _query(db, COUNTS) == [
        ("BU99980101", 24),
        ("BU99980102", 0),
        ("BU99980201", 12),
        ("BU99980202", 0),
    ]
    assert _query(db, RATES)[3] == ("BU99980202", 0.0)


def test_months_of_a_count_table_are_its_coverage(tmp_path):
    db = _build(tmp_path)
    assert _query(
        db,
        "select period, first_month, last_month, months, complete from period_coverage "
        "order by period",
    ) == [("2023", 1, 2, 2, False), ("2024", 1, 12, 12, True)]


def test_complete_must_be_true_or_false(tmp_path):
    with pytest.raises(ConfigError, match="option complete must be true or false, not 'yes'"):
        _build(tmp_path, '[sources.options]\ncomplete = "yes"\n')
