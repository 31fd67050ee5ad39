"""Changes between consecutive periods: the tests, series breaks and the changes table."""

from __future__ import annotations

import math
import shutil

import duckdb
import pytest
from statsmodels.stats.rates import test_poisson_2indep as poisson_2indep_reference

from etl.db import connect
from etl.settings import Settings
from etl.stats.change import (
    consecutive_pairs,
    crosses_break,
    poisson_rate_change,
    share_change_z,
    write_changes,
)


def test_share_change_z_hand_example():
    diff, z, p = share_change_z(20.0, 1.5, 25.0, 2.0)
    assert diff == pytest.approx(5.0, abs=1e-12)
    assert z == pytest.approx(2.0, abs=1e-12)  # 5 / sqrt(1.5^2 + 2^2) = 5 / 2.5
    assert p == pytest.approx(0.04550026389635839, abs=1e-9)


def test_share_change_z_sign_and_zero_errors():
    assert share_change_z(30.0, 2.0, 25.0, 2.0)[1] < 0
    diff, z, p = share_change_z(10.0, 0.0, 10.0, 0.0)
    assert diff == 0 and math.isnan(z) and math.isnan(p)


def test_poisson_score_test_for_large_counts_hand_example():
    # equal exposures: z = (y2 - y1) / sqrt(y1 + y2) = 100 / sqrt(1300)
    ratio, z, p, method = poisson_rate_change(600, 10_000, 700, 10_000)
    assert method == "poisson-score"
    assert ratio == pytest.approx(7 / 6, abs=1e-12)
    assert z == pytest.approx(2.7735009811261455, abs=1e-9)
    assert p == pytest.approx(0.005545667315244056, abs=1e-9)


def test_poisson_etest_for_small_counts_matches_statsmodels():
    ratio, z, p, method = poisson_rate_change(3, 5750, 4, 5750)
    assert method == "poisson-etest"
    assert ratio == pytest.approx(4 / 3, abs=1e-12)
    ref = poisson_2indep_reference(4, 5750, 3, 5750, method="etest")
    assert p == pytest.approx(ref.pvalue, abs=1e-9)
    assert p == pytest.approx(0.7684727117349955, abs=1e-6)
    assert z == pytest.approx(ref.statistic, abs=1e-9)


def test_poisson_zero_counts():
    ratio, z, p, _ = poisson_rate_change(0, 1000, 0, 1000)
    assert math.isnan(ratio) and z == 0 and p == 1
    ratio, z, p, _ = poisson_rate_change(0, 1000, 12, 1000)
    assert math.isinf(ratio) and z > 0 and p < 0.001


def test_crosses_break_is_half_open():
    assert crosses_break("2020", "2022", ["2021"]) == "2021"
    assert crosses_break("2020", "2021", ["2021"]) == "2021"
    assert crosses_break("2021", "2022", ["2021"]) is None
    assert crosses_break("2019", "2023", ["2022", "2020"]) == "2020"
    assert crosses_break("2021", "2022", []) is None


def test_period_labels_sort_naturally():
    assert crosses_break("2023", "2023-10", ["2023-2"]) == "2023-2"
    assert consecutive_pairs(["2023-10", "2024", "2023-2"]) == [
        ("2023-2", "2023-10"),
        ("2023-10", "2024"),
    ]


def test_consecutive_pairs_sorted_and_distinct():
    assert consecutive_pairs(["2023", "2021", "2022", "2021"]) == [
        ("2021", "2022"),
        ("2022", "2023"),
    ]
    assert consecutive_pairs(["2024"]) == []


def _survey_con(breaks: list[str]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        """
        create table indicator_values (indicator text, area_code text, level text,
            period text, value double, ci_low double, ci_high double, se double, n double,
            flag text, source text)
        """
    )
    con.execute(
        """
        create table area_population (area_code text, level text, period text,
            inhabitants double, dwellings double, addresses double)
        """
    )
    con.execute("create table series_breaks (period text)")
    for b in breaks:
        con.execute("insert into series_breaks values (?)", [b])
    rows = [  # a share that jumps at every wave; B is suppressed in 2021
        ("A", "2020", 20.0, 1.0),
        ("A", "2021", 30.0, 1.0),
        ("A", "2022", 40.0, 1.0),
        ("B", "2020", 20.0, 1.0),
        ("B", "2021", None, None),
        ("B", "2022", 40.0, 1.0),
    ]
    for area, period, value, se in rows:
        con.execute(
            "insert into indicator_values values ('survey_share.x', ?, 'wijk', ?, ?, null, "
            "null, ?, 100, ?, 'survey')",
            [area, period, value, se, "ok" if value is not None else "suppressed"],
        )
    return con


def test_series_break_blocks_the_significance_flag():
    con = _survey_con(["2021"])
    write_changes(con, Settings())
    rows = con.execute(
        "select area_code, period_from, period_to, diff, z, p_value, significant, blocked_by "
        "from changes order by area_code, period_from"
    ).fetchall()
    # B has no value in 2021: no pair, and no jump over the gap to 2022
    assert [(r[0], r[1], r[2]) for r in rows] == [("A", "2020", "2021"), ("A", "2021", "2022")]
    across, after = rows
    assert across[3] == pytest.approx(10.0)
    assert across[4] is None and across[5] is None
    assert across[6] is False and across[7] == "2021"
    assert after[4] == pytest.approx(10 / math.sqrt(2), abs=1e-9)
    assert after[6] is True and after[7] is None


def test_a_period_withheld_everywhere_is_not_skipped():
    con = _survey_con([])
    con.execute("delete from indicator_values where area_code = 'A' and period = '2021'")
    write_changes(con, Settings())
    assert con.execute("select count(*) from changes").fetchone()[0] == 0


def test_without_a_break_both_changes_are_significant():
    con = _survey_con([])
    write_changes(con, Settings())
    flags = con.execute("select significant, blocked_by from changes").fetchall()
    assert flags == [(True, None), (True, None)]


def test_changes_of_the_tiny_incident_rates(tiny_db, tmp_path):
    path = tmp_path / "tiny.duckdb"
    shutil.copy(tiny_db, path)
    con = connect(path)
    try:
        write_changes(con, Settings())
        row = con.execute(
            "select value_from, value_to, ratio, p_value, significant, method from changes "
            "where indicator = 'incident_rate.total' and area_code = 'GM9998'"
        ).fetchone()
        small = con.execute(
            "select count(*) from changes where area_code = 'BU99980102'"
        ).fetchone()[0]
    finally:
        con.close()
    # 3 incidents in 2023, 4 in 2024, 4,950 inhabitants
    assert row[0] == pytest.approx(3 / 4950 * 1000)
    assert row[1] == pytest.approx(4 / 4950 * 1000)
    assert row[2] == pytest.approx(4 / 3)
    assert row[3] == pytest.approx(0.7684727117349955, abs=1e-6)
    assert row[4] is False and row[5] == "poisson-etest"
    assert small == 0  # 150 inhabitants: no rate, so no change


@pytest.fixture(scope="module")
def demo_changes(demo_db):
    """The demo build's connection (the build runs write_changes)."""
    con = connect(demo_db, read_only=True)
    yield con
    con.close()


def test_demo_changes_cover_both_families(demo_changes):
    families = dict(
        demo_changes.execute(
            "select split_part(indicator, '.', 1), count(*) from changes group by 1"
        ).fetchall()
    )
    assert families["survey_share"] > 0 and families["incident_rate"] > 0
    bad = demo_changes.execute(
        "select count(*) from changes where significant and not q_value < 0.05"
    ).fetchone()[0]
    assert bad == 0


def test_demo_planted_rising_theft_is_a_significant_change(demo_changes, demo_dir):
    import json

    rising = json.loads((demo_dir / "planted.json").read_text())["rising_trend"]
    row = demo_changes.execute(
        "select ratio, significant from changes where area_code = ? and indicator = ? "
        "and period_from = '2023' and period_to = '2024'",
        [rising["wijk"], f"incident_rate.{rising['category']}"],
    ).fetchone()
    assert row[0] > 1 and row[1] is True
