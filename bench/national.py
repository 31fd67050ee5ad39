"""National buurt layer: display geometries and the /geo/buurt.geojson resource at scale.

    .venv/bin/python bench/national.py [--real /path/to/data/real] [--repeat 3]

On CBS's buurten of 2014 for the whole country (``cbs_buurten_2014_nl_coarse`` under
the real-data folder; coarse, quantised shapes, for scale only), in RD New as the
loader hands them to ``geo.boundaries.display_geometries``, in one run:

* the display geometries by the project's ``display_geometries`` (coverage
  simplification, WGS84, 6 decimals, repair), beside plain per-polygon
  ``GeoSeries.simplify`` with the same tolerance followed by the same reprojection,
  rounding and repair: time, vertices, and what each does to the coverage, against the
  input as it is served without simplification (polygons with an edge that does not
  match a neighbour's: ``shapely.coverage_invalid_edges``, overlaps and gaps narrower
  than 1e-4 degrees, 7-11 m), and against the input in RD (pairs of neighbours that
  overlap more than before, by an STRtree query);
* the GeoJSON resource of each, through the project's serialisation
  (``dashboard.queries.geojson_bytes`` / ``geojson_gzip``): bytes and gzip;
* a database with these areas written by the loader's own ``_load_areas`` and staging
  SQL, served by ``dashboard.app.create_app``: the time of GET /geo/buurt.geojson
  (gzip) in the Flask test client, first request (query, JSON and gzip) and repeated.

Prints Markdown tables (best of --repeat runs) for docs/performance.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402

from bench.run import best_of  # noqa: E402
from dashboard import queries  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from dashboard.store import Store  # noqa: E402
from etl.db import connect  # noqa: E402
from geo.boundaries import DISPLAY_TOLERANCE_M, display_geometries  # noqa: E402
from tests.national import (  # noqa: E402
    NATIONAL_FILE,
    as_served,
    build_areas_db,
    mismatched,
    new_overlaps,
    pair_overlaps,
    read_buurten,
    to_rd,
)

GAP_WIDTH = 1e-4  # degrees: 7 m east-west, 11 m north-south in the Netherlands
DECIMALS = re.compile(rb"\.(\d+)")


def replace_display(db: Path, target: Path, codes, geoms) -> Path:
    """A copy of ``db`` whose buurten carry other display geometries."""
    shutil.copy(db, target)
    con = connect(target)
    try:
        con.register("other", pd.DataFrame({"code": list(codes), "wkb": shapely.to_wkb(geoms)}))
        con.execute(
            "update areas set geom_display = st_geomfromwkb(other.wkb) "
            "from other where areas.code = other.code and areas.level = 'buurt'"
        )
        con.execute("checkpoint")
    finally:
        con.close()
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--real", default=os.environ.get("UNEASE_REAL_DATA", str(ROOT.parent / "shared/data/real"))
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = Path(args.real) / NATIONAL_FILE
    if not path.is_file():
        sys.exit(f"{path}: not found (set --real or UNEASE_REAL_DATA)")
    work = Path(tempfile.mkdtemp(prefix="unease-bench-"))
    tolerance = DISPLAY_TOLERANCE_M["buurt"]

    t_read, (buurten, missing) = best_of(1, lambda: read_buurten(path))
    rd = np.asarray(buurten.geometry.values)
    series = gpd.GeoSeries(rd, crs=buurten.crs)
    t_cov, _ = best_of(args.repeat, lambda: shapely.coverage_simplify(rd, tolerance))
    t_simp, _ = best_of(args.repeat, lambda: series.simplify(tolerance))
    t_project, project = best_of(args.repeat, lambda: display_geometries(rd, "buurt"))
    t_plain, plain = best_of(
        args.repeat, lambda: as_served(np.asarray(series.simplify(tolerance).values))
    )
    baseline = as_served(rd)

    flagged = {k: mismatched(g, GAP_WIDTH) for k, g in (("base", baseline), ("project", project))}
    flagged["plain"] = mismatched(plain, GAP_WIDTH)
    before = pair_overlaps(rd)
    gained = {
        k: new_overlaps(before, pair_overlaps(to_rd(g)))
        for k, g in (("base", baseline), ("project", project), ("plain", plain))
    }

    t_db, db = best_of(1, lambda: build_areas_db(buurten, work / "national.duckdb"))
    plain_db = replace_display(db, work / "plain.duckdb", buurten["code"], plain)
    sizes = {}
    for key, file in (("project", db), ("plain", plain_db)):
        store = Store(file)
        sizes[key] = (
            len(queries.geojson_bytes(store, "buurt")),
            len(queries.geojson_gzip(store, "buurt")),
        )

    def first_get():
        client = create_app(db).server.test_client()
        start = time.perf_counter()
        response = client.get("/geo/buurt.geojson", headers={"Accept-Encoding": "gzip"})
        return time.perf_counter() - start, client, response

    gets = [first_get() for _ in range(args.repeat)]
    t_get, client, response = min(gets, key=lambda g: g[0])
    t_again, _ = best_of(
        args.repeat,
        lambda: client.get("/geo/buurt.geojson", headers={"Accept-Encoding": "gzip"}),
    )
    t_json, body = best_of(args.repeat, lambda: queries.geojson_bytes(Store(db), "buurt"))
    t_gzip, _ = best_of(args.repeat, lambda: gzip.compress(body, compresslevel=6))
    served = json.loads(gzip.decompress(response.data))
    decimals = max(len(m) for m in DECIMALS.findall(body))
    levels = Store(db).frame("select level, count(*) as n from areas group by level order by n")
    counts = ", ".join(f"{n:,} {lv}" for lv, n in zip(levels["level"], levels["n"]))

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"duckdb {duckdb.__version__}, geopandas {gpd.__version__}, "
        f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string})"
    )
    print(
        f"{len(buurten) + missing:,} buurten in the file, {missing:,} without a geometry, "
        f"{len(buurten):,} with one ({shapely.get_num_coordinates(rd).sum():,} vertices); "
        f"read, reprojected to RD and repaired in {t_read:.2f} s; tolerance {tolerance:g} m; "
        f"served: {len(served['features']):,} features, at most {decimals} decimals, "
        f"HTTP {response.status_code}, {response.headers.get('Content-Encoding')}\n"
    )
    base_n = int(flagged["base"].sum())
    print(
        "| display geometries of the buurten | project: `display_geometries` "
        "(`coverage_simplify`) | plain `GeoSeries.simplify` + same reprojection, rounding, repair |"
    )
    print("|---|---:|---:|")
    print(f"| simplification alone (s) | {t_cov:.2f} | {t_simp:.2f} |")
    print(f"| display geometries, all steps (s) | {t_project:.2f} | {t_plain:.2f} |")
    vertices = [shapely.get_num_coordinates(g).sum() for g in (project, plain)]
    print(f"| vertices | {vertices[0]:,} | {vertices[1]:,} |")
    cells = []
    for key in ("project", "plain"):
        new = int((flagged[key] & ~flagged["base"]).sum())
        cells.append(f"{int(flagged[key].sum()):,} ({new:,} new)")
    print(
        "| polygons with an edge not matching a neighbour's (overlap or gap < 1e-4°; "
        f"the input as served: {base_n:,}) | {cells[0]} | {cells[1]} |"
    )
    cells = []
    for key in ("project", "plain"):
        grown = np.array([a for a in gained[key].values() if a > 1.0])
        cells.append(f"{len(grown):,} / {grown.sum():,.0f}")
    base_grown = np.array([a for a in gained["base"].values() if a > 1.0])
    print(
        "| neighbour pairs overlapping > 1 m² more than in the input, and the m² gained "
        f"(the input as served: {len(base_grown):,} / {base_grown.sum():,.0f}) "
        f"| {cells[0]} | {cells[1]} |"
    )
    print(
        "| /geo/buurt.geojson (KB, gzip KB) "
        f"| {sizes['project'][0] / 1024:,.0f} ({sizes['project'][1] / 1024:,.0f}) "
        f"| {sizes['plain'][0] / 1024:,.0f} ({sizes['plain'][1] / 1024:,.0f}) |"
    )
    print()
    print("| serving the national layer | time (s) |")
    print("|---|---:|")
    print(
        f"| database with the areas (`_load_areas` + staging SQL: {counts}; "
        f"display geometries of every level) | {t_db:.2f} |"
    )
    print(f"| GET /geo/buurt.geojson, gzip, first request (query, JSON, gzip) | {t_get:.2f} |")
    print(f"| of which query + JSON (`queries.geojson_bytes`) | {t_json:.2f} |")
    print(f"| of which gzip, level 6 | {t_gzip:.3f} |")
    print(f"| GET /geo/buurt.geojson again (held in memory) | {t_again:.4f} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
