"""The area hierarchy checked against geometry: vintages, reused codes, missing parents, water.

Kleindorp (tests/tiny.py) gets a wijk layer of its own, in CBS's Wijk- en Buurtkaart
form (a GeoPackage with a ``water`` column JA/NEE), whose shapes do not follow the
buurten's coded parents: one buurt names a wijk that does not exist, one carries a
code CBS reused for a wijk on the other side, and a beach buurt lies mostly in the
sea wijk.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from etl.db import connect
from etl.load import build
from geo.assign import assign_areas
from geo.boundaries import assemble_areas
from tests.tiny import X0, Y0, buurt_frame, write_tiny

WIJKEN = {
    # code: (name, water, polygon) -- West reaches 200 m into the Zuidoost buurt
    "WK999801": (
        "West",
        "NEE",
        shapely.union_all([box(0, 0, 1200, 1000), box(0, 1000, 1000, 2000)]),
    ),
    "WK999802": (
        "Oost",
        "NEE",
        shapely.union_all([box(1200, 0, 2100, 1000), box(1000, 1000, 2100, 2000)]),
    ),
    "WK999803": ("Zee", "JA", box(2100, 0, 3000, 2000)),
}
#: (x, y) offsets from (X0, Y0): a point in every part of Kleindorp.
POINTS = [
    (500, 500),
    (1100, 500),
    (1100, 600),
    (1500, 500),
    (1500, 1500),
    (500, 1500),
    (2050, 900),
    (2300, 900),
]


def _write(directory):
    incidents = "registratienummer,soort,begindatum,einddatum,x_rd,y_rd\n" + "".join(
        f"P{i},geweld,2024-0{i % 9 + 1}-01,,{X0 + x:.0f},{Y0 + y:.0f}\n"
        for i, (x, y) in enumerate(POINTS)
    )
    config = write_tiny(directory, incidents=incidents)
    buurten = buurt_frame()
    buurten["water"] = "NEE"
    parents = {"BU99980102": "WK999809", "BU99980201": "WK999801"}  # missing; reused
    buurten["wijkcode"] = [
        parents.get(c.strip(), w) for c, w in zip(buurten.buurtcode, buurten.wijkcode)
    ]
    beach = gpd.GeoDataFrame(
        {
            "buurtcode": ["BU99980203"],
            "buurtnaam": ["Strand"],
            "wijkcode": ["WK999802"],
            "aantal_inwoners": [0],
            "water": ["NEE"],
        },
        geometry=[box(X0 + 2000, Y0, X0 + 2400, Y0 + 2000)],
        crs="EPSG:28992",
    )
    pd.concat([buurten, beach]).to_file(
        directory / "kleindorp.gpkg", layer="buurten", driver="GPKG"
    )
    wijken = gpd.GeoDataFrame(
        {
            "wijkcode": list(WIJKEN),
            "wijknaam": [v[0] for v in WIJKEN.values()],
            "water": [v[1] for v in WIJKEN.values()],
        },
        geometry=[shapely.affinity.translate(v[2], X0, Y0) for v in WIJKEN.values()],
        crs="EPSG:28992",
    )
    wijken.to_file(directory / "kleindorp.gpkg", layer="wijken", driver="GPKG")
    text = config.read_text(encoding="utf-8").replace(
        'inhabitants = "aantal_inwoners"\n', 'inhabitants = "aantal_inwoners"\nwater = "water"\n', 1
    )
    wijk_source = """
[[sources]]
name = "wijken"
kind = "boundaries"
path = "kleindorp.gpkg"
layer = "wijken"
level = "wijk"
vintage = 2024
[sources.columns]
code = "wijkcode"
name = "wijknaam"
water = "water"
"""
    config.write_text(text + wijk_source, encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    directory = tmp_path_factory.mktemp("mixed")
    db = directory / "out.duckdb"
    build(_write(directory), db)
    con = connect(db, read_only=True)
    yield con
    con.close()


def test_missing_and_reused_parent_codes_take_the_geometric_parent(mixed):
    parents = dict(
        mixed.execute("select code, parent_code from areas where level = 'buurt'").fetchall()
    )
    assert parents == {
        "BU99980101": "WK999801",
        "BU99980102": "WK999801",  # coded WK999809, which does not exist
        "BU99980201": "WK999802",  # coded WK999801: only 20% of it lies there
        "BU99980202": "WK999802",
        "BU99980203": "WK999802",  # the beach: 25% in Oost, 75% in the sea wijk
    }
    checks = mixed.execute(
        "select code, coded_parent, parent_code, round(share_in_coded, 2), reason "
        "from area_parent_checks order by code"
    ).fetchall()
    assert checks == [
        ("BU99980102", "WK999809", "WK999801", 0.0, "coded parent WK999809 is not a loaded wijk"),
        ("BU99980201", "WK999801", "WK999802", 0.2, "20% of the area lies inside its coded parent"),
    ]


def test_point_counts_per_wijk_agree_with_the_wijk_polygons(mixed):
    counted = dict(
        mixed.execute(
            "select area_code, n from incident_counts where level = 'wijk' and period = '2024' "
            "and category = 'total'"
        ).fetchall()
    )
    codes, geoms = zip(
        *mixed.execute(
            "select code, st_aswkb(geom) from areas where level = 'wijk' order by code"
        ).fetchall()
    )
    x = np.array([X0 + p[0] for p in POINTS])
    y = np.array([Y0 + p[1] for p in POINTS])
    inside = pd.Series(assign_areas(x, y, shapely.from_wkb([bytes(g) for g in geoms]), codes))
    assert counted == {c: float((inside == c).sum()) for c in codes}
    # the two points in the strip of Zuidoost that lies in West count for West
    assert counted["WK999801"] == 4
    assert counted["WK999803"] == 1  # the point in the sea part of the beach buurt


def test_the_data_page_lists_the_mismatches(mixed, tmp_path):
    from dashboard.pages import data as data_page
    from dashboard.state import ViewState
    from dashboard.store import Store

    path = mixed.execute(
        "select file from pragma_database_list where name = current_database()"
    ).fetchone()[0]
    page = data_page.layout(Store(path), ViewState(page="data", lang="en"))
    table = next(c for c in page.children if getattr(c, "id", None) == "area-parent-table")
    assert [r["code"] for r in table.data] == ["BU99980102", "BU99980201"]
    assert "Hierarchy checked against geometry" in [
        getattr(c, "children", None) for c in page.children
    ]


def test_parent_level_puts_land_under_land_not_water():
    def layer(level, rows):
        return gpd.GeoDataFrame(
            {
                "code": [r[0] for r in rows],
                "name": [r[0] for r in rows],
                "level": level,
                "parent_code": None,
                "vintage": 2024,
                "inhabitants": pd.array([None] * len(rows), dtype="Int64"),
                "is_water": [r[1] for r in rows],
                "source": level,
            },
            geometry=[r[2] for r in rows],
            crs="EPSG:28992",
        )

    wijken = layer(
        "wijk",
        [("WK999801", False, box(0, 0, 1000, 1000)), ("WK999802", True, box(1000, 0, 3000, 1000))],
    )
    buurten = layer(
        "buurt",
        [
            ("BU99980101", False, box(0, 0, 1000, 1000)),
            ("BU99980102", False, box(800, 0, 1600, 1000)),
        ],
    )
    areas = assemble_areas(
        [wijken, buurten], "GM9998", "Kleindorp", {"buurt": {"parent_level": "wijk"}}
    )
    parents = dict(zip(areas["code"], areas["parent_code"]))
    assert parents["BU99980102"] == "WK999801"  # 25% land beats 75% water


def test_buurten_no_wijk_holds_go_under_the_gemeente_and_the_build_goes_on(tmp_path):
    config = _write(tmp_path)
    west = gpd.read_file(tmp_path / "kleindorp.gpkg", layer="wijken").iloc[[0]]
    west.to_file(tmp_path / "kleindorp.gpkg", layer="wijken", driver="GPKG")  # no Oost, no Zee
    db = tmp_path / "out.duckdb"
    build(config, db)
    con = connect(db, read_only=True)
    try:
        parents = dict(
            con.execute("select code, parent_code from areas where level = 'buurt'").fetchall()
        )
        reasons = dict(con.execute("select code, reason from area_parent_checks").fetchall())
    finally:
        con.close()
    assert parents["BU99980201"] == "WK999801"  # 20% in West is the largest overlap there is
    assert parents["BU99980202"] == "GM9998"
    assert reasons["BU99980202"] == (
        "parent WK999802 is not loaded and no area above overlaps it: placed under the gemeente"
    )
