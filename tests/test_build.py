"""The build on the tiny municipality: quarantine, load log, hierarchy, first indicators."""

import duckdb
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from etl import sqlfiles
from etl.analysis import run_analyses
from etl.cli import main
from etl.db import connect
from etl.load import build
from etl.settings import Settings
from geo.crs import CRSError
from tests.tiny import write_tiny


def test_bad_rows_go_to_quarantine_with_their_reason(tiny_con):
    rows = tiny_con.execute(
        "select source, row_number, field, reason from quarantine order by source, row_number"
    ).fetchall()
    assert rows == [
        ("incidents", 8, "date", "not a valid date: 2023-02-30"),
        ("incidents", 9, "x; y", "point lies outside the municipality: (0.0, 0.0) in RD"),
        ("survey", 62, "area_code", "unknown area code: BU99989999"),
    ]


def test_rows_read_equal_loaded_plus_quarantined(tiny_con):
    for source, read, loaded, quarantined in tiny_con.execute(
        "select source, rows_read, rows_loaded, rows_quarantined from load_log"
    ).fetchall():
        assert read == loaded + quarantined, source
    counts = dict(tiny_con.execute("select source, rows_loaded from load_log").fetchall())
    assert counts == {"buurten": 4, "incidents": 7, "survey": 60}


def test_hierarchy_is_complete_and_codes_stripped(tiny_con):
    levels = dict(tiny_con.execute("select level, count(*) from areas group by level").fetchall())
    assert levels == {"buurt": 4, "wijk": 2, "gemeente": 1}
    assert tiny_con.execute("select name from areas where code = 'GM9998'").fetchone() == (
        "Kleindorp",
    )
    parents = dict(tiny_con.execute("select code, parent_code from areas").fetchall())
    assert parents["BU99980102"] == "WK999801" and parents["WK999802"] == "GM9998"


def test_border_incident_goes_to_the_smaller_code(tiny_con):
    assert tiny_con.execute(
        "select area_code from incidents where incident_id = 'I5'"
    ).fetchone() == ("BU99980101",)


def test_incident_rate_with_exact_poisson_interval(tiny_con):
    # BU99980101 in 2023: I1, I2 (I7 had a bad date); 1,500 inhabitants
    value, low, high, n, flag = tiny_con.execute(
        "select value, ci_low, ci_high, n, flag from indicator_values "
        "where indicator = 'incident_rate.total' and area_code = 'BU99980101' and period = '2023'"
    ).fetchone()
    assert n == 2 and flag == "ok"
    assert value == pytest.approx(2 / 1500 * 1000)
    assert low == pytest.approx(stats.chi2.ppf(0.025, 4) / 2 / 1500 * 1000)
    assert high == pytest.approx(stats.chi2.ppf(0.975, 6) / 2 / 1500 * 1000)


def test_no_rate_below_minimum_population_but_count_kept(tiny_con):
    # BU99980102 has 150 inhabitants and one incident (I6) in 2024
    assert tiny_con.execute(
        "select value, n, flag from indicator_values "
        "where indicator = 'incident_rate.total' and area_code = 'BU99980102' and period = '2024'"
    ).fetchone() == (None, 1, "no-denominator")


def test_zero_incidents_is_a_zero_rate_not_missing(tiny_con):
    value, low, n = tiny_con.execute(
        "select value, ci_low, n from indicator_values where indicator = 'incident_rate.geweld' "
        "and area_code = 'BU99980202' and period = '2023'"
    ).fetchone()
    assert (value, low, n) == (0.0, 0.0, 0)


def test_weighted_share_with_wilson_interval_on_effective_n(tiny_con):
    # 60 respondents, weights alternate 2 (even i) and 1 (odd i); yes for i < 15
    weights = [2.0 if i % 2 == 0 else 1.0 for i in range(60)]
    yes = [1 if i < 15 else 0 for i in range(60)]
    p = sum(w * y for w, y in zip(weights, yes)) / sum(weights)
    n_eff = sum(weights) ** 2 / sum(w * w for w in weights)
    low, high = proportion_confint(p * n_eff, n_eff, method="wilson")
    row = tiny_con.execute(
        "select value, ci_low, ci_high, n, flag from indicator_values where indicator = "
        "'survey_share.unsafe_own_buurt' and area_code = 'BU99980201' and period = '2023'"
    ).fetchone()
    assert row[0] == pytest.approx(100 * p)
    assert row[1] == pytest.approx(100 * low)
    assert row[2] == pytest.approx(100 * high)
    assert row[3:] == (60, "indicative")  # n < 100


def test_gemeente_totals_equal_sum_over_buurten(tiny_con):
    diff = tiny_con.execute(
        """
        select count(*) from incident_counts g
        join (select period, category, sum(n) as n from incident_counts
              where level = 'buurt' group by all) b using (period, category)
        where g.level = 'gemeente' and g.n <> b.n
        """
    ).fetchone()[0]
    assert diff == 0


def test_every_sql_file_runs_on_a_fixture_database(tiny_db, tmp_path):
    """Every schema, staging, mart and final file runs on a fresh database fed from the fixture."""
    fresh = connect(tmp_path / "fresh.duckdb")
    sqlfiles.run_layer(fresh, "schema")
    fresh.execute(f"attach '{tiny_db}' as built (read_only)")
    fresh.execute(
        "insert into load_areas select code, name, level, parent_code, gemeente_code, vintage, "
        "inhabitants, is_water, source, st_aswkb(geom), st_aswkb(geom_display) from built.areas"
    )
    fresh.execute("insert into build_settings select * from built.build_settings")
    fresh.execute(
        "insert into load_incidents select source, row_number, incident_id, category, date, "
        "date_end, x_rd, y_rd, area_code from built.incidents"
    )
    fresh.execute("insert into load_survey by name select * from built.survey_responses")
    ran = []
    for layer in ("staging", "marts"):
        for path in sqlfiles.sql_files(layer):
            sqlfiles.run_file(fresh, path)
            ran.append(path.name)
    assert len(ran) == len(sqlfiles.sql_files("staging")) + len(sqlfiles.sql_files("marts"))
    run_analyses(fresh, Settings())
    for path in sqlfiles.sql_files("final"):
        sqlfiles.run_file(fresh, path)
        ran.append(path.name)
    assert "01_coverage_marks.sql" in ran
    assert sqlfiles.run_checks(fresh) == []
    same = fresh.execute(
        "select count(*) from indicator_values a join built.indicator_values b "
        "using (indicator, area_code, period, method) "
        "where a.value is not distinct from b.value "
        "and a.flag = b.flag"
    ).fetchone()[0]
    assert same == fresh.execute("select count(*) from built.indicator_values").fetchone()[0] > 0


def test_missing_file_fails_and_previous_database_stays(tmp_path, capsys):
    config = write_tiny(tmp_path)
    db = tmp_path / "t.duckdb"
    assert main(["build", str(config), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "3 rows quarantined" in out
    assert "quarantined 1 x not a valid date" in out
    assert "quarantined 1 x point lies outside the municipality" in out
    assert "quarantined 1 x unknown area code" in out
    before = db.read_bytes()
    (tmp_path / "incidents.csv").unlink()
    assert main(["build", str(config), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "incidents.csv: file not found (source 'incidents')" in err
    assert db.read_bytes() == before
    assert list(tmp_path.glob("*.tmp-*")) == []
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from incidents").fetchone() == (7,)


def test_points_without_crs_are_refused(tmp_path):
    config = write_tiny(tmp_path)
    config.write_text(config.read_text().replace('crs = "EPSG:28992"\n', ""))
    with pytest.raises(CRSError, match="incidents.csv: source 'incidents': no CRS"):
        build(config, tmp_path / "t.duckdb")
    assert not (tmp_path / "t.duckdb").exists()


def test_wgs84_points_are_transformed_before_assignment(tmp_path):
    config = write_tiny(tmp_path)
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(28992, 4326, always_xy=True).transform(101500, 401500)
    (tmp_path / "initiatives.csv").write_text(
        "id,naam,type,start,lon,lat\n"
        f"INI-1,Buurtpreventie Noordoost,surveillance,2023-04-01,{lon:.6f},{lat:.6f}\n"
        f"INI-2,Onbekend,knitting,2023-04-01,{lon:.6f},{lat:.6f}\n"
    )
    config.write_text(
        config.read_text()
        + '\n[[sources]]\nname = "initiatives"\nkind = "initiatives"\npath = "initiatives.csv"\n'
        'crs = "EPSG:4326"\n[sources.columns]\ninitiative_id = "id"\nname = "naam"\n'
        'type = "type"\nstart_date = "start"\nx = "lon"\ny = "lat"\n'
    )
    build(config, tmp_path / "t.duckdb")
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    assert con.execute("select initiative_id, area_code from initiatives").fetchall() == [
        ("INI-1", "BU99980202")
    ]
    assert con.execute("select field from quarantine where source = 'initiatives'").fetchall() == [
        ("type",)
    ]
