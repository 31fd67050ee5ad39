"""Every analysis step survives sparse, constant or degenerate input, and says what it skipped.

Each test builds Kleindorp (tests/tiny.py) with one degeneracy, in the official
formats: the build succeeds, the figures that can be made are there, and the parts
that cannot are rows of ``analysis_skips`` with their reason, shown on the Data page.
"""

from __future__ import annotations

import random
import re

import geopandas as gpd
import pytest
from shapely.geometry import box

from dashboard.pages import data as data_page
from dashboard.state import ViewState
from dashboard.store import Store
from etl.analysis import AnalysisError, run_analyses
from etl.db import connect
from etl.load import build
from etl.settings import Settings
from tests.tiny import X0, Y0, buurt_frame, write_tiny

HEADER = "registratienummer,soort,begindatum,einddatum,x_rd,y_rd\n"


def monthly_incidents(months: int = 30, per_month: int = 20, extra: str = "") -> str:
    """``per_month`` bicycle thefts a month from January 2021, spread over Kleindorp."""
    rnd = random.Random(7)
    rows, k = [], 0
    for m in range(months):
        year, month = 2021 + m // 12, m % 12 + 1
        for _ in range(per_month):
            k += 1
            x, y = X0 + 100 + rnd.random() * 1800, Y0 + 100 + rnd.random() * 1800
            rows.append(f"F{k},fietsdiefstal,{year}-{month:02d}-05,,{x:.0f},{y:.0f}")
    return HEADER + "\n".join(rows) + "\n" + extra


def _skips(db) -> list[dict]:
    con = connect(db, read_only=True)
    try:
        return con.execute("select * from analysis_skips order by all").df().to_dict("records")
    finally:
        con.close()


def _query(db, sql: str):
    con = connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_one_incident_in_a_category_skips_its_alerts_not_the_build(tmp_path):
    incidents = monthly_incidents(extra="G1,geweld,2022-03-03,,100500,400500\n")
    db = tmp_path / "out.duckdb"
    build(write_tiny(tmp_path, incidents=incidents), db)

    steps = [s for s in _skips(db) if s["step"] == "trends and alerts"]
    # the extract ends on its last month's 5th day: that month is left out, and said so
    partial = [s for s in steps if s["reason"].startswith("month ")]
    assert [(s["period"], s["reason"]) for s in partial] == [
        (
            "2023-06",
            "month 2023-06 holds incidents up to 2023-06-05 only: trends and alerts "
            "end with 2023-05",
        )
    ]
    skipped = [s for s in steps if s not in partial]
    assert skipped, "the single geweld incident must be recorded as a skip"
    assert {s["indicator"] for s in skipped} == {"incident_rate.geweld"}
    assert all(
        "the month's mean cannot be estimated from 1 incidents in 28 months" in s["reason"]
        for s in skipped
    )
    # only the series holding that incident: its wijk and the gemeente
    assert sorted(s["area_code"] for s in skipped) == ["GM9998", "WK999801"]
    banded = _query(
        db, "select area_code from alerts where category = 'geweld' and upper is not null"
    )
    assert banded == [("WK999802",)]  # no geweld at all: judged without a model
    assert _query(db, "select count(*) from alerts where category = 'fietsdiefstal'") == [(3,)]
    assert _query(db, "select count(*) from trends where category = 'geweld'")[0][0] > 0


def test_too_few_months_is_one_skip_for_the_trend_step(tmp_path):
    db = tmp_path / "out.duckdb"
    build(write_tiny(tmp_path), db)
    reasons = [s["reason"] for s in _skips(db) if s["step"] == "trends and alerts"]
    # the extract ends on 1 July 2024: July is left out, and said so
    assert reasons == [
        "18 months of incidents: trend tests, components and alerts need trend_min_months = 24",
        "month 2024-07 holds incidents up to 2024-07-01 only: trends and alerts end with 2024-06",
    ]


def _wijk_only(directory):
    config = write_tiny(directory)
    wijken = gpd.GeoDataFrame(
        {"wijkcode": ["WK999801", "WK999802"], "wijknaam": ["West", "Oost"], "inw": [1650, 3300]},
        geometry=[box(X0, Y0, X0 + 1000, Y0 + 2000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 2000)],
        crs="EPSG:28992",
    )
    wijken.to_file(directory / "kleindorp.gpkg", layer="buurten", driver="GPKG")
    text = config.read_text(encoding="utf-8")
    text = text.replace('level = "buurt"', 'level = "wijk"').replace(
        'code = "buurtcode"\nname = "buurtnaam"\nparent_code = "wijkcode"\n'
        'inhabitants = "aantal_inwoners"',
        'code = "wijkcode"\nname = "wijknaam"\ninhabitants = "inw"',
    )
    config.write_text(text.replace("BU99980201", "WK999802"), encoding="utf-8")
    survey = (directory / "survey.csv").read_text(encoding="utf-8")
    (directory / "survey.csv").write_text(survey.replace("BU99980201", "WK999802"))
    return config


def test_wijk_only_layout_builds_and_says_why_there_are_no_hotspots(tmp_path):
    db = tmp_path / "out.duckdb"
    build(_wijk_only(tmp_path), db)

    skips = _skips(db)
    hot = [s for s in skips if s["step"] == "hotspots"]
    assert ("buurt", "fewer than 2 buurt areas: no Gi* map") in {
        (s["level"], s["reason"]) for s in hot
    }
    per_map = [s for s in hot if s["level"] == "wijk"]
    assert per_map and all(
        s["reason"].endswith("Gi* needs at least 3 with a neighbour") for s in per_map
    )
    # rates exist for both wijken
    rates = _query(
        db,
        "select area_code, n from indicator_values where indicator = 'incident_rate.total' "
        "and level = 'wijk' and period = '2023' order by 1",
    )
    assert rates == [("WK999801", 2.0), ("WK999802", 1.0)]


def test_no_initiatives_source_means_no_initiative_figures(tmp_path):
    db = tmp_path / "out.duckdb"
    build(write_tiny(tmp_path), db)
    initiative_rows = _query(
        db,
        "select count(*) from indicator_values where indicator like 'initiative_%'",
    )
    assert initiative_rows == [(0,)]
    assert any(
        s["step"] == "initiatives" and s["reason"].startswith("no initiatives source")
        for s in _skips(db)
    )


def test_one_area_without_survey_skips_hotspots_and_survey_parts(tmp_path):
    config = write_tiny(tmp_path, incidents=HEADER + "I1,geweld,2023-01-01,,100500,400500\n")
    buurt_frame().iloc[[0]].to_file(tmp_path / "kleindorp.gpkg", layer="buurten", driver="GPKG")
    text = config.read_text(encoding="utf-8")
    start = text.index('[[sources]]\nname = "survey"')
    end = text.find("[[sources]]", start + 1)
    config.write_text(text[:start] + (text[end:] if end > 0 else ""), encoding="utf-8")
    db = tmp_path / "out.duckdb"
    build(config, db)

    skips = _skips(db)
    reasons = {(s["step"], s["reason"]) for s in skips}
    assert ("hotspots", "fewer than 2 buurt areas: no Gi* map") in reasons
    assert (
        "unease index",
        "no city value of survey_share.unsafe_own_buurt to index against: part perceived left out",
    ) in reasons
    assert _query(
        db,
        "select n, value from indicator_values where indicator = "
        "'incident_rate.total' and area_code = 'BU99980101'",
    ) == [(1.0, 1 / 1500 * 1000)]


def test_islands_have_no_neighbours_so_no_gi_map(tmp_path):
    config = write_tiny(tmp_path)
    buurten = buurt_frame()
    buurten["geometry"] = buurten.geometry.buffer(-100)  # four islands with water between
    buurten.to_file(tmp_path / "kleindorp.gpkg", layer="buurten", driver="GPKG")
    db = tmp_path / "out.duckdb"
    build(config, db)
    hot = [s["reason"] for s in _skips(db) if s["step"] == "hotspots" and s["level"] == "buurt"]
    assert hot == ["no buurt has a neighbour: no Gi* map"]


def test_constant_rates_have_no_hotspots_with_a_reason(tmp_path):
    same = {c: 1000 for c in ("BU99980101", "BU99980102", "BU99980201", "BU99980202")}
    rows = "".join(
        f"C{i},geweld,2023-01-0{i + 1},,{100500 + 1000 * (i % 2)},{400500 + 1000 * (i // 2)}\n"
        for i in range(4)
    )
    db = tmp_path / "out.duckdb"
    build(write_tiny(tmp_path, incidents=HEADER + rows, inhabitants=same), db)
    maps = {
        (s["indicator"], s["period"]): s["reason"]
        for s in _skips(db)
        if s["step"] == "hotspots" and s["level"] == "buurt"
    }
    assert maps[("incident_rate_eb.geweld", "2023")] == "the same rate in every area"


def test_data_page_shows_the_skips(tmp_path):
    db = tmp_path / "out.duckdb"
    build(write_tiny(tmp_path), db)
    for lang, title in (("nl", "Overgeslagen analyses"), ("en", "Skipped analyses")):
        page = data_page.layout(Store(db), ViewState(page="data", lang=lang))
        titles = [c.children for c in page.children if getattr(c, "id", None) is None]
        assert title in titles
        table = next(c for c in page.children if getattr(c, "id", None) == "skips-table")
        reasons = [row["reason"] for row in table.data]
        assert "no initiatives source: no initiative counts, coverage or effects" in reasons


def test_a_step_failing_unexpectedly_names_the_step_and_its_sources(tmp_path):
    db = tmp_path / "out.duckdb"
    build(write_tiny(tmp_path), db)
    con = connect(db)
    try:
        con.execute("drop table incidents")  # input no guard foresees
        with pytest.raises(AnalysisError) as failure:
            run_analyses(con, Settings())
    finally:
        con.close()
    message = str(failure.value)
    assert re.match(r"analysis step '(changes|trends and alerts)' failed on ", message)
    assert "source 'incidents' (" in message and "incidents.csv)" in message


def test_no_area_with_a_rate_skips_the_smoothed_map(tmp_path):
    small = {c: 100 for c in ("BU99980101", "BU99980102", "BU99980201", "BU99980202")}
    db = tmp_path / "out.duckdb"
    build(write_tiny(tmp_path, inhabitants=small), db)
    skipped = {
        (s["indicator"], s["level"], s["period"])
        for s in _skips(db)
        if s["step"] == "smoothed rates and funnel"
    }
    assert ("incident_rate_eb.total", "buurt", "2023") in skipped
    assert not any(level == "wijk" for _, level, _ in skipped)  # 200 inhabitants a wijk
