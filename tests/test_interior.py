"""Cells of a grid wholly inside a shape: a point in one of them lies in the shape."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Polygon

from geo.interior import interior_grid

#: An L-shaped municipality with a bay, 10 x 10 km (a concave border on two sides).
SHAPE = Polygon(
    [(0, 0), (10_000, 0), (10_000, 4_000), (4_000, 4_000), (4_000, 10_000), (0, 10_000)]
)


def _in_runs(grid, x, y):
    first, after = grid.runs()
    ix = np.floor((x - grid.x0) / grid.width)
    iy = np.floor((y - grid.y0) / grid.height).astype(int)
    row = (iy >= 0) & (iy < grid.ny)
    found = np.zeros(len(x), dtype=bool)
    found[row] = (ix[row] >= first[iy[row]]) & (ix[row] < after[iy[row]])
    return found


def test_points_in_interior_cells_lie_in_the_shape():
    grid = interior_grid(SHAPE)
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-500, 10_500, 200_000), rng.uniform(-500, 10_500, 200_000)
    inside = shapely.intersects_xy(SHAPE, x, y)
    cells = grid.interior[
        np.clip(((y - grid.y0) // grid.height).astype(int), 0, grid.ny - 1) * grid.nx
        + np.clip(((x - grid.x0) // grid.width).astype(int), 0, grid.nx - 1)
    ]
    runs = _in_runs(grid, x, y)
    assert inside[cells & (x >= 0) & (y >= 0)].all()
    assert inside[runs].all()
    # nearly all of the shape is interior: only the cells along its border are not
    assert cells.sum() > 0.9 * inside.sum()
    assert runs.sum() > 0.9 * inside.sum()


def test_a_point_on_the_border_is_never_in_an_interior_cell():
    grid = interior_grid(SHAPE)
    border = shapely.get_coordinates(shapely.segmentize(SHAPE.boundary, 10))
    assert not _in_runs(grid, border[:, 0], border[:, 1]).any()
