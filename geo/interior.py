"""Cells of a grid that lie wholly inside a shape: a point in one of them lies in the shape.

Used to tell, before any point-in-polygon test, which points will surely be placed in
an area (those in an interior cell of the municipality) and which may not (the others,
near its border or outside it).  A cell that a border crosses is never interior: the
border is cut into pieces of at most half a cell, the cells of their ends marked, and
the marks widened by one cell; every other cell is inside or outside as a whole, and
its centre says which.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy import ndimage


@dataclass(frozen=True)
class Grid:
    """Cells of ``width`` x ``height`` from (x0, y0); ``interior`` row by row (y, then x)."""

    x0: float
    y0: float
    width: float
    height: float
    nx: int
    ny: int
    interior: np.ndarray  # bool, length nx * ny

    def runs(self) -> tuple[np.ndarray, np.ndarray]:
        """For each row of cells, the longest run of interior cells: its first cell and
        the cell after its last (both 0 for a row without any).  A test of a point
        against one run is two comparisons, not a look-up in every cell."""
        rows = self.interior.reshape(self.ny, self.nx)
        first = np.zeros(self.ny, dtype=np.int64)
        after = np.zeros(self.ny, dtype=np.int64)
        for j, row in enumerate(rows):
            edges = np.flatnonzero(np.diff(np.concatenate([[0], row.astype(np.int8), [0]])))
            if len(edges):
                starts, stops = edges[0::2], edges[1::2]
                k = int(np.argmax(stops - starts))
                first[j], after[j] = starts[k], stops[k]
        return first, after


def interior_grid(shape: shapely.Geometry, side: int = 512) -> Grid:
    """The cells of a grid of about ``side`` x ``side`` over ``shape`` that lie wholly inside it."""
    xmin, ymin, xmax, ymax = shape.bounds
    size = max(xmax - xmin, ymax - ymin) / side or 1.0
    nx = max(1, int(np.ceil((xmax - xmin) / size)))
    ny = max(1, int(np.ceil((ymax - ymin) / size)))
    border = np.zeros((ny, nx), dtype=bool)
    pieces = shapely.get_coordinates(shapely.segmentize(shape.boundary, size / 2))
    ix = np.clip(((pieces[:, 0] - xmin) / size).astype(int), 0, nx - 1)
    iy = np.clip(((pieces[:, 1] - ymin) / size).astype(int), 0, ny - 1)
    border[iy, ix] = True
    border = ndimage.binary_dilation(border, structure=np.ones((3, 3), dtype=bool))
    cx, cy = np.meshgrid(xmin + (np.arange(nx) + 0.5) * size, ymin + (np.arange(ny) + 0.5) * size)
    shapely.prepare(shape)
    inside = shapely.intersects_xy(shape, cx.ravel(), cy.ravel()).reshape(ny, nx)
    return Grid(xmin, ymin, size, size, nx, ny, (inside & ~border).ravel())
