"""Loaders against small files written in each official format (no real data needed)."""

import json

import duckdb
import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from etl.load import build
from tests.tiny import X0, Y0, write_tiny

MONTHS = [f"2024MM{m:02d}" for m in range(1, 13)]


def _47022_rows() -> list[dict]:
    """47022NED as CBS serves it: padded codes and categories, '.' for a missing value."""
    rows = []
    for month in MONTHS:
        rows.append(("0.0.0 ", "BU99980101  ", month, "2"))
        rows.append(("1.1.1 ", "BU99980101  ", month, "1"))
        rows.append(("0.0.0 ", "BU99980201  ", month, "1"))
        rows.append(("0.0.0 ", "GM9998      ", month, "4"))
    rows += [("0.0.0 ", "BU99980201  ", m, "1") for m in ("2023MM01", "2023MM02")]  # incomplete
    rows.append(("0.0.0 ", "BU03630000  ", "2024MM01", "9"))  # another municipality
    rows.append(("0.0.0 ", "BU99980202  ", "2024MM05", "."))  # value withheld by the source
    return [
        {
            "ID": i,
            "SoortMisdrijf": c,
            "WijkenEnBuurten": a,
            "Perioden": p,
            "GeregistreerdeMisdrijven_1": v,
        }
        for i, (c, a, p, v) in enumerate(rows)
    ]


CRIME_COLUMNS = (
    '[sources.columns]\narea_code = "WijkenEnBuurten"\nperiod = "Perioden"\n'
    'category = "SoortMisdrijf"\ncount = "GeregistreerdeMisdrijven_1"\n'
)


def _crime_config(path: str) -> str:
    return (
        f'\n[[sources]]\nname = "crime"\nkind = "incident_counts"\npath = "{path}"\n'
        'publisher = "Politie via CBS (47022NED)"\nlicence = "CC BY 4.0"\n' + CRIME_COLUMNS
    )


def _write_47022(directory, fmt: str) -> str:
    rows = _47022_rows()
    if fmt == "csv":
        head = '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"'
        lines = [head] + [";".join(f'"{r[k]}"' for k in r) for r in rows]
        (directory / "47022NED.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return "47022NED.csv"
    for r in rows:  # OData: numbers as numbers, a withheld value as null
        r["GeregistreerdeMisdrijven_1"] = (
            None if r["GeregistreerdeMisdrijven_1"] == "." else int(r["GeregistreerdeMisdrijven_1"])
        )
    pages = [{"odata.metadata": "...", "value": rows[:20]}, {"value": rows[20:]}]
    (directory / "47022NED.json").write_text(json.dumps(pages), encoding="utf-8")
    return "47022NED.json"


@pytest.fixture(params=["csv", "odata"])
def crime_db(request, tmp_path):
    name = _write_47022(tmp_path, request.param)
    config = write_tiny(
        tmp_path,
        _crime_config(name),
        incidents=None,
    )
    build(config, tmp_path / "t.duckdb")
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    yield con
    con.close()


def test_monthly_police_table_becomes_yearly_counts_and_rates(crime_db):
    counts = dict(
        ((a, c), n)
        for a, c, n in crime_db.execute(
            "select area_code, category, n from incident_counts where period = '2024' and n > 0"
        ).fetchall()
    )
    assert counts[("BU99980101", "total")] == 24
    assert counts[("BU99980101", "woninginbraak")] == 12  # 1.1.1 -> woninginbraak
    assert counts[("BU99980201", "total")] == 12
    assert counts[("WK999801", "total")] == 24  # no own figure: sum of its buurten
    assert counts[("GM9998", "total")] == 48  # the reported gemeente total
    rate = crime_db.execute(
        "select value from indicator_values where indicator = 'incident_rate.total' "
        "and area_code = 'BU99980101' and period = '2024'"
    ).fetchone()[0]
    assert rate == pytest.approx(24 / 1500 * 1000)
    # eleven months of 2023 do not make a year
    assert crime_db.execute(
        "select count(*) from incident_counts where period = '2023'"
    ).fetchone() == (0,)


def test_gemeente_total_against_its_buurten_is_reported(crime_db):
    row = crime_db.execute(
        "select reported, sum_of_children, difference from count_reconciliation "
        "where area_code = 'GM9998' and period = '2024' and category = 'total' "
        "and child_level = 'buurt'"
    ).fetchone()
    assert row == (48, 36, 12)


def test_other_municipalities_skipped_and_withheld_values_quarantined(crime_db):
    read, loaded, quarantined, skipped = crime_db.execute(
        "select rows_read, rows_loaded, rows_quarantined, rows_skipped from load_log "
        "where source = 'crime'"
    ).fetchone()
    assert (quarantined, skipped) == (1, 1)
    assert read == loaded + quarantined + skipped == len(_47022_rows())
    reason = crime_db.execute(
        "select field, reason from quarantine where source = 'crime'"
    ).fetchone()
    assert reason == ("count", "required value is empty")


def test_wide_yearly_columns_become_periods(tmp_path):
    (tmp_path / "wide.csv").write_text(
        "level,code,crime_total_2023,crime_total_2024\n"
        "buurt,BU99980101,5,7\nbuurt,BU99980201,,3\ngemeente,GM9998,20,25\n"
    )
    extra = (
        '\n[[sources]]\nname = "crime"\nkind = "incident_counts"\npath = "wide.csv"\n'
        '[sources.columns]\narea_code = "code"\nperiod = "period"\ncount = "value"\n'
        '[sources.options]\nwide = "crime_total_(?P<period>\\\\d{4})"\n'
    )
    config = write_tiny(tmp_path, extra, incidents=None)
    build(config, tmp_path / "t.duckdb")
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    got = con.execute(
        "select area_code, period, n from incident_counts where category = 'total' "
        "and area_code in ('BU99980101', 'GM9998') order by 1, 2"
    ).fetchall()
    assert got == [
        ("BU99980101", "2023", 5),
        ("BU99980101", "2024", 7),
        ("GM9998", "2023", 20),
        ("GM9998", "2024", 25),
    ]
    # the empty 2023 cell of BU99980201 is quarantined with its line number
    assert con.execute(
        "select row_number, reason from quarantine where source = 'crime'"
    ).fetchall() == [(3, "required value is empty")]


def test_cbs_key_figures_with_missing_markers(tmp_path):
    (tmp_path / "kwb.csv").write_text(
        "Codering_3;AantalInwoners_5;GemiddeldeWOZWaardeVanWoningen_35\n"
        "BU99980101  ;3000;245\n"
        "BU99980201  ;-99999999;.\n"
        "BU99980202  ;;312\n"
        "BU03630000  ;100;100\n",
        encoding="utf-8",
    )
    extra = (
        '\n[[sources]]\nname = "kwb"\nkind = "context"\npath = "kwb.csv"\n'
        '[sources.columns]\narea_code = "Codering_3"\n'
        '[sources.variables]\ninhabitants = "AantalInwoners_5"\n'
        'woz = "GemiddeldeWOZWaardeVanWoningen_35"\n[sources.options]\nperiod = "2023"\n'
    )
    build(write_tiny(tmp_path, extra), tmp_path / "t.duckdb")
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    values = dict(
        ((a, v), x)
        for a, v, x in con.execute("select area_code, variable, value from context").fetchall()
    )
    assert values[("BU99980101", "inhabitants")] == 3000
    assert values[("BU99980201", "inhabitants")] is None  # -99999999
    assert values[("BU99980201", "woz")] is None  # '.'
    assert values[("BU99980202", "woz")] == 312
    # 3,000 inhabitants from the key figures, not the boundary file's 1,500
    rate = con.execute(
        "select value from indicator_values where indicator = 'incident_rate.total' "
        "and area_code = 'BU99980101' and period = '2023'"
    ).fetchone()[0]
    assert rate == pytest.approx(2 / 3000 * 1000)
    assert con.execute("select rows_skipped from load_log where source = 'kwb'").fetchone() == (1,)


def _lonlat(geom):
    return gpd.GeoSeries([geom], crs=28992).to_crs(4326).iloc[0]


def test_cbs_and_municipal_boundary_formats(tmp_path):
    """CBS-style GeoJSON in WGS84 with padded codes, a water buurt and an invalid shape;
    CBS wijken whose shapes come from their buurten; stadsdelen as an extra level."""
    sq = {
        "BU99980101": box(X0, Y0, X0 + 1000, Y0 + 1000),
        "BU99980102": box(X0, Y0 + 1000, X0 + 1000, Y0 + 2000),
        "BU99980201": box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000),
        # a bow-tie (self-intersecting) ring, as broken exports have
        "BU99980202": Polygon(
            [
                (X0 + 1000, Y0 + 1000),
                (X0 + 2000, Y0 + 2000),
                (X0 + 2000, Y0 + 1000),
                (X0 + 1000, Y0 + 2000),
            ]
        ),
    }
    buurten = gpd.GeoDataFrame(
        {
            "buurtcode": [c + "  " for c in sq],
            "buurtnaam": list("ABCD"),
            "water": ["NEE", "NEE", "NEE", "JA"],
            "aantal_inwoners": [1500, 300, 2500, -99999999],
        },
        geometry=list(sq.values()),
        crs=28992,
    ).to_crs(4326)
    buurten.to_file(tmp_path / "buurt_2024.geojson", driver="GeoJSON")
    wijken = gpd.GeoDataFrame(
        {
            "wijkcode": ["WK999801", "WK999802", "WK999899", "WK036301"],
            "wijknaam": ["West", "Oost", "Groot water", "Elders"],
        },
        geometry=[
            box(X0 - 5, Y0 - 5, X0 + 1005, Y0 + 2005),
            box(X0 + 995, Y0, X0 + 2000, Y0 + 2000),
            box(X0, Y0, X0 + 2000, Y0 + 2000),
            box(0, 0, 1, 1),
        ],
        crs=28992,
    ).to_crs(4326)
    wijken.to_file(tmp_path / "wijk_2024.geojson", driver="GeoJSON")
    gpd.GeoDataFrame(
        {"Stadsdeelcode": ["W", "O"], "Stadsdeel": ["Stadsdeel West", "Stadsdeel Oost"]},
        geometry=[box(X0, Y0, X0 + 1100, Y0 + 2000), box(X0 + 1100, Y0, X0 + 2000, Y0 + 2000)],
        crs=28992,
    ).to_crs(4326).to_file(tmp_path / "stadsdelen.geojson", driver="GeoJSON")
    config = tmp_path / "k.toml"
    config.write_text(
        '[municipality]\ncode = "GM9998"\nname = "Kleindorp"\n'
        '[[sources]]\nname = "stadsdelen"\nkind = "boundaries"\npath = "stadsdelen.geojson"\n'
        'level = "stadsdeel"\nvintage = 2022\n'
        '[sources.columns]\ncode = "Stadsdeelcode"\nname = "Stadsdeel"\n'
        '[[sources]]\nname = "wijken"\nkind = "boundaries"\npath = "wijk_2024.geojson"\n'
        'level = "wijk"\nvintage = 2024\n[sources.columns]\ncode = "wijkcode"\nname = "wijknaam"\n'
        '[sources.options]\ngeometry_from = "buurt"\nparent_level = "stadsdeel"\n'
        '[[sources]]\nname = "buurten"\nkind = "boundaries"\npath = "buurt_2024.geojson"\n'
        'level = "buurt"\nvintage = 2024\n[sources.columns]\ncode = "buurtcode"\n'
        'name = "buurtnaam"\ninhabitants = "aantal_inwoners"\nwater = "water"\n'
    )
    build(config, tmp_path / "t.duckdb")
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    areas = {
        r[0]: r[1:]
        for r in con.execute(
            "select code, level, parent_code, is_water, inhabitants, vintage from areas"
        ).fetchall()
    }
    assert areas["BU99980202"][:4] == ("buurt", "WK999802", True, None)
    assert areas["WK999801"][:2] == ("wijk", "W") and areas["WK999802"][1] == "O"
    assert areas["W"][:2] == ("stadsdeel", "GM9998")
    assert "WK999899" not in areas and "WK036301" not in areas
    assert areas["BU99980101"][3:] == (1500, 2024)
    notes = dict(con.execute("select source, notes from load_log").fetchall())
    assert "1 invalid geometries repaired" in notes["buurten"]
    assert "1 water areas" in notes["buurten"]
    assert "1 areas of other municipalities skipped" in notes["wijken"]
    assert "1 areas without children dropped: WK999899" in notes["wijken"]
    # the wijk is exactly its two buurten, not the slightly larger shape in its file
    km2 = dict(con.execute("select code, area_km2 from areas where level = 'wijk'").fetchall())
    assert km2["WK999801"] == pytest.approx(2.0, rel=1e-6)


def test_published_index_with_old_codes_matched_by_name(tmp_path):
    (tmp_path / "index.csv").write_text(
        "level,area_code,area_name,index_name,period,value\n"
        "wijk,A00,Zuidwest,veiligheidsindex,2019_2,120.5\n"
        "wijk,A01,Noord-oost,veiligheidsindex,2019_2,80\n"
        "wijk,A02,Verdwenen wijk,veiligheidsindex,2019_2,99\n"
        "stad,AMSTERDAM,Regio totaal,veiligheidsindex,2019_2,100\n"
        "gebied_22,DX01,C-Centrum,veiligheidsindex,2019_2,130\n"
    )

    config = write_tiny(
        tmp_path,
        '\n[[sources]]\nname = "vi"\nkind = "indicator_table"\npath = "index.csv"\n'
        '[sources.columns]\narea_code = "area_code"\narea_name = "area_name"\n'
        'indicator = "index_name"\nperiod = "period"\nvalue = "value"\n'
        '[sources.options]\ndirection = "higher_worse"\nkeep = { level = ["wijk", "stad"] }\n'
        'gemeente_rows = ["Regio totaal"]\nmatch_names = "buurt"\n',
    )
    build(config, tmp_path / "t.duckdb")
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    rows = con.execute(
        "select area_code, value, harmonised from indicator_values "
        "where indicator = 'vi.veiligheidsindex' order by area_code"
    ).fetchall()
    # buurt names in the tiny fixture: Zuidwest, Noordwest, Zuidoost, Noordoost
    assert rows == [
        ("BU99980101", 120.5, "name"),
        ("BU99980202", 80.0, "name"),
        ("GM9998", 100.0, "table"),
    ]
    assert con.execute("select reason from quarantine where source = 'vi'").fetchall() == [
        ("unknown area code: A02 (name Verdwenen wijk not matched)",)
    ]
    assert con.execute("select rows_skipped from load_log where source = 'vi'").fetchone() == (1,)


def test_older_vintage_mapped_by_overlay(tmp_path):
    """2014 buurten (two halves) onto the 2024 buurten: counts split by area, values carried."""
    old = gpd.GeoDataFrame(
        {"statcode": ["BU99980001", "BU99980002"], "statnaam": ["Oud-West", "Oud-Oost"]},
        geometry=[box(X0, Y0, X0 + 1000, Y0 + 2000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 2000)],
        crs=28992,
    )
    old.to_file(tmp_path / "buurt_2014.gpkg", layer="buurten_2014", driver="GPKG")
    (tmp_path / "counts_2014.csv").write_text(
        "code,jaar,aantal\nBU99980001,2014,10\nBU99980002,2014,4\n"
    )
    (tmp_path / "index_2014.csv").write_text(
        "code,jaar,index\nBU99980001,2014,120\nBU99980002,2014,90\n"
    )
    extra = (
        '\n[[sources]]\nname = "buurten_2014"\nkind = "boundaries"\npath = "buurt_2014.gpkg"\n'
        'level = "buurt"\nvintage = 2014\n[sources.columns]\ncode = "statcode"\nname = "statnaam"\n'
        "[sources.options]\ncrosswalk_only = true\n"
        '\n[[sources]]\nname = "crime_2014"\nkind = "incident_counts"\npath = "counts_2014.csv"\n'
        '[sources.columns]\narea_code = "code"\nperiod = "jaar"\ncount = "aantal"\n'
        '[sources.options]\ncrosswalk = "buurten_2014"\n'
        '\n[[sources]]\nname = "index_2014"\nkind = "indicator_table"\npath = "index_2014.csv"\n'
        '[sources.columns]\narea_code = "code"\nperiod = "jaar"\nvalue = "index"\n'
        'indicator = "jaar"\n'
        '[sources.options]\ncrosswalk = "buurten_2014"\ndirection = "higher_worse"\n'
    )
    config = write_tiny(tmp_path, extra, incidents=None)
    build(config, tmp_path / "t.duckdb")
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    weights = con.execute(
        "select from_code, to_code, round(weight_from, 6), method from crosswalk "
        "where source = 'buurten_2014' order by 1, 2"
    ).fetchall()
    assert weights == [
        ("BU99980001", "BU99980101", 0.5, "overlay"),
        ("BU99980001", "BU99980102", 0.5, "overlay"),
        ("BU99980002", "BU99980201", 0.5, "overlay"),
        ("BU99980002", "BU99980202", 0.5, "overlay"),
    ]
    counts = dict(
        con.execute(
            "select area_code, n from incident_counts where period = '2014' and category = 'total'"
        ).fetchall()
    )
    assert counts["BU99980101"] == 5 and counts["BU99980202"] == 2 and counts["GM9998"] == 14
    carried = con.execute(
        "select area_code, value, harmonised, flag from indicator_values where indicator like "
        "'index_2014.%' order by area_code"
    ).fetchall()
    # carried by overlay: approximate (methods §1), so indicative, not ok
    assert carried == [
        ("BU99980101", 120.0, "overlay", "indicative"),
        ("BU99980102", 120.0, "overlay", "indicative"),
        ("BU99980201", 90.0, "overlay", "indicative"),
        ("BU99980202", 90.0, "overlay", "indicative"),
    ]
    read, loaded = con.execute(
        "select rows_read, rows_loaded from load_log where source = 'crime_2014'"
    ).fetchone()
    assert read == loaded == 2
