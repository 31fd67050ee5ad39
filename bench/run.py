"""Benchmarks of the load path, each beside the obvious alternative in the same run.

    .venv/bin/python bench/run.py [--points 1000000] [--repeat 3]

1. Point-in-polygon of N random points on the Demostad buurten:
   the project's ``geo.assign.assign_areas`` (STRtree on prepared polygons, fixed
   tie-break) against plain ``geopandas.sjoin`` (predicate "within") and against a
   DuckDB spatial join (``st_contains`` over the same polygons).
2. The full demo: generating the source files and building the database from them.

Prints a Markdown table (best of --repeat runs) for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etl.db import connect
from etl.demo import generate_demo
from etl.load import build
from geo.assign import assign_areas


def best_of(repeat: int, fn, clock=time.perf_counter):
    """The shortest of ``repeat`` runs of ``fn`` by ``clock`` (wall time unless given)."""
    times, result = [], None
    for _ in range(repeat):
        start = clock()
        result = fn()
        times.append(clock() - start)
    return min(times), result


def run_child(code: Path, script: str, *args: str) -> str:
    """Standard output of ``python -c script args`` run in the checkout ``code`` (its
    own modules first on the path), in a fresh process: a step timed with another
    revision's code, side by side with this one."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=code,
        env={**os.environ, "PYTHONPATH": str(code)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="unease-bench-"))
    t_generate, config = best_of(1, lambda: generate_demo(work / "demo"))
    t_build, summary = best_of(args.repeat, lambda: build(config, work / "demo.duckdb"))

    buurten = gpd.read_file(work / "demo" / "demostad.gpkg", layer="buurten")
    rng = np.random.default_rng(7)
    xmin, ymin, xmax, ymax = buurten.total_bounds
    x = rng.uniform(xmin, xmax, args.points)
    y = rng.uniform(ymin, ymax, args.points)

    t_project, codes = best_of(
        args.repeat,
        lambda: assign_areas(x, y, buurten.geometry.values, buurten["buurtcode"].to_numpy()),
    )
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=buurten.crs)
    polys = buurten[["buurtcode", "geometry"]]
    t_sjoin, joined = best_of(args.repeat, lambda: gpd.sjoin(points, polys, predicate="within"))
    t_sjoin_xy, _ = best_of(
        args.repeat,
        lambda: gpd.sjoin(
            gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=buurten.crs),
            polys,
            predicate="within",
        ),
    )

    con = connect()
    con.register("pts", pd.DataFrame({"i": np.arange(args.points), "x": x, "y": y}))
    con.register(
        "polys",
        pd.DataFrame(
            {"code": buurten["buurtcode"], "wkb": shapely.to_wkb(buurten.geometry.values)}
        ),
    )
    con.execute("create table p as select i, st_point(x, y) as g from pts")
    con.execute("create table b as select code, st_geomfromwkb(wkb) as g from polys")
    t_duck, duck_n = best_of(
        args.repeat,
        lambda: con.execute("select count(*) from p join b on st_contains(b.g, p.g)").fetchone()[0],
    )

    inside = int(pd.notna(codes).sum())
    agree = (
        pd.Series(codes).dropna().sort_index()
        == joined.sort_index()["buurtcode"]
        .groupby(level=0)
        .min()
        .reindex(pd.Series(codes).dropna().index)
    ).mean()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"duckdb {duckdb.__version__}, geopandas {gpd.__version__}, shapely {shapely.__version__}"
    )
    print(
        f"{args.points:,} random points over {len(buurten)} buurten; {inside:,} inside a buurt; "
        f"sjoin rows {len(joined):,}; duckdb rows {duck_n:,}; agreement {agree:.4%}\n"
    )
    print("| step | time (s) | relative to the project's step |")
    print("|---|---:|---:|")
    print(f"| point-in-polygon: `geo.assign.assign_areas` | {t_project:.2f} | 1.00 |")
    print(
        "| point-in-polygon: plain `geopandas.sjoin(predicate='within')` from the x/y arrays "
        f"| {t_sjoin_xy:.2f} | {t_sjoin_xy / t_project:.2f} |"
    )
    print(
        "| point-in-polygon: plain `geopandas.sjoin`, point objects built beforehand (untimed) "
        f"| {t_sjoin:.2f} | {t_sjoin / t_project:.2f} |"
    )
    print(
        "| point-in-polygon: DuckDB spatial `st_contains` join, points built beforehand "
        f"| {t_duck:.2f} "
        f"| {t_duck / t_project:.2f} |"
    )
    print(f"| demo: generate the source files | {t_generate:.2f} | |")
    print(
        f"| demo: full build (`unease build`, {summary.indicator_rows:,} indicator values) "
        f"| {t_build:.2f} | |"
    )


if __name__ == "__main__":
    main()
