"""The national buurt layer as the dashboard serves it, for scale tests and bench/national.py.

The file is CBS's buurten of 2014 for the whole country, coarsely quantised (a grid of
about 270 x 310 m, see its PROVENANCE.md); it is found under the real-data folder
(``UNEASE_REAL_DATA``) and never copied into the project.

* ``read_buurten``: the buurten with a geometry, in RD New and repaired as a boundary
  source is (``geo.boundaries.repair_geometries``);
* ``build_areas_db``: a database holding only these areas, written by the loader's own
  ``_load_areas`` (wijken dissolved from the buurten, display geometries of every level)
  and the staging SQL, so ``/geo/buurt.geojson`` serves them;
* measures of a coverage: polygons whose edges do not match their neighbours' (overlaps
  and narrow gaps), and the overlap each pair of neighbours gained.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etl import sqlfiles
from etl.db import connect
from etl.load import _load_areas
from geo.boundaries import DISPLAY_TOLERANCE_M, display_geometries, repair_geometries
from geo.crs import RD, WGS84

NATIONAL_FILE = Path("cbs_buurten_2014_nl_coarse", "buurten_2014_nl_q1e3.gpkg")
NATIONAL_LAYER = "buurten_2014"
NATIONAL_CODE, NATIONAL_NAME = "NL0000", "Nederland"


def read_buurten(path: Path) -> tuple[gpd.GeoDataFrame, int]:
    """Buurten with a geometry (code, name, geometry in RD) and the number without one."""
    frame = gpd.read_file(path, layer=NATIONAL_LAYER)
    missing = frame.geometry.isna() | frame.geometry.is_empty
    kept = frame[~missing].reset_index(drop=True)
    geoms, _ = repair_geometries(kept.geometry.to_crs(RD))
    buurten = gpd.GeoDataFrame(
        {"code": kept["statcode"].str.strip(), "name": kept["statnaam"]},
        geometry=np.asarray(geoms.values, dtype=object),
        crs=RD,
    )
    return buurten, int(missing.sum())


def _layer(frame: pd.DataFrame, geometry: np.ndarray, level: str, source: str):
    return gpd.GeoDataFrame(
        {
            "code": frame["code"].to_numpy(),
            "name": frame["name"].to_numpy(),
            "level": level,
            "parent_code": None,
            "vintage": 2014,
            "inhabitants": pd.array([pd.NA] * len(frame), dtype="Int64"),
            "is_water": False,
            "source": source,
        },
        geometry=geometry,
        crs=RD,
    )


def build_areas_db(buurten: gpd.GeoDataFrame, db: Path) -> Path:
    """A database with the areas table the dashboard reads (no facts, no indicators).

    A build loads one municipality; the gemeenten are given here (dissolved from the
    buurten by code) so the loader's own path places every buurt and wijk under one.
    """
    gemeente = "GM" + buurten["code"].str[2:6]
    dissolved = buurten.assign(code=gemeente, name=gemeente).dissolve(by="code").reset_index()
    layers = [
        _layer(buurten, buurten.geometry.values, "buurt", "buurten_2014"),
        _layer(dissolved, dissolved.geometry.values, "gemeente", "buurten_2014 (dissolved)"),
    ]
    con = connect(db)
    try:
        sqlfiles.run_layer(con, "schema")
        _load_areas(con, layers, NATIONAL_CODE, NATIONAL_NAME)
        sqlfiles.run_layer(con, "staging")
        con.execute("checkpoint")
    finally:
        con.close()
    return db


@contextlib.contextmanager
def unsimplified(level: str):
    """``display_geometries`` with a tolerance of 0: reprojected, rounded, repaired only."""
    saved = DISPLAY_TOLERANCE_M[level]
    DISPLAY_TOLERANCE_M[level] = 0.0
    try:
        yield
    finally:
        DISPLAY_TOLERANCE_M[level] = saved


def as_served(geoms: np.ndarray, level: str = "buurt") -> np.ndarray:
    """RD geometries through the display pipeline without simplification (the baseline)."""
    with unsimplified(level):
        return display_geometries(geoms, level)


def mismatched(geoms: np.ndarray, gap_width: float = 0.0) -> np.ndarray:
    """True for each polygon with an edge that does not match its neighbours' edges."""
    edges = shapely.coverage_invalid_edges(np.asarray(geoms), gap_width=gap_width)
    return ~shapely.is_empty(edges)


def to_rd(geoms: np.ndarray) -> np.ndarray:
    """WGS84 display geometries back in RD (repaired where the round trip breaks one)."""
    back = np.asarray(gpd.GeoSeries(geoms, crs=WGS84).to_crs(RD).values)
    broken = ~shapely.is_valid(back)
    back[broken] = shapely.make_valid(back[broken], method="structure", keep_collapsed=False)
    return back


def pair_overlaps(geoms: np.ndarray) -> dict[tuple[int, int], float]:
    """Overlap area (m2) of every pair of intersecting polygons (RD), keyed (i, j), i < j."""
    geoms = np.asarray(geoms)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    areas = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    return dict(zip(zip(left.tolist(), right.tolist()), areas.tolist()))


def new_overlaps(before: dict, after: dict) -> dict[tuple[int, int], float]:
    """Overlap area each pair gained (m2), for the pairs that gained any."""
    gained = {pair: area - before.get(pair, 0.0) for pair, area in after.items()}
    return {pair: area for pair, area in gained.items() if area > 0}
