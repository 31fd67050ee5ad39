"""Point-in-polygon: every point exactly once, a fixed tie-break, outside points marked."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from geo import assign
from geo.assign import assign_areas
from geo.crs import RD
from tests.conftest import REAL_DATA

LEFT = Polygon([(0, 0), (5, 0), (5, 5), (0, 5)])
RIGHT = Polygon([(5, 0), (10, 0), (10, 5), (5, 5)])


def test_points_inside_get_their_area():
    codes = assign_areas(np.array([1.0, 7.0]), np.array([1.0, 1.0]), [LEFT, RIGHT], ["A", "B"])
    assert list(codes) == ["A", "B"]


def test_point_on_shared_border_goes_to_smallest_code_whatever_the_order():
    x, y = np.array([5.0, 5.0]), np.array([2.0, 5.0])  # on the edge, and on the corner
    assert list(assign_areas(x, y, [LEFT, RIGHT], ["BU2", "BU1"])) == ["BU1", "BU1"]
    assert list(assign_areas(x, y, [RIGHT, LEFT], ["BU1", "BU2"])) == ["BU1", "BU1"]


def test_point_outside_every_area_is_none():
    codes = assign_areas(np.array([20.0, 2.0]), np.array([20.0, 2.0]), [LEFT, RIGHT], ["A", "B"])
    assert codes[0] is None and codes[1] == "A"


def test_many_points_each_assigned_once():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 10, 10_000), rng.uniform(0, 5, 10_000)
    codes = assign_areas(x, y, [LEFT, RIGHT], ["A", "B"])
    assert (codes == "A").sum() == (x <= 5).sum()
    assert (codes == "B").sum() == (x > 5).sum()


# --- the grid prefilter gives the same answers as testing every point exactly ---------------

AMSTERDAM = REAL_DATA / "amsterdam_buurten_gebieden_2022" / "amsterdam_buurten.geojson"


def _brute_force(x, y, geoms, codes) -> list:
    """The smallest code of every polygon a point intersects, one point and polygon at a time."""
    out = []
    for px, py in zip(x, y):
        hits = [c for g, c in zip(geoms, codes) if shapely.intersects_xy(g, px, py)]
        out.append(min(hits) if hits else None)
    return out


def _hard_points(geoms, rng, n_random: int):
    """Random points over the bounds and beyond, every vertex, and points along every edge."""
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    pad = 0.1 * max(xmax - xmin, ymax - ymin)
    vertices = shapely.get_coordinates(geoms)
    a, b = vertices[:-1], vertices[1:]
    t = rng.uniform(0, 1, (len(a), 1))
    along = a + t * (b - a)  # on an edge up to rounding (and the odd chord between rings)
    points = np.vstack(
        [
            np.column_stack(
                [
                    rng.uniform(xmin - pad, xmax + pad, n_random),
                    rng.uniform(ymin - pad, ymax + pad, n_random),
                ]
            ),
            vertices,
            (a + b) / 2,
            along,
            [[np.nan, ymin], [xmin, np.inf]],
        ]
    )
    return points[:, 0], points[:, 1]


def _voronoi_tiling(seed: int, n: int):
    rng = np.random.default_rng(seed)
    sites = shapely.multipoints(rng.uniform(0, 1000, (n, 2)).round(rng.integers(0, 3)))
    frame = shapely.box(0, 0, 1000, 1000)
    cells = shapely.get_parts(shapely.voronoi_polygons(sites, extend_to=frame))
    cells = shapely.intersection(cells, frame)
    codes = [f"BU{c:04d}" for c in rng.permutation(len(cells))]
    return cells, codes, rng


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 60))
def test_grid_answers_as_every_point_tested_exactly(seed, n, monkeypatch_grid):
    cells, codes, rng = _voronoi_tiling(seed, n)
    x, y = _hard_points(cells, rng, 3000)
    got = assign.assign_areas(x, y, cells, codes)
    assert list(got) == _brute_force(x, y, cells, codes)


@pytest.fixture(scope="module")
def monkeypatch_grid():
    """The grid for any number of points (it normally starts at GRID_FROM_POINTS)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assign, "GRID_FROM_POINTS", 0)
        patch.setattr(assign, "GRID_FROM_POINTS_PER_AREA", 0)
        yield


def test_overlapping_and_nested_areas_keep_the_smallest_code(monkeypatch_grid):
    big = shapely.box(0, 0, 100, 100)
    inner = shapely.box(20, 20, 60, 60)
    across = shapely.box(50, 50, 150, 80)  # overlaps both, sticks out
    hole = shapely.Polygon(
        [(0, 0), (200, 0), (200, 200), (0, 200)], [[(10, 10), (90, 10), (90, 90), (10, 90)]]
    )
    geoms = [big, inner, across, hole]
    rng = np.random.default_rng(3)
    x, y = _hard_points(geoms, rng, 20_000)
    for codes in (["D", "A", "C", "B"], ["A", "D", "B", "C"], ["C", "B", "A", "D"]):
        assert list(assign.assign_areas(x, y, geoms, codes)) == _brute_force(x, y, geoms, codes)


@pytest.mark.skipif(not AMSTERDAM.exists(), reason="real data not found (UNEASE_REAL_DATA)")
def test_amsterdam_grid_equals_exact_on_random_points_vertices_and_edges():
    frame = gpd.read_file(AMSTERDAM).to_crs(RD)
    geoms = frame.geometry.values
    codes = frame["cbsCode"].fillna(frame["code"]).to_numpy()
    x, y = _hard_points(geoms, np.random.default_rng(11), 300_000)
    assert len(x) > max(assign.GRID_FROM_POINTS, assign.GRID_FROM_POINTS_PER_AREA * len(geoms))
    order = np.argsort(codes.astype(str), kind="stable")
    exact = assign._exact(x, y, np.asarray(geoms, dtype=object)[order])
    grid = assign.assign_area_indices(x, y, np.asarray(geoms, dtype=object)[order])
    assert np.array_equal(grid, exact) and grid.dtype == exact.dtype == np.int32
    on_borders = exact[300_000:]  # vertices and points along edges
    assert (on_borders >= 0).mean() > 0.9  # nearly all of them touch a buurt


def test_thin_and_degenerate_layers_stay_small_and_exact(monkeypatch_grid):
    sliver = shapely.box(0, 0, 1000, 0.001)
    line_like = Polygon([(0, 5), (1000, 5), (0, 5)])  # no area at all
    geoms, codes = [sliver, line_like, None], ["A", "B", "C"]
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.uniform(-10, 1010, 30_000), [500.0, 500.0]])
    y = np.concatenate([rng.uniform(-0.01, 0.011, 30_000), [0.0, 5.0]])
    upright = Polygon([(5, 0), (5, 1000), (5, 0)])  # bounds of zero width
    grid = assign._Grid(np.array([upright], dtype=object), np.array([True]), 1e6)
    assert grid.nx * grid.ny < 2 * assign.MAX_CELLS
    got = assign.assign_areas(x, y, geoms, codes)
    assert list(got) == _brute_force(x, y, geoms[:2], codes[:2])
    assert got[-2] == "A" and got[-1] == "B"


def test_threads_give_the_same_answers_as_one(monkeypatch_grid, monkeypatch):
    """Chunks of a few hundred points, so every step runs in several threads."""
    monkeypatch.setattr(assign, "CHUNK_FROM", 500)
    cells, codes, rng = _voronoi_tiling(17, 40)
    overlap = shapely.box(200, 200, 700, 450)  # over many cells: ties with the smallest code
    geoms = np.array([*cells, overlap, None], dtype=object)
    codes = [*codes, "BU0000a", "BU9999"]
    x, y = _hard_points(geoms[:-1], rng, 20_000)
    one = assign.assign_areas(x, y, geoms, codes, threads=1)
    assert list(one) == _brute_force(x, y, geoms[:-1], codes[:-1])
    for threads in (2, 3, 4):
        assert list(assign.assign_areas(x, y, geoms, codes, threads=threads)) == list(one)
    assert (one == "BU0000a").sum() > 1000  # the overlapping box wins its ties
