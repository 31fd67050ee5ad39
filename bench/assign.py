"""Point -> area assignment at scale: the grid prefilter beside the alternatives, as ratios.

    .venv/bin/python bench/assign.py [--points 10000000] [--sjoin-points 1000000] [--repeat 3]
                                     [--threads N]

On Amsterdam's 518 buurten (``amsterdam_buurten_gebieden_2022``) and on CBS's 9,949
buurten of 2014 for the whole country (``cbs_buurten_2014_nl_coarse``), both under the
real-data folder (``UNEASE_REAL_DATA``), in RD New, with uniform random points over
each layer's bounds, in one run:

* ``geo.assign.assign_area_indices`` (grid prefilter, exact tests in border cells;
  integer area indices) in ``--threads`` threads (default ``geo.assign.THREADS``) and
  in one, and ``geo.assign.assign_areas`` (the same, with codes);
* the implementation before the grid (every point tested exactly against the polygons
  whose bounding box holds it: ``geo.assign._exact``, kept for the border cells), with
  codes, in one thread;
* plain ``geopandas.sjoin(predicate="intersects")`` from the x/y arrays, smallest code
  per point, on ``--sjoin-points`` points (it needs a shapely point per point; 10M
  of them take several GB), compared by rate.

Every method's answer is checked against the grid's, point by point. Prints Markdown
(best of --repeat runs) for docs/performance.md, with wall time and the CPU time of
the process: on a machine shared with other work the wall time measures the load as
much as the code, the CPU time what the code needs.  Ratios are given on both.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402

from bench.run import best_of  # noqa: E402
from geo import assign  # noqa: E402
from geo.crs import RD  # noqa: E402
from tests.conftest import REAL_DATA  # noqa: E402
from tests.national import NATIONAL_FILE, read_buurten  # noqa: E402

AMSTERDAM = Path("amsterdam_buurten_gebieden_2022", "amsterdam_buurten.geojson")


def layers(real: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    amsterdam = gpd.read_file(real / AMSTERDAM).to_crs(RD)
    national, _ = read_buurten(real / NATIONAL_FILE)
    return {
        "Amsterdam": (
            amsterdam.geometry.values,
            amsterdam["cbsCode"].fillna(amsterdam["code"]).to_numpy(),
        ),
        "Netherlands (coarse)": (national.geometry.values, national["code"].to_numpy()),
    }


def previous(x, y, geoms, codes):
    """The implementation before the grid: every point tested exactly, then codes."""
    grid_from = assign.GRID_FROM_POINTS
    assign.GRID_FROM_POINTS = len(x) + 1  # with fewer points, assign_areas tests every point
    try:
        return assign.assign_areas(x, y, geoms, codes, threads=1)
    finally:
        assign.GRID_FROM_POINTS = grid_from


def sjoin_codes(x, y, geoms, codes):
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=RD)
    polys = gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs=RD)
    joined = gpd.sjoin(points, polys, predicate="intersects")
    smallest = joined.groupby(level=0)["code"].min()
    return pd.Series(None, index=range(len(x)), dtype=object).fillna(smallest).to_numpy()


def same(a, b) -> bool:
    return bool((pd.Series(a).fillna("-") == pd.Series(b).fillna("-")).all())


def compare(name: str, geoms, codes, rng, args) -> None:
    """One layer: every method on the same points, a Markdown row each."""
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    x = rng.uniform(xmin, xmax, args.points)
    y = rng.uniform(ymin, ymax, args.points)
    order = np.argsort(codes.astype(str), kind="stable")
    ordered = np.asarray(geoms, dtype=object)[order]
    shapely.prepare(ordered)  # once for all methods, as the first call of any of them would

    def timed(fn, repeat=args.repeat):
        """Best wall time and best CPU time of the process (the machine is shared)."""
        wall, result = best_of(repeat, fn)
        cpu, _ = best_of(repeat, fn, clock=time.process_time)
        return wall, cpu, result

    print(f"| {name} | | load average {os.getloadavg()[0]:.1f} at the start | | | | | | |")
    t_idx, c_idx, idx = timed(lambda: assign.assign_area_indices(x, y, ordered, args.threads))
    t_one, c_one, one = timed(lambda: assign.assign_area_indices(x, y, ordered, 1))
    t_codes, c_codes, got = timed(lambda: assign.assign_areas(x, y, geoms, codes, args.threads))
    t_prev, c_prev, prev = timed(lambda: previous(x, y, geoms, codes))
    n_s = min(args.sjoin_points, args.points)
    t_sjoin, c_sjoin, joined = timed(lambda: sjoin_codes(x[:n_s], y[:n_s], geoms, codes), 1)

    def as_codes(found):
        return np.where(found >= 0, codes[order][np.maximum(found, 0)], None)

    threads = f"{args.threads} thread{'s' if args.threads > 1 else ''}"
    rows = [
        (f"`assign_area_indices` (grid, indices), {threads}", args.points, t_idx, c_idx, True),
        (
            "`assign_area_indices` (grid, indices), 1 thread",
            args.points,
            t_one,
            c_one,
            bool(np.array_equal(one, idx)),
        ),
        (
            f"`assign_areas` (grid, codes), {threads}",
            args.points,
            t_codes,
            c_codes,
            same(got, as_codes(idx)),
        ),
        (
            "before the grid: every point exact, 1 thread",
            args.points,
            t_prev,
            c_prev,
            same(prev, got),
        ),
        (
            "`geopandas.sjoin` from x/y, smallest code",
            n_s,
            t_sjoin,
            c_sjoin,
            same(joined, got[:n_s]),
        ),
    ]
    for method, n, wall, cpu, agrees in rows:
        print(
            f"| {name} | {len(geoms):,} | {method} | {n:,} | {n / wall / 1e6:.2f} "
            f"| {n / cpu / 1e6:.2f} | {(args.points / t_idx) / (n / wall):.2f} "
            f"| {(args.points / c_idx) / (n / cpu):.2f} | {'yes' if agrees else 'NO'} |"
        )
    inside = int((idx >= 0).sum())
    print(f"| {name} | | points inside an area: {inside:,} of {args.points:,} | | | | | | |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--sjoin-points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=assign.THREADS)
    parser.add_argument("--real", type=Path, default=REAL_DATA)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the start, shapely {shapely.__version__}, "
        f"geopandas {gpd.__version__}; best of {args.repeat}\n"
    )
    print(
        "| layer | areas | method | points | M points/s (wall) | M points/s (CPU) "
        "| grid vs this (wall) | grid vs this (CPU) | same answers |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---|")
    rng = np.random.default_rng(7)
    for name, (geoms, codes) in layers(args.real).items():
        compare(name, geoms, codes, rng, args)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
