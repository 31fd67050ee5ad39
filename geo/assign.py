"""Point-in-polygon: which area each point lies in, exactly once.

Areas of one level tile the municipality, so a point normally lies in one area.
A point exactly on a shared border touches two or more: it goes to the area
with the smallest code (a fixed tie-break, independent of input order).  A point
in no area gets ``None`` so the caller can quarantine it.

The answer is exact (``shapely.intersects_xy``), but most points never meet a
polygon.  A grid over the areas first marks every cell that a border crosses: the
borders are cut into pieces of at most half a cell and each piece marks the cells
of its bounding box (slightly widened), which covers every cell the border touches.
The cells no border crosses form connected regions that each lie wholly inside the
same areas (or outside all of them), so one point per region, tested exactly
(through an STRtree), labels the whole region.  A point in such a cell takes its
cell's label; only the points in border cells are tested against the polygons,
with the exact method below (:func:`_exact`).  Areas are integer indices in code
order throughout, so the smallest index is the smallest code; codes are looked up
once at the end.

:func:`_exact` sorts the points by x once; each polygon takes the slice of points
inside its bounding box by binary search and ``shapely.intersects_xy`` on the
prepared polygon tests only those.

Large inputs run in threads over contiguous chunks (``threads``, default
:data:`THREADS`): the cell of every point in chunks of points, the exact tests in
chunks of the points sorted by x (each chunk visits only the polygons over its stretch
of x), the borders of the grid in chunks of polygons.  shapely's predicates and
constructors and numpy's array operations release the GIL, so the chunks run side by
side; each point's answer depends on that point alone, so the result is the same for
any number of threads.  Figures: docs/performance.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely
from scipy import ndimage

#: Grid cells per area and per point (about): more cells, fewer points in border
#: cells, but a grid that takes longer to build than the points it saves.
CELLS_PER_AREA = 4096
CELLS_PER_POINT = 0.5
#: Bounds of the number of cells of the grid.
MIN_CELLS, MAX_CELLS = 4096, 8_000_000
MAX_SIDE = 8192
#: Fewer points than this, or than this many per area: the exact method alone (the
#: grid costs two passes over the polygons and would not pay for itself).
GRID_FROM_POINTS = 20_000
GRID_FROM_POINTS_PER_AREA = 200

#: Threads of one assignment (UNEASE_ASSIGN_THREADS): the machine's cores, at most 4
#: (beyond that the memory bus, not the cores, sets the pace).
THREADS = int(os.environ.get("UNEASE_ASSIGN_THREADS", min(os.cpu_count() or 1, 4)))
#: Chunks smaller than this are not worth a thread.
CHUNK_FROM = 50_000

_NONE = -1  # in no area
_BORDER = -2  # a border crosses the cell: test exactly


def assign_areas(
    x: np.ndarray,
    y: np.ndarray,
    geometries: Sequence[shapely.Geometry] | np.ndarray,
    codes: Sequence[str],
    threads: int | None = None,
) -> np.ndarray:
    """Return, for each point (x, y), the code of the area it lies in, or None.

    Parameters
    ----------
    x, y
        Point coordinates, in the CRS of ``geometries`` (RD New in this project).
    geometries
        Polygons of one level (they should tile the area of interest).
    codes
        Area codes, parallel to ``geometries``; ties go to the smallest code.
    threads
        Threads to use (default :data:`THREADS`); the answer does not depend on it.
    """
    codes_arr = np.asarray(codes, dtype=object)
    order = np.argsort(codes_arr.astype(str), kind="stable")
    found = assign_area_indices(x, y, np.asarray(geometries, dtype=object)[order], threads)
    result = np.full(len(found), None, dtype=object)
    inside = found >= 0
    result[inside] = codes_arr[order][found[inside]]
    return result


def assign_area_indices(
    x: np.ndarray,
    y: np.ndarray,
    geometries: Sequence[shapely.Geometry] | np.ndarray,
    threads: int | None = None,
) -> np.ndarray:
    """For each point, the index of the first of ``geometries`` it lies in, or -1.

    "First" is the tie-break: give the geometries in code order for the smallest code.
    ``threads``: as in :func:`assign_areas`.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    geoms = np.asarray(geometries, dtype=object)
    threads = max(1, THREADS if threads is None else threads)
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    enough = max(GRID_FROM_POINTS, GRID_FROM_POINTS_PER_AREA * usable.sum())
    if len(x) < enough or not usable.any():
        return _exact(x, y, geoms, threads)
    cells = min(CELLS_PER_AREA * usable.sum(), CELLS_PER_POINT * len(x))
    grid = _Grid(geoms, usable, cells, threads)
    label = np.empty(len(x), dtype=np.int32)

    def label_chunk(start: int, stop: int) -> np.ndarray:
        label[start:stop] = grid.labels(x[start:stop], y[start:stop])  # int16 to int32
        return np.flatnonzero(label[start:stop] == _BORDER) + start

    border = np.concatenate(_in_chunks(len(x), threads, label_chunk))
    label[border] = _exact(x[border], y[border], geoms, threads)
    return label


def _in_chunks(
    n: int, threads: int, work: Callable[[int, int], object], smallest: int = CHUNK_FROM
) -> list:
    """``work(start, stop)`` over contiguous chunks of range(n), in threads when the
    chunks hold at least ``smallest`` items; the results in the order of the chunks."""
    chunks = min(threads, max(1, n // smallest))
    bounds = np.linspace(0, n, chunks + 1).astype(int)
    if chunks == 1:
        return [work(0, n)]
    with ThreadPoolExecutor(chunks) as pool:
        return list(pool.map(work, bounds[:-1], bounds[1:]))


class _Grid:
    """Cells over the areas' bounds: an area index, _NONE, or _BORDER for each."""

    def __init__(self, geoms: np.ndarray, usable: np.ndarray, cells: float, threads: int = 1):
        bounds = shapely.bounds(geoms[usable])
        self.x0, self.y0 = bounds[:, 0].min(), bounds[:, 1].min()
        width = max(bounds[:, 2].max() - self.x0, 1e-9)
        height = max(bounds[:, 3].max() - self.y0, 1e-9)
        cells = np.clip(cells, MIN_CELLS, MAX_CELLS)
        # square cells, but never more than MAX_SIDE along one side (a thin layer)
        self.size = float(max(np.sqrt(width * height / cells), max(width, height) / MAX_SIDE))
        # one empty cell of margin on each side: points beyond the bounds land there
        self.nx = int(width / self.size) + 3
        self.ny = int(height / self.size) + 3
        self.index_type = np.int32 if self.nx * self.ny < 2**31 else np.int64
        self.cells = np.full(self.nx * self.ny, _NONE, dtype=np.int32)
        self._mark_borders(geoms[usable], threads)
        self._label_regions(geoms)

    def index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The cell of each point (points outside the bounds in the margin)."""
        cell = self._axis(y, self.y0, self.ny)
        cell *= self.nx
        cell += self._axis(x, self.x0, self.nx)
        return cell

    def _axis(self, v: np.ndarray, origin: float, n: int) -> np.ndarray:
        """Column (or row) of each coordinate: one formula for points and borders alike.

        The origin is one cell before the bounds (the margin), so inside the grid the
        scaled value is not negative and truncation is the floor; it never decreases
        when the coordinate grows, which is what the marking of borders relies on.
        """
        scaled = np.subtract(v, origin - self.size)
        scaled *= 1.0 / self.size
        np.fmax(scaled, 0, out=scaled)  # NaN too: to the margin, in no area
        np.minimum(scaled, n - 1, out=scaled)
        return scaled.astype(self.index_type)

    def labels(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self.cells[self.index(x, y)]

    def _mark_borders(self, geoms: np.ndarray, threads: int = 1) -> None:
        """Mark every cell a border touches, by pieces of at most one cell."""

        def mark(start: int, stop: int) -> None:
            # every chunk writes the same value: the order of the writes does not matter
            self._mark_pieces(geoms[start:stop])

        # a few hundred polygons already make a chunk worth a thread
        _in_chunks(len(geoms), threads, mark, smallest=200)

    def _mark_pieces(self, geoms: np.ndarray) -> None:
        pieces = shapely.segmentize(shapely.boundary(geoms), self.size / 2)
        xy, ring = shapely.get_coordinates(shapely.get_parts(pieces), return_index=True)
        same = ring[1:] == ring[:-1]  # consecutive vertices of one line: a piece
        start, end = xy[:-1][same], xy[1:][same]
        # widened by a little more than rounding can move a point across a cell edge
        pad = self.size * 1e-6
        lo = np.minimum(start, end) - pad
        hi = np.maximum(start, end) + pad
        ix0, iy0 = self._axis(lo[:, 0], self.x0, self.nx), self._axis(lo[:, 1], self.y0, self.ny)
        ix1, iy1 = self._axis(hi[:, 0], self.x0, self.nx), self._axis(hi[:, 1], self.y0, self.ny)
        span_x, span_y = int((ix1 - ix0).max()), int((iy1 - iy0).max())
        if span_x <= 1 and span_y <= 1:  # the rule (pieces of half a cell): the 4 corners
            row0, row1 = iy0 * self.nx, iy1 * self.nx  # are all the cells of each box
            for row in (row0, row1):
                for column in (ix0, ix1):
                    self.cells[row + column] = _BORDER
            return
        for dx in range(span_x + 1):
            for dy in range(span_y + 1):
                take = (ix0 + dx <= ix1) & (iy0 + dy <= iy1)
                self.cells[(iy0[take] + dy) * self.nx + ix0[take] + dx] = _BORDER

    def _label_regions(self, geoms: np.ndarray) -> None:
        """One exact test per region of cells that no border crosses."""
        open_cells = (self.cells != _BORDER).reshape(self.ny, self.nx)
        regions, count = ndimage.label(open_cells)  # 4-connected
        regions = regions.ravel()
        some_cell = np.zeros(count + 1, dtype=np.int64)
        some_cell[regions] = np.arange(len(regions))  # any cell of each region will do
        some_cell = some_cell[1:]  # region 0: the border cells
        cx = self.x0 + ((some_cell % self.nx) - 0.5) * self.size
        cy = self.y0 + ((some_cell // self.nx) - 0.5) * self.size
        small = np.int16 if len(geoms) < 2**15 else np.int32  # a smaller grid, fewer cache misses
        region_label = np.empty(count + 1, dtype=small)
        region_label[0] = _BORDER
        region_label[1:] = _first_hit(cx, cy, geoms)
        self.cells = region_label[regions]


def _first_hit(x: np.ndarray, y: np.ndarray, geoms: np.ndarray) -> np.ndarray:
    """As :func:`_exact`, for a few points among many polygons: through an STRtree."""
    tree = shapely.STRtree(geoms)
    point, area = tree.query(shapely.points(x, y), predicate="intersects")
    first = np.full(len(x), len(geoms), dtype=np.int64)
    np.minimum.at(first, point, area)
    first[first == len(geoms)] = -1
    return first.astype(np.int32)


def _exact(x: np.ndarray, y: np.ndarray, geoms: np.ndarray, threads: int = 1) -> np.ndarray:
    """Index of the first geometry each point intersects, or -1 (every polygon tested).

    The points sorted by x are cut into ``threads`` contiguous chunks; a chunk visits the
    polygons whose bounding box reaches into its stretch of x, in index order."""
    shapely.prepare(geoms)
    by_x = np.argsort(x, kind="stable")
    xs, ys = x[by_x], y[by_x]
    bounds = shapely.bounds(geoms)  # NaN for a missing or empty geometry
    areas = np.flatnonzero(~np.isnan(bounds[:, 0]))
    first = np.searchsorted(xs, bounds[areas, 0], "left")
    last = np.searchsorted(xs, bounds[areas, 2], "right")
    found = np.empty(len(x), dtype=np.int32)

    def chunk(start: int, stop: int) -> None:
        lo, hi = np.maximum(first, start), np.minimum(last, stop)
        some = hi > lo
        best = np.full(stop - start, -1, dtype=np.int32)
        for k, a, b in zip(areas[some].tolist(), lo[some].tolist(), hi[some].tolist()):
            _, ymin, _, ymax = bounds[k]
            in_box = np.flatnonzero((ys[a:b] >= ymin) & (ys[a:b] <= ymax)) + a
            hit = in_box[shapely.intersects_xy(geoms[k], xs[in_box], ys[in_box])] - start
            # geometries are visited in order: the first hit is the smallest index
            best[hit[best[hit] < 0]] = k
        found[by_x[start:stop]] = best

    _in_chunks(len(x), threads, chunk)
    return found
